"""Where Keras runs for the app: worker processes that answer tasks, and one result cache bounded in bytes.

The web server's own process draws pages and never imports TensorFlow; every Keras build and call
happens here, in `WORKERS` processes (one per core), started and warmed (TensorFlow imported, a
default run done) once, by `start()`, before the first visitor. A task names a module-level function
and gives its arguments (pickled): `engine.submit("rnnlab.run:preview", config)`; the server never
imports the function's module.

- Tasks wait in one queue ordered by priority: ANSWER (what a visitor waits for) before CONFIRM
  (Keras's own forward pass behind an answer already shown). Answers go first come first served;
  confirmations newest first, and only the newest MAX_CONFIRMS wait: a visitor who has moved on
  no longer looks at an old one, which is asked for again if anybody comes back to it.
- Identical tasks are computed once: a second request joins the first, and results stay in a
  least-recently-used cache bounded by their pickled size (CACHE_BYTES).
- A task that runs past its time limit, or a worker that dies, is replaced by a fresh worker;
  the caller gets WorkerLost with a plain message. A worker is also replaced after MAX_TASKS tasks
  or above MAX_RSS_MB of memory, so native memory cannot grow without bound.

Without `start()` (the command line, the tests) nothing here runs: callers use the functions directly.
"""

from __future__ import annotations

import heapq
import importlib
import itertools
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

WORKERS = max(1, min(2, os.cpu_count() or 1))
ANSWER, CONFIRM = 0, 2  # priorities: lower goes first
MAX_CONFIRMS = 64
CACHE_BYTES = 768 * 2**20
NICE = 5  # workers yield the cores to the web server's own reruns
MAX_TASKS = 2000
MAX_RSS_MB = 2500
START_S = 120.0  # a worker that has not started (imported TensorFlow) by then is replaced

_log = logging.getLogger(__name__)


class WorkerLost(RuntimeError):
    """The worker computing a task died or ran out of time; the message says which, in plain words."""


@dataclass(order=True)
class _Task:
    rank: tuple[int, int]
    key: tuple = field(compare=False)
    function: str = field(compare=False)  # 'module:name'
    args: tuple = field(compare=False)
    timeout: float | None = field(compare=False)
    future: Future = field(compare=False, default_factory=Future)


def _key(function: str, args: tuple) -> tuple:
    return (function, *args)


