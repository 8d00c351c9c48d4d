"""Where Keras runs for the app: worker processes that answer tasks, and one result cache bounded in bytes.

The web server's own process draws pages and never imports TensorFlow; every Keras build and call
happens here, in up to `WORKERS` processes (one per core) per lane. Every worker of every lane is forked from one
fork server that has imported TensorFlow once and never runs it (`rnnlab.spawning`): a worker starts in a
fraction of a second and holds only what its own work adds. The playground's lane (PLAYGROUND) keeps one
standing worker, started and warmed (a default run done) by `start()` before the first visitor; the second is a
spare, started while two or more browsers are on the playground or once a task has waited NEED_S for a busy
worker, and ended after LINGER_S without a task once at most one browser is left. A task is one of
TASKS, by name, with its arguments: `engine.submit("preview", config)`; the server never imports the modules
behind them. Workers warm up one at a time, so that the first is ready sooner.

- Tasks wait in one queue ordered by priority: ANSWER (what a visitor waits for) before CONFIRM
  (Keras's own forward pass behind an answer already shown). Answers go first come first served;
  confirmations newest first, and only the newest MAX_CONFIRMS wait: a visitor who has moved on
  no longer looks at an old one, which is asked for again if anybody comes back to it.
- A task knows who waits for it (an Owner: one tab of one browser). A tab has at most one answer
  queued: its newer request, or its page no longer waiting (`release`), cancels the older one unless
  someone else waits for it too. One browser never runs on more than `share` workers at once (all
  but one), so however much one visitor asks, a worker stays free for everybody else.
- Identical tasks are computed once: a second request joins the first, and results stay in a
  least-recently-used cache bounded by their size in memory (CACHE_BYTES, arrays counted by their bytes).
- A task that runs past its time limit, or a worker that dies, is replaced by a fresh worker;
  the caller gets WorkerLost with a plain message. A worker that dies under a task is given the task
  once more on a fresh worker (a kill from outside is not the task's fault); dying twice is. A worker
  found dead while idle is replaced at once. A worker is also replaced after MAX_TASKS tasks, above
  MAX_RSS_MB of memory, or, once idle for IDLE_S, when it has grown `growth_mb` above its warm size
  (one worker of an engine at a time, so the others go on answering).

Training has an engine of its own too (`training()`, lane TRAINING): one worker at a lower priority, started on first
use, whose task sends every epoch back as a message on the same pipe (`channel()` in the worker) and is asked to
stop the same way; a training whose worker dies is not run again (it would start over), the caller is told.

The shape doctor has an engine of its own (`doctor()`, lane DOCTOR): two workers at a lower priority, whose
memory has a ceiling (an allocation past `memory_mb` above what a worker holds once warm fails) and which are
replaced once they have grown `growth_mb`, so a pasted model, however large, never holds up a playground nor
takes the server's memory; while one is replaced (a paste past its time), the other answers. It starts when
the doctor's page first opens. The doctor's and training's workers are all there by need: one idle for LINGER_S
ends, and the next task starts a fresh one, a second one as the playground's spare (a class that never opens
the doctor never pays for it).

Without `start()` (the command line, the tests) nothing here runs: `compute` runs a task in the caller's process.
Nothing starts at import: `ui/serve.py` starts the engines with the server (or the first page that needs one).
"""

from __future__ import annotations

import atexit
import ctypes
import dataclasses
import importlib
import itertools
import logging
import math
import multiprocessing
import os
import resource
import sys
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from cachetools import LRUCache

from rnnlab.shelf import Shelf
from rnnlab.spawning import bare_main, context, quiet_environment

WORKERS = max(1, min(2, os.cpu_count() or 1))  # one per core; RNNLAB_ENGINE_WORKERS (1-8) sets another number
ANSWER, CONFIRM = 0, 2  # priorities: lower goes first
MAX_CONFIRMS = 64
CACHE_BYTES = 128 * 2**20
NICE = 10  # workers yield the cores to the web server's own reruns (at 5 a worker sharing its core took a quarter)
MAX_TASKS = 2000
MAX_RSS_MB = 2500
IDLE_S = 20.0  # a worker idle this long is replaced if it has grown past its lane's growth_mb
LIVENESS_S = 0.5  # how often an idle dispatcher checks that its worker is alive
START_S = 120.0  # a worker that has not started (warmed up) by then is replaced
M_ARENA_MAX, MALLOC_ARENAS = -8, 2  # glibc's mallopt: at most this many malloc arenas in a worker


