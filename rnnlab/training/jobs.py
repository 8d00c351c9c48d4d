"""One training at a time for the whole server, in a process of its own; trainings queue among themselves.

A page calls `submit(config, settings)` and gets a Job it can poll (`job.progress()`). Jobs wait in a
queue here and go, one at a time, to training's engine (`engine.training()`: one worker process), which
runs `fit.train` and sends every epoch's losses back as messages. Only one model trains at a time: a class of 30-60 on two cores gains nothing from
more, and each waiting job knows how many are ahead of it.

Why a process and not a thread: Keras's training loop calls TensorFlow many times per batch, releasing
and retaking Python's global interpreter lock each time; with the server's script threads (every
page's reruns, the progress polls) running Python at the same time, the training thread waited for the
lock at every call. Measured on two cores (benchmarks/README.md): a training polled every 0.5 s took
3-5 times as long in a thread as alone, and the playground's reruns slowed down 3-7 times while it ran.
The worker process has its own interpreter, and runs at a lower priority (engine.TRAINING): the server's reruns
come first, training takes what is left. Its first training also pays for importing TensorFlow there;
`warm()` starts that early.

Identical requests (same Config, same Settings) share one job: when a class presses Train on the
same model, one training runs and everybody watches it. A finished job (not stopped) is kept for a
while, and the same request gets its result at once.

Watchers are named (a page's session) and must keep looking: a page that polls the job's progress says
it still watches; one not seen for WATCH_S seconds (its visitor closed the tab or lost the connection)
has left. A training nobody watches stops within the current batch, a queued one is dropped, and
`leave()` is how a watcher stops on purpose. A watcher holds at most one training: asking for another
leaves the first. A browser (all its tabs) holds at most one training queued or running at a time, so one
person's tabs cannot fill the queue: another of its own waits until the first ends or is stopped. The queue is
bounded by the time it stands for (MAX_QUEUE_S by the cost model) as well as by its length, and `close()` ends
everything at once when the server stops.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache

from rnnlab import engine
from rnnlab.params import Config
from rnnlab.refusals import Refusal
from rnnlab.training import plan
from rnnlab.training.settings import Settings

MAX_WAITING = 120  # jobs queued at once; more and `submit` refuses (Busy)
MAX_QUEUE_S = 300.0  # ... or when the trainings ahead would take longer than this, by the cost model
WATCH_S = 10.0  # a watcher not seen for this long has left (pages poll at most every MAX_POLL_S)
MAX_POLL_S = 3.0
KEEP_FINISHED = 24  # finished jobs kept for identical requests

_LOCK = threading.Condition()  # guards _WAITING, _RUNNING, _FINISHED and every Job's fields
_DISPATCHER: threading.Thread | None = None  # takes queued jobs in turn
_CLOSED = False  # the server is stopping
_WAITING: list[Job] = []
_RUNNING: list[Job] = []  # the job being trained (at most one)
_FINISHED: LRUCache[tuple, Job] = LRUCache(KEEP_FINISHED)
_NUMBERS = itertools.count(1)
_log = logging.getLogger(__name__)


class Busy(RuntimeError):
    """Too many trainings are waiting already."""


class Held(Busy):
    """This browser has another training queued or running (in another tab)."""


HELD = ("A training you started in another tab of this browser is still {status}: one training at a time per "
        "person, so that everyone in the class gets a turn. Stop it in that tab (or wait for it to finish), then "
        "press Train here.")


LOST = ("The training process ended before this training finished: it was stopped from outside the app, not "
        "by anything in your model or settings. A fresh process takes the next training: press Train to run "
        "it again.")


@dataclass(frozen=True)
class Progress:
    """A consistent copy of a job's state for one look at it."""

    status: str  # "queued", "running", "done", "stopped" (by its watchers), "refused", "failed"
    ahead: int  # trainings that will run before this one (0 once it runs)
    epochs: int  # asked for
    loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    watchers: int
    seconds: float  # since it started running (0 while queued)
    result: Any = None  # fit.Result once done or stopped
    refusal: Refusal | None = None
    error: str = ""
    wait_s: float = 0.0  # while queued: the cost model's estimate of the trainings ahead of this one
    glimpse: plan.Glimpse | None = None  # while running: the model's predictions after the latest epoch

    @property
    def finished(self) -> bool:
        return self.status in ("done", "stopped", "refused", "failed")