class _Cache:
    """Results by task, least recently used first out when their pickled sizes pass `limit` bytes."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0
        self.items: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bool, Any]:
        with self.lock:
            if key not in self.items:
                return False, None
            self.items.move_to_end(key)
            return True, self.items[key][0]

    def put(self, key: tuple, value: Any, size: int) -> None:
        with self.lock:
            if key in self.items:
                self.used -= self.items.pop(key)[1]
            self.items[key] = (value, size)
            self.used += size
            while self.used > self.limit and len(self.items) > 1:
                self.used -= self.items.popitem(last=False)[1][1]


class Engine:
    """Worker processes, the task queue and the result cache."""

    def __init__(self, workers: int = WORKERS, cache_bytes: int = CACHE_BYTES):
        self.cache = _Cache(cache_bytes)
        self._queue: list[_Task] = []
        self._pending: dict[tuple, _Task] = {}  # queued or running, by key
        self._changed = threading.Condition()
        self._order = itertools.count()
        self._context = multiprocessing.get_context("spawn")  # never fork a process that runs TensorFlow
        self.stats = {"tasks": 0, "replaced": 0, "dropped": 0}
        for number in range(workers):
            threading.Thread(target=self._dispatch, name=f"engine-{number}", daemon=True).start()

    # --- the server's side ---

    def submit(self, function: str, *args: Any, priority: int = ANSWER, timeout: float | None = None) -> Future:
        """A future for function(*args) (function: 'module:name') computed in a worker: cached, joined to an
        identical task, or queued."""
        key = _key(function, args)
        hit, value = self.cache.get(key)
        if hit:
            done: Future = Future()
            done.set_result(value)
            return done
        with self._changed:
            task = self._pending.get(key)
            if task is not None:
                if priority < task.rank[0] and task in self._queue:  # an answer is now waited for
                    task.rank = (priority, next(self._order))
                    heapq.heapify(self._queue)
                return task.future
            order = next(self._order)
            task = _Task((priority, -order if priority == CONFIRM else order), key, function, args, timeout)
            self._pending[key] = task
            heapq.heappush(self._queue, task)
            self._drop_old_confirms()
            self._changed.notify()
            return task.future

    def cached(self, function: str, *args: Any) -> tuple[bool, Any]:
        """(True, result) when function(*args) has been computed and is still cached, else (False, None)."""
        return self.cache.get(_key(function, args))

    def waiting(self) -> int:
        """Tasks queued, not yet running."""
        with self._changed:
            return len(self._queue)

    def ahead_of(self, future: Future) -> int:
        """Tasks that will run before this one (0 when it runs or is done)."""
        with self._changed:
            task = next((t for t in self._queue if t.future is future), None)
            return 0 if task is None else sum(t < task for t in self._queue)

    def _drop_old_confirms(self) -> None:
        confirms = sorted(t for t in self._queue if t.rank[0] == CONFIRM)
        for task in confirms[MAX_CONFIRMS:]:
            self._queue.remove(task)
            del self._pending[task.key]
            task.future.cancel()
            self.stats["dropped"] += 1
        if len(confirms) > MAX_CONFIRMS:
            heapq.heapify(self._queue)

    # --- one dispatcher thread per worker process ---

    def _next(self) -> _Task:
        with self._changed:
            while not self._queue:
                self._changed.wait()
            task = heapq.heappop(self._queue)
            task.future.set_running_or_notify_cancel()
            return task

    def _dispatch(self) -> None:
        worker = _Worker(self._context)
        while True:
            task = self._next()
            try:
                value, size = worker.ask(task.function, task.args, task.timeout)
            except WorkerLost as lost:
                self.stats["replaced"] += 1
                worker.close()
                worker = _Worker(self._context)
                self._finish(task, error=lost)
                continue
            except Exception as err:  # the task's own exception, raised in the worker
                self._finish(task, error=err)
            else:
                self.cache.put(task.key, value, size)
                self._finish(task, value=value)
            if worker.tired():
                self.stats["replaced"] += 1
                worker.close()
                worker = _Worker(self._context)

    def _finish(self, task: _Task, value: Any = None, error: BaseException | None = None) -> None:
        with self._changed:
            self._pending.pop(task.key, None)
            self.stats["tasks"] += 1
        if error is None:
            task.future.set_result(value)
        else:
            task.future.set_exception(error)


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), name="rnnlab-engine", daemon=True)
        self.process.start()
        child.close()
        self.tasks, self.rss_mb, self.ready = 0, 0.0, False

    def ask(self, function: str, args: tuple, timeout: float | None) -> tuple[Any, int]:
        """function(*args) in the process -> (result, its pickled size); raises what it raised, or WorkerLost."""
        try:
            self.conn.send((function, args))
            limit = (timeout or 0) + (0 if self.ready else START_S)
            if limit and not self.conn.poll(limit):
                raise WorkerLost(f"it took longer than {timeout:.0f} s and was stopped" if timeout
                                 else "the engine did not start in time")
            data = self.conn.recv_bytes()
        except (EOFError, OSError, BrokenPipeError):
            raise WorkerLost("the process computing it ended unexpectedly") from None
        self.ready = True
        self.tasks += 1
        ok, value, self.rss_mb = pickle.loads(data)
        if not ok:
            raise value
        return value, len(data)

    def tired(self) -> bool:
        return self.tasks >= MAX_TASKS or self.rss_mb > MAX_RSS_MB

    def close(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join(5)


# --- in the worker process ---

def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _serve(conn: Any) -> None:
    """A worker's life: take a task, send back (ok, result or exception, memory in MB); end with the pipe."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        os.nice(NICE)
    except OSError:
        pass
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            module, name = function.split(":")
            reply = (True, getattr(importlib.import_module(module), name)(*args), _rss_mb())
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as err:  # sent back to the caller, who raises it
            data = _pickled_error(err)
        conn.send_bytes(data)


def _pickled_error(err: Exception) -> bytes:
    try:
        return pickle.dumps((False, err, _rss_mb()))
    except Exception:  # an exception that cannot be pickled travels as its text
        return pickle.dumps((False, RuntimeError(f"{type(err).__name__}: {err}"), _rss_mb()))


def warm() -> str:
    """A worker's first task: import TensorFlow and Keras and run the default configuration once."""
    from rnnlab.params import parse
    from rnnlab.run import run

    return run(parse("").config).keras_version


# --- the one engine of this process ---

_ENGINE: Engine | None = None
_STARTING = threading.Lock()


def start(workers: int = WORKERS) -> Engine:
    """The engine of this process, started (and every worker warmed) on the first call."""
    global _ENGINE
    with _STARTING:
        if _ENGINE is None:
            _ENGINE = Engine(workers)
            started = time.monotonic()
            for _ in range(workers):  # one warm-up per worker: both are busy importing at once
                _ENGINE._queue.append(_Task((ANSWER, -1), ("warm",), f"{__name__}:warm", (), None))
            with _ENGINE._changed:
                _ENGINE._changed.notify_all()
            _log.info("engine: %d workers starting (%.1f s)", workers, time.monotonic() - started)
        return _ENGINE


def running() -> Engine | None:
    """The engine if `start()` has been called in this process, else None."""
    return _ENGINE