@dataclass(frozen=True)
class Lane:
    """How an engine's workers run: how many, at which priority, within which memory."""

    workers: int = WORKERS
    nice: int = NICE
    memory_mb: int | None = None  # a task may allocate this much above the warm worker's memory, no more
    growth_mb: float | None = 500  # a worker grown this much above its warm size is replaced after its task
    idle_growth_mb: float = 150.0  # a worker idle for IDLE_S and grown this much is replaced
    cache_bytes: int = CACHE_BYTES
    retry: bool = True  # a task whose worker dies is given once more to a fresh worker
    standing: int | None = None  # workers kept however idle (None: all); the others are spares, started by need
    eager: int | None = None  # workers started with the engine, spares among them (None: the standing, at least one)
    linger_s: float | None = None  # a spare idle this long ends, and is started again by need (None: never)

    @property
    def share(self) -> int:
        """Workers one browser may keep busy at once: all but one (one, in a lane of one)."""
        return max(1, self.workers - 1)


@dataclass(frozen=True)
class Owner:
    """Who waits for a task: one tab (its superseded and abandoned requests are cancelled) of one browser
    (its fair share of the workers). Opaque ids, only compared."""

    tab: str
    browser: str


LINGER_S = 45.0  # a spare worker ends after this long without a task
NEED_S = 2.0  # a task that has waited this long for a busy worker starts a spare
DOCTOR = Lane(workers=2, nice=15, memory_mb=450, growth_mb=150, cache_bytes=16 * 2**20, standing=0, eager=2,
              linger_s=LINGER_S)
PLAYGROUND = Lane(standing=1, linger_s=LINGER_S)  # one worker at rest, a second while a class keeps it busy
TRAINING = Lane(workers=1, nice=15, cache_bytes=0, retry=False, standing=0, linger_s=LINGER_S)
RELAY_S = 0.1  # while a task that talks runs: how often its caller is asked whether to stop it
STOP = "stop"  # sent to a worker whose task its caller wants stopped

_log = logging.getLogger(__name__)
_EXITING = threading.Event()
atexit.register(_EXITING.set)  # runs before multiprocessing's own exit handler, which ends the workers


# What a worker can be asked to do: a name, and where the worker finds the function ("module:function"). Only the
# worker imports it: the web server never imports Keras, and this module imports none of the features it runs.
TASKS: dict[str, str] = {"preview": "rnnlab.run:preview", "run": "rnnlab.run:run", "describe": "rnnlab:summary",
                         "diagnose": "rnnlab.doctor:diagnose", "lesson_snippet": "rnnlab.lessons:snippet_output",
                         "article": "rnnlab.articles:example_evidence", "train": "rnnlab.training.fit:train_task",
                         "warm": "rnnlab.engine:warm", "loaded": "rnnlab.engine:loaded"}