@dataclass(eq=False)
class Job:
    """One training request and everything that happened to it; read it through `progress()`."""

    config: Config
    settings: Settings
    browser: str = ""  # the browser that asked for it first
    number: int = field(default_factory=lambda: next(_NUMBERS))
    status: str = "queued"
    seen: dict[str, float] = field(default_factory=dict)  # watcher -> when it last looked (monotonic)
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    result: Any = None
    refusal: Refusal | None = None
    error: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    glimpse: plan.Glimpse | None = None

    @property
    def key(self) -> tuple:
        return (self.config, self.settings)

    @property
    def watchers(self) -> int:
        """Watchers seen within WATCH_S; call under _LOCK."""
        now = time.monotonic()
        for who in [who for who, when in self.seen.items() if now - when > WATCH_S]:
            del self.seen[who]
        return len(self.seen)

    def progress(self, who: str | None = None) -> Progress:
        """A copy of the job's state; `who` (a watcher) says it is still watching."""
        with _LOCK:
            if who is not None and not self.stop.is_set():
                self.seen[who] = time.monotonic()
            before = [*_RUNNING, *_WAITING[:_WAITING.index(self)]] if self in _WAITING else []
            running = self.started and (self.ended or time.monotonic()) - self.started
            return Progress(self.status, len(before), self.settings.epochs, tuple(self.loss), tuple(self.val_loss),
                            self.watchers, running or 0.0, self.result, self.refusal, self.error,
                            sum(job.expected_left() for job in before), self.glimpse)

    def finished_status(self) -> bool:
        return self.status not in ("queued", "running")

    def expected_left(self) -> float:
        """Seconds this training still needs, by the cost model (at most the time limit); call under _LOCK."""
        total = min(plan.estimate_seconds(self.config, self.settings), plan.MAX_SECONDS)
        return max(0.0, total - (time.monotonic() - self.started if self.started else 0.0))

    def leave(self, who: str) -> bool:
        """`who` stops watching; True when that stops the training (nobody else watches)."""
        with _LOCK:
            self.seen.pop(who, None)
            return self._stop_if_unwatched()

    def abandoned(self) -> bool:
        """True when the training has been asked to stop, or nobody watches it any more (it stops then)."""
        with _LOCK:
            return self._stop_if_unwatched() or self.stop.is_set()

    def _stop_if_unwatched(self) -> bool:
        """Stop the training if nobody watches it any more (True then); call under _LOCK."""
        if self.watchers or self.finished_status():
            return False
        self.stop.set()
        if self in _WAITING:
            _WAITING.remove(self)
            self.status, self.ended = "stopped", time.monotonic()
        return True

    def record(self, epoch: int, loss: float, val_loss: float, glimpse: plan.Glimpse | None = None) -> None:
        """One epoch's losses and predictions (epochs arrive in order; a repeated one is ignored)."""
        with _LOCK:
            if epoch == len(self.loss):
                self.loss.append(loss)
                self.val_loss.append(val_loss)
                self.glimpse = glimpse


def submit(config: Config, settings: Settings, who: str, browser: str | None = None) -> Job:
    """A job for this request, watched by `who` (a tab, who leaves any other training it watched) of `browser`
    (all the tabs of one person; `who` alone when not given): an identical one already running, waiting or
    finished, else a new one in the queue. Held when this browser has another training queued or running;
    Busy when the queue is full, by length (MAX_WAITING) or by the time it stands for (MAX_QUEUE_S)."""
    key, browser = (config, settings), browser or who
    with _LOCK:
        for job in [*_RUNNING, *_WAITING]:
            if job.key != key and job.seen.pop(who, None) is not None:
                job._stop_if_unwatched()
        for job in [*_WAITING]:
            job._stop_if_unwatched()  # watchers who vanished free their places
        job = _joinable(key)
        if job is None:
            _check_held(browser)
            _check_room()
            job = Job(config, settings, browser)
            _WAITING.append(job)
            _dispatcher()
            _LOCK.notify_all()
        job.seen[who] = time.monotonic()
        return job


def _joinable(key: tuple) -> Job | None:
    """An identical job running, waiting or finished; call under _LOCK."""
    for job in [*_RUNNING, *_WAITING]:
        if job.key == key and not job.stop.is_set():
            return job
    finished: Job | None = _FINISHED.get(key)  # (a look counts as a use)
    return finished