def task(name: str) -> Callable[..., Any]:
    """The function behind a task's name, imported now (in the worker, or here by `compute` when no engine runs)."""
    module, function = TASKS[name].split(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return found


class WorkerLost(RuntimeError):
    """The worker computing a task died, ran out of time or of its memory; the message says which, in plain
    words, and `too_big` whether the task itself was the cause (its time or memory limit)."""

    def __init__(self, message: str, too_big: bool = False):
        super().__init__(message)
        self.too_big = too_big


Key = tuple[Any, ...]  # a task's name and arguments: what identical tasks share
Args = tuple[Any, ...]


@dataclass(order=True)
class _Task:
    rank: tuple[int, int]
    key: Key = field(compare=False)
    function: str = field(compare=False)  # a name in TASKS
    args: Args = field(compare=False)
    timeout: float | None = field(compare=False)
    future: Future[Any] = field(compare=False, default_factory=Future)
    tabs: set[str] = field(compare=False, default_factory=set)  # the tabs waiting for it
    queued_at: float = field(compare=False, default_factory=time.monotonic)
    pinned: bool = field(compare=False, default=False)  # a caller with no Owner waits: never cancelled for a tab
    browser: str | None = field(compare=False, default=None)  # whose share of the workers it counts in
    talk: Talk | None = field(compare=False, default=None)


@dataclass(frozen=True)
class Talk:
    """A caller's side of a task that talks while it runs: `hear(message)` gets each message the task sends (on
    the engine's thread), and `stop()` says, every RELAY_S, whether to ask the task to stop."""

    hear: Callable[[Any], None]
    stop: Callable[[], bool]


def _key(function: str, args: Args) -> Key:
    return (function, *args)


class Results:
    """Computed results by task, least recently used out first once their sizes (size_of) pass `limit` bytes;
    a result larger than the whole limit is not kept. With a shelf, Keras's own results are also kept on disk
    and read back from it after a restart. Safe to share between threads."""

    def __init__(self, limit: int, shelf: Shelf | None = None):
        self.lru: LRUCache[Key, Any] = LRUCache(limit, getsizeof=size_of)
        self.lock = threading.Lock()
        self.shelf = shelf

    def get(self, key: Key) -> tuple[bool, Any]:
        with self.lock:
            if key in self.lru:
                return True, self.lru[key]
        if self.shelf is None:
            return False, None
        hit, value = self.shelf.get(key)
        if hit:
            self._remember(key, value)
        return hit, value

    def drop(self, key: Key) -> None:
        with self.lock:
            self.lru.pop(key, None)

    def put(self, key: Key, value: Any) -> None:
        self._remember(key, value)
        if self.shelf is not None:
            self.shelf.put(key, value)

    def _remember(self, key: Key, value: Any) -> None:
        with self.lock:
            try:
                self.lru[key] = value
            except ValueError:  # larger than the whole cache
                pass


class Engine:
    """Worker processes, the task queue and the result cache."""

    def __init__(self, lane: Lane = Lane(), shelf: Shelf | None = None):
        """Starts the lane's workers now; each runs the default configuration once. With
        a shelf, Keras's own results are kept on disk too (rnnlab.shelf)."""
        self.lane = lane
        self.cache = Results(lane.cache_bytes, shelf)
        self._queue: list[_Task] = []  # waiting, in no order: the next is the least eligible one (_eligible)
        self._pending: dict[Key, _Task] = {}  # queued or running, by key
        self._latest: dict[str, _Task] = {}  # each tab's answer queued or running
        self._running: Counter[str] = Counter()  # tasks running per browser
        self._changed = threading.Condition()
        self._order = itertools.count()
        self._context = context(NICE)  # forked from a process that has imported TensorFlow and never ran it
        self.stats = {"tasks": 0, "replaced": 0, "dropped": 0, "superseded": 0, "retried": 0, "recycled": 0,
                      "retired": 0}
        self._workers: list[_Worker] = []
        self._closed = False
        self._idle = 0  # dispatchers waiting for a task
        self._recycling = False  # one worker at a time is replaced for having grown while idle
        standing = lane.workers if lane.standing is None else lane.standing
        self._starting = max(standing, 1) if lane.eager is None else lane.eager  # now these, then one at a time
        self._came_up = 0.0  # when a worker last warmed up (0: none yet)
        self._present: LRUCache[str, float] = LRUCache(8)  # browsers on the lane's pages: when each last was
        self._warming = threading.Lock()  # one worker at a time warms up (_warm)
        for number in range(lane.workers):
            threading.Thread(target=self._dispatch, args=(number >= standing, number < self._starting),
                             name=f"engine-{number}", daemon=True).start()

    # --- the server's side ---

    def submit(self, function: str, *args: Any, priority: int = ANSWER, timeout: float | None = None,
               owner: Owner | None = None, talk: Talk | None = None) -> Future[Any]:
        """A future for TASKS[function](*args) computed in a worker: cached, joined to an identical task, or
        queued. With an owner, this tab's older answer still queued is cancelled unless somebody else waits
        for it. A task that talks (`talk`) is its caller's own: never joined, never cached."""
        if function not in TASKS:
            raise KeyError(f"no task {function!r}")
        key = _key(function, args) if talk is None else ("talk", next(self._order))
        hit, value = self.cache.get(key)
        if hit:
            done: Future[Any] = Future()
            done.set_result(value)
            return done
        with self._changed:
            task = self._pending.get(key)
            if task is None:
                order = next(self._order)
                task = _Task((priority, -order if priority == CONFIRM else order), key, function, args, timeout,
                             talk=talk)
                self._pending[key] = task
                self._queue.append(task)
                self._drop_old_confirms()
            elif priority < task.rank[0] and task in self._queue:  # an answer is now waited for
                task.rank = (priority, next(self._order))
            self._own(task, owner, priority)
            self._changed.notify_all()
            return task.future

    def release(self, future: Future[Any], owner: Owner) -> None:
        """The owner's page no longer waits for this future: its task is cancelled if it is still queued and
        nobody else waits for it."""
        with self._changed:
            task = next((t for t in self._queue if t.future is future), None)
            if task is not None:
                self._let_go(task, owner.tab)

    def present(self, owner: Owner) -> None:
        """This browser is on a page of the lane now (a page run, whether its answer is cached or not): while two
        or more have been within the lane's linger_s, its spare is kept started."""
        with self._changed:
            company = self._company()
            self._present[owner.browser] = time.monotonic()
            if not company and self._company():
                self._changed.notify_all()

    def cached(self, function: str, *args: Any) -> tuple[bool, Any]:
        """(True, result) when function(*args) has been computed and is still cached, else (False, None)."""
        return self.cache.get(_key(function, args))

    def close(self) -> None:
        """Stop every worker; tasks still queued are cancelled."""
        with self._changed:
            self._closed = True
            for task in self._queue:
                task.future.cancel()
            self._queue.clear()
            workers, self._workers = self._workers, []
            self._changed.notify_all()
        for worker in workers:
            worker.close()

    def forget(self, function: str, *args: Any) -> None:
        """Drop a cached result that has been superseded (an answer once Keras has confirmed it)."""
        self.cache.drop(_key(function, args))

    def pids(self) -> list[int]:
        """The worker processes' ids now (workers are replaced: ask again)."""
        return [w.process.pid for w in self._workers]

    def warm(self) -> bool:
        """True once a worker has started (warmed up) and can take tasks."""
        return any(worker.ready for worker in self._workers)

    def idle(self) -> int:
        """Workers waiting for a task now: a task submitted now starts at once if this is more than 0."""
        with self._changed:
            return self._idle - len(self._queue)

    def ahead_of(self, future: Future[Any], asker: Owner | None = None) -> int:
        """Other visitors' tasks that will run before this one (0 when it runs or is done); the server's own (its
        warm-up, a check) and the asker's own tab's (the confirmation of its last change) are not other requests."""
        mine = {asker.tab} if asker else set()
        with self._changed:
            task = next((t for t in self._queue if t.future is future), None)
            return 0 if task is None else sum(t < task and bool(t.tabs - mine) for t in self._queue)

    # --- who waits for what ---

    def _own(self, task: _Task, owner: Owner | None, priority: int) -> None:
        if owner is None:
            task.pinned = True
            return
        task.tabs.add(owner.tab)
        task.browser = task.browser or owner.browser
        if priority != ANSWER:  # confirmations are bounded by MAX_CONFIRMS, and asked for again when dropped
            return
        older = self._latest.get(owner.tab)
        self._latest[owner.tab] = task
        if older is not None and older is not task:
            self._let_go(older, owner.tab)

    def _let_go(self, task: _Task, tab: str) -> None:
        """This tab no longer waits for the task: cancelled if queued and nobody else waits."""
        task.tabs.discard(tab)
        if self._latest.get(tab) is task:
            del self._latest[tab]
        if task.tabs or task.pinned or task not in self._queue:
            return
        self._queue.remove(task)
        del self._pending[task.key]
        task.future.cancel()
        self.stats["superseded"] += 1

    def _unlatch(self, task: _Task) -> None:
        """The task is over: it is no longer any tab's latest."""
        for tab in task.tabs:
            if self._latest.get(tab) is task:
                del self._latest[tab]

    def _drop_old_confirms(self) -> None:
        confirms = sorted(t for t in self._queue if t.rank[0] == CONFIRM)
        for task in confirms[MAX_CONFIRMS:]:
            self._queue.remove(task)
            del self._pending[task.key]
            task.future.cancel()
            self.stats["dropped"] += 1

    # --- one dispatcher thread per worker process ---

    def _eligible(self) -> _Task | None:
        """The first task in the queue whose browser has fewer than the lane's share of workers busy."""
        share = self.lane.share
        return min((t for t in self._queue if t.browser is None or self._running[t.browser] < share), default=None)

    def _next(self) -> _Task | None:
        """The next task to run; None when nothing came within LIVENESS_S (the dispatcher looks after its
        worker) or the engine is closed. Tasks their callers gave up on are skipped."""
        with self._changed:
            while not self._closed:
                task = self._eligible()
                if task is None:
                    self._idle += 1
                    self._changed.wait(LIVENESS_S)
                    self._idle -= 1
                    if self._eligible() is None:
                        return None
                    continue
                self._queue.remove(task)
                if task.future.set_running_or_notify_cancel():
                    if task.browser is not None:
                        self._running[task.browser] += 1
                    return task
                self._pending.pop(task.key, None)  # cancelled by its caller while queued
                self._unlatch(task)
            return None

    def _dispatch(self, spare: bool, first: bool) -> None:
        """One worker's loop: a standing worker is started now and kept; a spare (none started now, unless it is
        the lane's first) is started by need and ends once idle for the lane's linger_s."""
        worker: _Worker | None = self._started() if first else None
        while not self._closed:
            if worker is None:
                worker = self._started() if self._needed() else None
                continue
            task = self._next()
            if task is None:
                worker = self._look_after(worker, spare)
                continue
            if not worker.process.is_alive():  # gone while idle: its task goes to a fresh one
                worker = self._replace(worker)
            worker = self._compute(worker, task)
            worker.idle_since = time.monotonic()
            if worker.tired():
                worker = self._replace(worker)

    def _needed(self) -> bool:
        """For a dispatcher without a worker: True (within LIVENESS_S) once a spare is needed; see _need_in."""
        with self._changed:
            until = time.monotonic() + LIVENESS_S
            while not self._closed and time.monotonic() < until:
                wait = self._need_in()
                if wait <= 0:
                    self._starting += 1
                    return True
                self._changed.wait(min(wait, until - time.monotonic()))
            return False

    def _need_in(self) -> float:
        """Seconds until a spare is needed: at once when a task waits and the lane has no worker, or when two or
        more browsers are on its pages; else once a task has waited NEED_S for the lane's busy workers, counted
        from when the last worker warmed up. Never while a worker is starting (one at a time), nor before the
        first has warmed up (a server's first seconds go to the first answer)."""
        if self._starting or (self._workers and not self._came_up):
            return math.inf
        if self._company():
            return 0.0
        task = self._eligible()
        if task is None:
            return math.inf
        return 0.0 if not self._workers else max(task.queued_at, self._came_up) + NEED_S - time.monotonic()

    def _company(self) -> bool:
        """Two or more browsers have been on the lane's pages within its linger_s."""
        since = time.monotonic() - (self.lane.linger_s or LINGER_S)
        return sum(seen > since for seen in self._present.values()) >= 2

    def _started(self) -> _Worker:
        """A worker started and warmed (the first ones, or a spare by need)."""
        try:
            return self._replace(None)
        finally:
            with self._changed:
                self._starting -= 1
                self._changed.notify_all()

    def _look_after(self, worker: _Worker, spare: bool) -> _Worker | None:
        """While idle: a dead worker is replaced at once; one grown past its warm size after IDLE_S quiet; a spare
        no longer needed (_unneeded) ends (None: it is started again by need)."""
        if self._closed or _EXITING.is_set():  # the interpreter ends its children as it exits: none is replaced
            return worker
        if not worker.process.is_alive():
            return self._replace(worker)
        quiet = time.monotonic() - worker.idle_since
        if spare and self._unneeded(quiet):
            self._retire(worker)
            return None
        grown = worker.ready and worker.rss_mb > worker.warm_mb + self.lane.idle_growth_mb
        return self._recycle(worker) if grown and quiet >= IDLE_S else worker

    def _unneeded(self, quiet: float) -> bool:
        """A spare idle this long may end: past the lane's linger_s, with fewer than two browsers on its pages."""
        if self.lane.linger_s is None or quiet <= self.lane.linger_s:
            return False
        with self._changed:
            return not self._company()

    def _recycle(self, worker: _Worker) -> _Worker:
        """A fresh worker for one grown while idle (one of the engine's at a time, so the others go on answering)."""
        with self._changed:
            if self._recycling:
                return worker
            self._recycling = True
        try:
            self.stats["recycled"] += 1
            return self._replace(worker)
        finally:
            with self._changed:
                self._recycling = False

    def _retire(self, worker: _Worker) -> None:
        """The worker ends for want of tasks; its memory goes back to the machine."""
        worker.close()
        with self._changed:
            if worker in self._workers:
                self._workers.remove(worker)
                self.stats["retired"] += 1

    def _compute(self, worker: _Worker, task: _Task) -> _Worker:
        """Run the task in the worker (once more in a fresh one if the worker died under it); finish it."""
        for attempt in (1, 2):
            try:
                value = worker.ask(task.function, task.args, task.timeout, task.talk)
            except WorkerLost as lost:
                worker = self._replace(worker)
                if lost.too_big or attempt == 2 or not self.lane.retry or self._closed or _EXITING.is_set():
                    self._finish(task, error=lost)
                    return worker
                self.stats["retried"] += 1
                continue
            except Exception as err:  # the task's own exception, raised in the worker
                self._finish(task, error=err)
            else:
                self.cache.put(task.key, value)
                self._finish(task, value=value)
            return worker
        return worker

    def _replace(self, worker: _Worker | None) -> _Worker:
        """A fresh worker in place of this one (None: a first one), warmed before it takes a task."""
        if worker is not None:
            worker.close()
            if _EXITING.is_set():
                return worker
        fresh = _Worker(self._context, self.lane)
        with self._changed:
            if worker is not None and worker in self._workers:
                self._workers.remove(worker)
                self.stats["replaced"] += 1
            if self._closed:
                fresh.close()
                return fresh
            self._workers.append(fresh)
        try:
            self._warm(fresh)
        except Exception:  # it takes its tasks anyway; a worker that cannot start is replaced on its first one
            if not self._closed and not _EXITING.is_set():
                _log.exception("engine: a worker did not warm up")
        return fresh

    def _warm(self, worker: _Worker) -> None:
        """The worker's first task, `warm`, one worker of this engine at a time: alone, the first is ready sooner
        than when every worker starts TensorFlow's runtime at once on cores shared with the web server's start and
        the first visitor's browser; the others follow it. When it ran is kept (`worker.warmed`), and when a
        worker of the engine last came up (`_came_up`)."""
        with self._warming:
            started = time.monotonic()
            worker.ask("warm", (), None)
            worker.warmed = (started, time.monotonic())
            self._came_up = worker.warmed[1]

    def _finish(self, task: _Task, value: Any = None, error: BaseException | None = None) -> None:
        with self._changed:
            self._pending.pop(task.key, None)
            self.stats["tasks"] += 1
            if task.browser is not None:
                self._running[task.browser] -= 1
                if self._running[task.browser] <= 0:
                    del self._running[task.browser]
            self._unlatch(task)
            self._changed.notify_all()
        if error is None:
            task.future.set_result(value)
        else:
            task.future.set_exception(error)


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context: Any, lane: Lane):
        self.conn, child = context.Pipe()
        self.lane = lane
        self.process = context.Process(target=_serve, args=(child, lane.memory_mb), name="rnnlab-engine",
                                       daemon=True)
        with bare_main():  # a worker imports nothing of its caller's: under Streamlit, __main__ is the page running
            self.process.start()
        lower_priority(self.process.pid, lane.nice)  # from its first step: its start-up yields to the server's too
        child.close()
        self.tasks, self.rss_mb, self.warm_mb, self.ready = 0, 0.0, 0.0, False
        self.warmed: tuple[float, float] | None = None  # when its warm-up started and ended (time.monotonic)
        self.idle_since = time.monotonic()
        self.owed = 0  # replies still to come for tasks given up on (past their time): never another task's answer

    def ask(self, function: str, args: Args, timeout: float | None, talk: Talk | None = None) -> Any:
        """function(*args) in the process -> its result; raises what it raised, or WorkerLost. Messages the task
        sends on the way go to `talk`, which may have it stopped."""
        try:
            self.conn.send((function, args))
            ok, value, self.rss_mb = self._reply(timeout, talk)
        except (EOFError, OSError):
            raise WorkerLost("the process computing it ended unexpectedly") from None
        if not self.ready:
            self.ready, self.warm_mb = True, self.rss_mb
        self.tasks += 1
        if isinstance(value, MemoryError):
            raise WorkerLost(f"it needed more than the {self.lane.memory_mb} MB of memory it may use, and was stopped",
                             too_big=True)
        if not ok:
            raise value
        return value

    def _reply(self, timeout: float | None, talk: Talk | None) -> tuple[bool, Any, float]:
        """The task's last word (ok, result or exception, memory in MB), relaying its messages to `talk` and
        `talk`'s stop to the task until then. Replies owed to tasks given up on are skipped."""
        limit = (timeout or 0) + (0 if self.ready else START_S)
        deadline, stopping = time.monotonic() + limit if limit else None, False
        while True:
            said = self._next_word(deadline, timeout, talk)
            last = None if said is None else self._take(said, talk)
            if last is not None:
                return last
            if talk is not None and not stopping and talk.stop():
                self.conn.send(STOP)
                stopping = True

    def _take(self, said: tuple[Any, ...], talk: Talk | None) -> tuple[bool, Any, float] | None:
        """A message from the worker: the task's last word (returned), one owed to an older task (skipped), or
        something the task says on the way (to `talk`)."""
        if said[0] != "done":
            if talk is not None and not self.owed:
                talk.hear(said[1])
            return None
        if self.owed:
            self.owed -= 1
            return None
        return said[1], said[2], said[3]

    def _next_word(self, deadline: float | None, timeout: float | None, talk: Talk | None) -> tuple[Any, ...] | None:
        """The worker's next message; None after RELAY_S without one (a task that talks: time to ask about a stop);
        WorkerLost past the deadline (its reply is then owed)."""
        left = None if deadline is None else deadline - time.monotonic()
        wait = left if talk is None else RELAY_S if left is None else min(RELAY_S, left)
        if self.conn.poll(None if wait is None else max(0.0, wait)):
            said: tuple[Any, ...] = self.conn.recv()
            return said
        if deadline is not None and time.monotonic() >= deadline:
            self.owed += 1
            raise WorkerLost(f"it took longer than {timeout:.0f} s and was stopped" if timeout
                             else "the engine did not start in time", too_big=bool(timeout))
        return None

    def tired(self) -> bool:
        grown = self.lane.growth_mb is not None and self.rss_mb > self.warm_mb + self.lane.growth_mb
        return self.tasks >= MAX_TASKS or self.rss_mb > MAX_RSS_MB or grown

    def close(self) -> None:
        self.conn.close()
        self.process.kill()
        self.process.join(5)


# --- in the worker process ---

def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker_setup() -> None:
    """The start of a worker process: TensorFlow quiet, one BLAS thread for NumPy, few malloc arenas (TensorFlow's
    threads would each grow one). Its priority was set by the server as it started it (lower_priority)."""
    quiet_environment()  # a forked worker has it from the fork server already
    if _LIBC is not None:
        _LIBC.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def lower_priority(pid: int, nice: int) -> None:
    """Process `pid`, just started by this one, `nice` steps below this one's priority; never raised, and said
    twice it is the same."""
    try:
        wanted = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + nice)
        if os.getpriority(os.PRIO_PROCESS, pid) < wanted:
            os.setpriority(os.PRIO_PROCESS, pid, wanted)
    except OSError:  # gone already, or not ours to change
        pass


def _load_libc() -> Any:
    """The C library, where it is glibc (its malloc can be told to keep fewer arenas and to hand memory back)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _load_libc()


def trim() -> None:
    """Hands the memory freed by the task just done back to the system (a few milliseconds)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _limit_memory(memory_mb: int) -> None:
    """From now on, allocations past memory_mb above this process's present data size fail (MemoryError)."""
    with open("/proc/self/status") as status:
        data_kb = next(int(line.split()[1]) for line in status if line.startswith("VmData:"))
    limit = (data_kb * 1024) + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, resource.getrlimit(resource.RLIMIT_DATA)[1]))