def _check_held(browser: str) -> None:
    """Held when this browser has a training queued or running that goes on; call under _LOCK."""
    for job in [*_RUNNING, *_WAITING]:
        if job.browser == browser and not job.stop.is_set():
            raise Held(HELD.format(status="training" if job.status == "running" else "waiting for its turn"))


def _check_room() -> None:
    """Busy when the queue is full, by length or by time, or the server is stopping; call under _LOCK."""
    if _CLOSED:
        raise Busy("The server is stopping; train again once it is back.")
    if len(_WAITING) >= MAX_WAITING:
        raise Busy(f"{len(_WAITING)} trainings are waiting already; try again in a minute.")
    ahead = sum(job.expected_left() for job in [*_RUNNING, *_WAITING])
    if ahead > MAX_QUEUE_S:
        raise Busy(f"The trainings already waiting need about {ahead:.0f} s by their sizes, more than this server "
                   f"queues ({MAX_QUEUE_S:.0f} s); try again in a few minutes.")


def waiting() -> int:
    """Trainings queued or running now."""
    with _LOCK:
        return len(_WAITING) + len(_RUNNING)


def watching() -> int:
    """Watchers of the trainings queued or running now: the pages polling for progress."""
    with _LOCK:
        return sum(job.watchers for job in (*_WAITING, *_RUNNING))


def warm() -> None:
    """Start training's engine (its worker imports TensorFlow) now, before the first training asks for it."""
    engine.training()


def close() -> None:
    """The server stops: every training waiting or running is stopped and no training starts any more (`submit`
    says Busy); `engine.close()` ends the worker process."""
    global _CLOSED
    with _LOCK:
        _CLOSED = True
        for job in [*_WAITING, *_RUNNING]:
            job.seen.clear()
            job.stop.set()
        for job in _WAITING:
            job.status = "stopped"
        _WAITING.clear()
        _LOCK.notify_all()


def _dispatcher() -> None:
    """Start the dispatch thread if it is not running; call under _LOCK. A daemon: it never delays the
    server's exit."""
    global _DISPATCHER
    if _DISPATCHER is None or not _DISPATCHER.is_alive():
        _DISPATCHER = threading.Thread(target=_dispatch, name="train-dispatch", daemon=True)
        _DISPATCHER.start()


def _dispatch() -> None:
    while True:
        with _LOCK:
            while not _WAITING and not _CLOSED:
                _LOCK.wait()
            if _CLOSED:
                return
            job = _WAITING[0]
            if job._stop_if_unwatched():  # its watchers vanished while it waited: dropped
                continue
            _WAITING.pop(0)
            _RUNNING.append(job)
            job.status, job.started = "running", time.monotonic()
        _run(job)


def _run(job: Job) -> None:
    """On the dispatch thread: the job's turn has come."""
    status, result, refusal, error = "done", None, None, ""
    try:
        outcome, payload = _execute(job)
        if outcome == "refused":
            status, refusal = "refused", payload
        else:
            result = payload
            status = "stopped" if result.stop_reason == "stopped" else "done"
    except _Lost:
        status, error = "failed", LOST
    except Exception as err:  # reported to the page; the dispatch thread goes on with the next job
        if not _CLOSED:  # (while the server stops, its worker is gone: nothing to report)
            _log.exception("training failed")
        status, error = "failed", f"{type(err).__name__}: {err}"
    with _LOCK:
        _RUNNING.remove(job)
        if result is not None:  # the result's losses are complete, whatever the relay delivered
            job.loss, job.val_loss = list(result.loss), list(result.val_loss)
        job.status, job.result, job.refusal, job.error, job.ended = status, result, refusal, error, time.monotonic()
        if status == "done":
            _FINISHED[job.key] = job


def _execute(job: Job) -> tuple[str, Any]:
    """Train the job in training's engine, its epochs heard here and a stop sent there when it is abandoned:
    ("done", fit.Result) or ("refused", Refusal)."""
    talk = engine.Talk(hear=lambda epoch: job.record(*epoch), stop=job.abandoned)
    try:
        outcome: tuple[str, Any] = engine.training().submit("train", job.config, job.settings, talk=talk).result()
    except engine.WorkerLost:
        raise _Lost from None
    return outcome


class _Lost(RuntimeError):
    """The worker process died under a training."""