class Channel:
    """A running task's line to its caller: `send` a message, `is_set()` once the caller has asked it to stop
    (an Event's test, so a task can take it where it takes a stop Event). Outside a worker it goes nowhere."""

    def __init__(self, conn: Any = None):
        self.conn, self.stopped = conn, False

    def send(self, message: Any) -> None:
        if self.conn is not None:
            self.conn.send(("said", message))

    def is_set(self) -> bool:
        while self.conn is not None and not self.stopped and self.conn.poll():
            self.stopped = self.conn.recv() == STOP
        return self.stopped


_CHANNEL = Channel()


def channel() -> Channel:
    """The line to the caller of the task running now in this worker (one that goes nowhere outside a worker)."""
    return _CHANNEL


def _serve(conn: Any, memory_mb: int | None = None) -> None:
    """A worker's life: take a task, send back ("done", ok, result or exception, memory in MB); end with the
    pipe, or after a task that ran out of memory (the caller replaces the worker). The first task warms the
    worker; memory_mb limits what every later one may allocate. A stop that came too late for its task is
    ignored."""
    global _CHANNEL
    worker_setup()
    _ON_INLINE.yes = True  # this thread runs one task at a time: a task's own `compute` runs here too
    warm = True
    while True:
        try:
            asked = conn.recv()
        except (EOFError, OSError):
            return
        if asked == STOP:
            continue
        function, args = asked
        _CHANNEL = Channel(conn)
        try:
            reply = ("done", True, task(function)(*args), _rss_mb())
        except Exception as err:  # sent back to the caller, who raises it
            reply = ("done", False, err, _rss_mb())
        _CHANNEL = Channel()
        try:
            conn.send(reply)
        except OSError:  # the server has gone, or has given up on this task and this worker
            return
        except Exception as err:  # a result or an exception that cannot travel: its text does
            conn.send(("done", False, RuntimeError(f"{type(err).__name__}: {err}"), _rss_mb()))
        if isinstance(reply[2], MemoryError):
            return
        trim()  # after the reply: the caller does not wait for it
        if warm and memory_mb:
            _limit_memory(memory_mb)
        warm = False


def size_of(value: Any) -> int:
    """Roughly the bytes a result holds: its arrays' bytes, plus a little for everything else."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 100
    if isinstance(value, (str, bytes)):
        return len(value) + 50
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 100 + sum(size_of(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return 100 + sum(size_of(k) + size_of(v) for k, v in value.items())
    if isinstance(value, (tuple, list, set, frozenset)):
        return 60 + sum(size_of(v) for v in value)
    return 32


def warm() -> str:
    """A worker's first task: build the default configuration's model once (TensorFlow's runtime starts, and
    Keras's first build sets up much of Keras; imported already when the worker was forked)."""
    from rnnlab.params import parse
    from rnnlab.run import preview

    return preview(parse("").config).keras_version


def loaded(names: tuple[str, ...]) -> dict[str, Any]:
    """Which of `names` this worker has imported, the file its `__mp_main__` came from, and how many processes
    it started: a worker must never import the page that started it, nor start processes of its own."""
    main = sys.modules.get("__mp_main__")
    return {"imported": [name for name in names if name in sys.modules],
            "main_file": getattr(main, "__file__", None), "children": len(multiprocessing.active_children())}


# --- the one engine of this process ---

_ENGINE: Engine | None = None
_LANES: dict[Lane, Engine] = {}  # the doctor's and training's engines, once started
_CLOSED = False  # the server is stopping: no engine starts any more
_STARTING = threading.Lock()


def workers_wanted() -> int:
    """WORKERS, or RNNLAB_ENGINE_WORKERS when it is a number from 1 to 8 (several replicas on one machine)."""
    text = os.environ.get("RNNLAB_ENGINE_WORKERS", "")
    if text.strip().isdigit() and 1 <= int(text) <= 8:
        return int(text)
    if text:
        _log.warning("engine: RNNLAB_ENGINE_WORKERS=%r is not a number from 1 to 8; using %d", text[:20], WORKERS)
    return WORKERS


def start(workers: int | None = None, shelf: Shelf | None = None) -> Engine:
    """The engine of this process, started on the first call: every worker warmed, and the default
    configuration's run computed for the first visitor (or read from the shelf, when one is given)."""
    global _ENGINE
    with _STARTING:
        if _ENGINE is None:
            from rnnlab.params import parse

            _ENGINE = Engine(dataclasses.replace(PLAYGROUND, workers=workers or workers_wanted()), shelf)
            _ENGINE.submit("run", parse("").config)
        return _ENGINE


def _lane(lane: Lane) -> Engine:
    """The engine of this lane, started on the first call."""
    with _STARTING:
        if lane not in _LANES:
            _LANES[lane] = Engine(lane=lane)
        return _LANES[lane]


def doctor() -> Engine:
    """The shape doctor's engine (lane DOCTOR), started on the first call."""
    return _lane(DOCTOR)


def training() -> Engine:
    """Training's engine (lane TRAINING), started on the first call."""
    return _lane(TRAINING)


def started_lanes() -> tuple[Lane, ...]:
    """The lanes besides the playground's whose engine has started (the doctor's, training's)."""
    return tuple(_LANES)


def close() -> None:
    """Stop every engine's workers (the server is stopping)."""
    global _CLOSED
    _CLOSED = True
    for running_engine in (_ENGINE, *_LANES.values()):
        if running_engine is not None:
            running_engine.close()


def running() -> Engine | None:
    """The engine if `start()` has been called in this process, else None."""
    return _ENGINE


# Without an engine (the command line, the tests), tasks run here, one at a time on one long-lived thread:
# Keras's global state (seeding, building, the shared models) is not thread-safe.
_INLINE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inline-task")
_ON_INLINE = threading.local()


def _inline(function: str, *args: Any) -> Any:
    """TASKS[function](*args) on the inline thread (a task that asks for another runs it there at once)."""
    if getattr(_ON_INLINE, "yes", False):
        return task(function)(*args)

    def here() -> Any:
        _ON_INLINE.yes = True
        return task(function)(*args)

    return _INLINE.submit(here).result()


def compute(function: str, *args: Any) -> Any:
    """TASKS[function](*args): by this process's engine when it runs (the web server never imports Keras),
    else in this process, one task at a time (the command line, the tests, a worker itself)."""
    if _ENGINE is None:
        return _inline(function, *args)
    return _ENGINE.submit(function, *args).result()
