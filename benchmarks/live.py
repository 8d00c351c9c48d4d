"""A live class session under load: a teacher, a class of students answering, the teacher's view counting.

    python -m benchmarks.live --students 60                         # a fresh local server (class store in memory)
    python -m benchmarks.live --students 60 --store redis           # ... with a redis-server of its own
    python -m benchmarks.live --url http://127.0.0.1:8600 --pids 11,12 --redis redis://127.0.0.1:8603/0 \\
        --sources --warm http://127.0.0.1:8601 --warm http://127.0.0.1:8602      # through nginx (deploy/two_replicas.sh)
    python -m benchmarks.live --store redis --only restart redis-down     # the faults, on a fresh local server

Scenarios (every visitor is a `streamlit_client.Visitor`, Streamlit's own protocol, as a browser tab speaks it):

- class: the teacher opens the Classroom page and presses "Start a class session" (the join code comes in the
  address, the key from the teacher view's private link); the students open /class?code=... over a ramp and wait
  (their `_watch` fragment reruns every POLL_S s, as the browser's timer sends it); the teacher poses a playground
  question; every student, once the question is on their page, answers within ANSWER_S s, right or wrong, and
  the page must say "Your answer is in"; the teacher's view reruns its fragment every TALLY_S s all along.
  Measured: answer -> acknowledged (p95 <= 1 s); how long after an answer was acknowledged the teacher's view
  first showed a count that includes it (a teacher's run sent after that acknowledgement: max and p95 <= 2 s);
  every answer counted once (the teacher's last "N of M" and, with Redis, the store's tally == the answers).
- idle: N students with the page open and a question on it, not answering, polling every POLL_S s for
  --idle-seconds: the server's CPU (cores, ms per poll) and the polls' latency.
- restart (Redis, replicas): half the class answers, a replica is restarted (SIGTERM, started again on its
  port), students whose connection dropped reconnect (through nginx with --url), the other half answers: every
  answer, before and after, must be counted.
- redis-down (Redis): redis-server is stopped (it saves first): the class page must say "The class sessions
  cannot be reached just now" and a playground change must still be answered; redis-server is started again
  (it reloads its data): the class page works again and an answer is counted.
Results: printed, and written to results/live.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from benchmarks.args import bounded
from benchmarks.load import ServerSampler, percentile, settled, ws_url_of
from benchmarks.report import machine, ms
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import RunResult, Visitor, browser_cookie

RESULTS = Path(__file__).resolve().parent / "results" / "live.json"
SCENARIOS = ("class", "idle", "restart", "redis-down")
QUERY = "units=64&return_sequences=true"  # the question posed: what does LSTM(64, return_sequences=True) return?
RIGHT, WRONG = "(32, 10, 64)", "(32, 64)"  # default playground batch 32, timesteps 10
RIGHT_SHARE = 0.6
POLL_S, TALLY_S = 2.0, 1.0  # as ui/live_view.py: the students' and the teacher's timed fragments (read from pages)
ANSWER_S = 20.0  # every student answers within this after the question reached their page
TARGETS = {"ack_p95_s": 1.0, "teacher_lag_s": 2.0}
COUNT = re.compile(r"\*\*(\d+) of (\d+)\*\* students present have answered")
UNAVAILABLE = "The class sessions cannot be reached just now"
ACK = "Your answer is in"


def source_of(k: int) -> str:
    """Visitor k's own local address (127.0.x.y, never 127.0.0.1), so nginx's hash sees distinct clients."""
    return f"127.0.{(k + 2) // 250}.{(k + 2) % 250 + 1}"


# The teacher.

@dataclass
class Seen:
    """One run of the teacher's timed fragment: when it was sent and received, the count it showed."""

    sent: float
    received: float
    answered: int | None
    joined: int | None


class Teacher:
    """The teacher's tab: starts a session from the Classroom page, poses, and keeps its view refreshing."""

    def __init__(self, ws_url: str, source: str | None = None):
        self.visitor = Visitor(ws_url, page="classroom", source=source, timeout=60, cookie=browser_cookie())
        self.code = self.key = ""
        self.seen: list[Seen] = []
        self.failures: list[str] = []
        self.busy = asyncio.Lock()  # one run at a time on the tab's WebSocket (a click waits for a timed run)

    async def start(self) -> str:
        await self.visitor.connect()
        opened = await self.visitor.load()
        _check(opened, "classroom page")
        started = await self.visitor.click("Start a class session")
        _check(started, "start a class session")
        self.code = parse_qs(self.visitor.query_string)["code"][0]
        links = [t for t in started.texts if "key=" in t]
        if not links:
            raise RuntimeError(f"the teacher's view shows no private link: {started.texts[:5]}")
        self.key = parse_qs(links[0].split("?", 1)[1])["key"][0].strip()
        return self.code

    async def pose(self, query: str = QUERY) -> float:
        """Poses a playground question; returns when it was sent (perf_counter)."""
        self.visitor.values[self.visitor.widget("pose_query").id] = query
        async with self.busy:
            sent = time.perf_counter()
            _check(await self.visitor.click("Pose it to the class"), "pose")
        return sent

    async def reopen(self, ws_url: str | None = None) -> None:
        """The teacher's link opened again (after the replica holding the tab went away)."""
        await self.visitor.close()
        self.visitor = Visitor(ws_url or self.visitor.ws_url, page="class", source=self.visitor.source, timeout=60,
                               cookie=self.visitor.cookie)
        _check(await self.visitor.load(f"code={self.code}&key={self.key}"), "teacher's link")

    async def refresh(self, stop: asyncio.Event) -> None:
        """The view's timed fragments, as the browser's timers send them (the next one when the last is back)."""
        due: dict[str, float] = {}
        while not stop.is_set():
            now = time.perf_counter()
            due = {fid: when for fid, when in due.items() if fid in self.visitor.timers}  # a full run redrew them
            for fid, every in self.visitor.timers.items():
                due.setdefault(fid, now + every)
            if not due:
                await asyncio.sleep(0.1)
                continue
            fid = min(due, key=due.get)
            if due[fid] > now:
                await _sleep_or(stop, due[fid] - now)
                continue
            del due[fid]
            sent = time.perf_counter()
            try:
                async with self.busy:
                    result = await self.visitor.tick(fid)
            except Exception as err:  # a dropped connection: reported, the view opened again by the caller
                self.failures.append(f"teacher tick: {type(err).__name__}: {err}")
                await _sleep_or(stop, 0.5)
                continue
            found = COUNT.search(result.text)
            self.seen.append(Seen(sent, time.perf_counter(), *(map(int, found.groups()) if found else (None, None))))
            if not result.ok:
                self.failures.append(f"teacher tick: status {result.status} {result.errors}")

    def last_count(self) -> tuple[int | None, int | None]:
        counted = [s for s in self.seen if s.answered is not None]
        return (counted[-1].answered, counted[-1].joined) if counted else (None, None)


def _check(result: RunResult, what: str) -> None:
    if not result.ok:
        raise RuntimeError(f"{what}: status {result.status} {result.errors}")


async def _sleep_or(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), max(seconds, 0))
    except TimeoutError:
        pass


# A student.

@dataclass
class Student:
    k: int
    answer: str
    visitor: Visitor
    loaded_s: float = 0.0
    asked_at: float | None = None  # when the question was first on this page (perf_counter)
    sent: float | None = None
    acked: float | None = None  # when "Your answer is in" was received
    polls: list[float] = field(default_factory=list)
    reconnects: int = 0
    failures: list[str] = field(default_factory=list)


async def _poll(student: Student) -> RunResult | None:
    """The page's timed fragment (its `_watch`), once; None when the page has none (not drawn)."""
    if not student.visitor.timers:
        return None
    result = await student.visitor.tick(next(iter(student.visitor.timers)))
    student.polls.append(result.seconds)
    if not result.ok:
        student.failures.append(f"poll: status {result.status} {result.errors}")
    if result.full and student.asked_at is None and "Your answer" in student.visitor.widgets:
        student.asked_at = time.perf_counter()
    return result


async def _open(student: Student, code: str) -> None:
    """The class page opened (a reconnected tab: at its own address)."""
    v = student.visitor
    opened = await v.load(v.query_string or f"code={code}")
    student.loaded_s = opened.seconds
    if not opened.ok:
        student.failures.append(f"load: status {opened.status} {opened.errors}")
    if "Your answer" in v.widgets:
        student.asked_at = time.perf_counter()


async def _send_answer(student: Student) -> None:
    student.sent = time.perf_counter()
    result = await student.visitor.submit("Send my answer", **{"Your answer": student.answer})
    if ACK in result.text:
        student.acked = time.perf_counter()
    else:
        student.failures.append(f"answer not acknowledged: status {result.status} {result.errors}")


def _waiting(student: Student, answer_in: float | None) -> bool:
    """The question is on the page, this student answers and has not yet."""
    return student.asked_at is not None and student.sent is None and answer_in is not None


def _answer_due(student: Student, answer_in: float | None, answer_now: asyncio.Event | None, now: float) -> bool:
    if not _waiting(student, answer_in):
        return False
    return answer_now.is_set() if answer_now is not None else now >= student.asked_at + answer_in


def _wake_at(student: Student, answer_in: float | None, answer_now: asyncio.Event | None, next_poll: float) -> float:
    """The next poll, or the answer's time if sooner (when no event says when to answer)."""
    if answer_now is None and _waiting(student, answer_in):
        return min(next_poll, student.asked_at + answer_in)
    return next_poll


async def attend(student: Student, code: str, stop: asyncio.Event, think: tuple[float, float] | None,
                 rng: random.Random, answer_now: asyncio.Event | None = None) -> None:
    """A student's tab: open the class page, poll every POLL_S s; answer `think` s after the question arrived
    (or when `answer_now` is set); go on polling until `stop`. think=None: never answer (idle)."""
    try:
        await _open(student, code)
        answer_in = rng.uniform(*think) if think else None
        next_poll = time.perf_counter() + POLL_S
        while not stop.is_set():
            now = time.perf_counter()
            if _answer_due(student, answer_in, answer_now, now):
                await _send_answer(student)
            elif now >= next_poll:
                next_poll = now + POLL_S
                await _poll(student)
            else:
                woken_by = answer_now if answer_now is not None and student.sent is None else stop
                await _sleep_or(woken_by, min(_wake_at(student, answer_in, answer_now, next_poll) - now, 0.25))
    except Exception as err:  # a dropped connection or a timeout: this student's failure, not the run's
        student.failures.append(f"{type(err).__name__}: {err}")


async def _arrive(student: Student, code: str, stop: asyncio.Event, think: tuple[float, float] | None,
                  rng: random.Random, ramp: float, students: int) -> None:
    """A student joining at their place in the ramp, then attending."""
    await asyncio.sleep(ramp * student.k / max(students - 1, 1))
    await attend(student, code, stop, think, rng)


def _source(k: int, sources: bool) -> str | None:
    return source_of(k) if sources else None


def _class_of(ws_url: str, answers: list[str], sources: bool) -> list[Student]:
    """One student (not yet connected) per answer."""
    return [Student(k, answer, Visitor(ws_url, page="class", source=_source(k, sources), timeout=60,
                                       cookie=browser_cookie()))
            for k, answer in enumerate(answers)]


def _answers(n: int, rng: random.Random) -> list[str]:
    right = round(n * RIGHT_SHARE)
    answers = [RIGHT] * right + [WRONG] * (n - right)
    rng.shuffle(answers)
    return answers


def _failures(group: list[Student]) -> list[str]:
    return [f"student {s.k}: {f}" for s in group for f in s.failures]


async def _close_tabs(group: list[Student], teacher: Teacher | None = None) -> None:
    for s in group:
        await s.visitor.close()
    if teacher:
        await teacher.visitor.close()


def _all_done(group: list[Student]) -> bool:
    """Every student's answer acknowledged, or failed."""
    return all(s.acked or s.failures for s in group)


async def _until(done, most_s: float, step: float = 0.2, since: float | None = None) -> None:
    """Waits until done(), or at most most_s seconds after `since` (default: now)."""
    deadline = (time.perf_counter() if since is None else since) + most_s
    while not done() and time.perf_counter() < deadline:
        await asyncio.sleep(step)


# The store, read directly (Redis only: a memory store lives in the server's process).

def store_tally(redis_url: str | None, code: str, key: str) -> dict | None:
    if not redis_url:
        return None
    from rnnlab.live.session import Classes
    from rnnlab.live.store import RedisStore

    tally = Classes(RedisStore(redis_url)).tally(code, key)
    return {"answered": tally.answered, "joined": tally.joined, "counts": tally.counts}


# Warming: the first answer of a server imports TensorFlow and grades with Keras (about 10 s): not the class's.

async def warm(ws_url: str) -> None:
    teacher = Teacher(ws_url)
    await teacher.start()
    await teacher.pose()
    async with Visitor(ws_url, page="class", timeout=120) as student:
        await student.load(f"code={teacher.code}")
        await student.submit("Send my answer", **{"Your answer": RIGHT})
    await teacher.visitor.close()


# Scenario: a class answering.

@dataclass
class ClassRun:
    """A class session: its teacher, students and running tasks, and the measurements the phases fill in."""

    teacher: Teacher
    sampler: ServerSampler
    students: int
    ramp: float
    group: list[Student] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)  # the teacher's view stops refreshing
    class_over: asyncio.Event = field(default_factory=asyncio.Event)  # the students' tabs stop
    tabs: list[asyncio.Task] = field(default_factory=list)
    watching: asyncio.Task | None = None
    cpu_before: list[float] = field(default_factory=list)
    began: float = 0.0
    posed: float = 0.0
    wall: float = 0.0
    cpu_each: list[float] = field(default_factory=list)


async def class_session(ws_url: str, pids: list[int], students: int, ramp: float, redis_url: str | None,
                        sources: bool, seed: int = 0) -> dict:
    run = await _open_class(ws_url, pids, students, ramp, sources, seed)
    await _pose_and_collect(run)
    await _close_class(run)
    return _class_report(run, redis_url)


async def _open_class(ws_url: str, pids: list[int], students: int, ramp: float, sources: bool, seed: int) -> ClassRun:
    """The teacher starts a session and its view keeps refreshing; the students arrive over the ramp."""
    rng = random.Random(seed)
    sampler = ServerSampler(pids)
    teacher = Teacher(ws_url, _source(students, sources))
    await teacher.start()
    run = ClassRun(teacher, sampler, students, ramp)
    run.watching = asyncio.create_task(teacher.refresh(run.stop))
    run.cpu_before, run.began = sampler.cpu_each(), time.perf_counter()
    sampler.start()
    run.group = _class_of(ws_url, _answers(students, rng), sources)
    think = (1.0, ANSWER_S - POLL_S - 1.0)
    run.tabs = [asyncio.create_task(_arrive(s, teacher.code, run.class_over, think, random.Random(seed * 1000 + s.k),
                                            ramp, students)) for s in run.group]
    return run


async def _pose_and_collect(run: ClassRun) -> None:
    """The question posed once the class is in; then until every answer is in and the teacher's view counted them."""
    await asyncio.sleep(run.ramp + 2.0)
    run.posed = await run.teacher.pose()
    await _until(lambda: _all_done(run.group), POLL_S + ANSWER_S + 20, 0.25, since=run.posed)
    last_ack = max((s.acked for s in run.group if s.acked), default=run.posed)
    await _until(lambda: (run.teacher.last_count()[0] or 0) >= sum(1 for s in run.group if s.acked), 5, 0.25,
                 since=last_ack)
    await asyncio.sleep(TALLY_S * 2)  # the teacher's view once more after the last count


async def _close_class(run: ClassRun) -> None:
    """Every tab stopped and closed; the server's wall and CPU time taken."""
    run.class_over.set()
    run.stop.set()
    await asyncio.gather(*run.tabs, run.watching)
    await run.sampler.stop()
    run.wall = time.perf_counter() - run.began
    run.cpu_each = [round(a - b, 1) for a, b in zip(run.sampler.cpu_each(), run.cpu_before)]
    await _close_tabs(run.group, run.teacher)


def _teacher_lags(acked: list[Student], seen: list[Seen]) -> tuple[list[float], int]:
    """For each acknowledged answer, in order: how long until the teacher's view showed a count sent after it
    (inf: never); and how many of those counts were below the answer's rank."""
    lags, miscounts = [], 0
    for rank, s in enumerate(acked, 1):
        after = next((view for view in seen if view.sent >= s.acked and view.answered is not None), None)
        if after is None:
            lags.append(float("inf"))
            continue
        lags.append(after.received - s.acked)
        miscounts += after.answered < rank
    return lags, miscounts


def _class_report(run: ClassRun, redis_url: str | None) -> dict:
    group, teacher = run.group, run.teacher
    acked = sorted((s for s in group if s.acked), key=lambda s: s.acked)
    right = sum(1 for s in acked if s.answer == RIGHT)
    counts = {"students": run.students, "ramp_s": run.ramp, "code": teacher.code,
              "answers_sent": sum(1 for s in group if s.sent), "answers_acknowledged": len(acked),
              "right": right, "wrong": len(acked) - right}
    return counts | _class_timings(run, acked) | _class_outcome(run, redis_url)


def _class_timings(run: ClassRun, acked: list[Student]) -> dict:
    group, seen = run.group, run.teacher.seen
    lags, miscounts = _teacher_lags(acked, seen)
    return {
        "ack": _spread([s.acked - s.sent for s in acked]), "teacher_lag": _spread(lags),
        "teacher_count_below_rank": miscounts,
        "question_shown_after_pose": _spread([s.asked_at - run.posed for s in group if s.asked_at]),
        "student_poll": _spread([p for s in group for p in s.polls]),
        "student_load": _spread([s.loaded_s for s in group if s.loaded_s]),
        "teacher_refreshes": len(seen), "teacher_refresh": _spread([s.received - s.sent for s in seen]),
    }


def _class_outcome(run: ClassRun, redis_url: str | None) -> dict:
    teacher = run.teacher
    answered, joined = teacher.last_count()
    failures = _failures(run.group) + teacher.failures
    return {
        "teacher_final": {"answered": answered, "joined": joined},
        "store_tally": store_tally(redis_url, teacher.code, teacher.key),
        "failures": len(failures), "failure_examples": failures[:6],
        "wall_s": round(run.wall, 1), "server_cpu_s_each": run.cpu_each,
        "server_cpu_cores": round(sum(run.cpu_each) / run.wall, 2), "rss_peak_mb": round(max(run.sampler.rss_mb)),
    }


def _spread(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    finite = [v for v in values if v != float("inf")]
    out = {"n": len(values), "missing": len(values) - len(finite)}
    if finite:
        out |= {f"p{q}_ms": ms(percentile(finite, q)) for q in (50, 95)} | {"max_ms": ms(max(finite))}
    if len(finite) < len(values):
        out["max_ms"] = float("inf")
    return out


# Scenario: idle students polling.

async def idle(ws_url: str, pids: list[int], students: int, seconds: float, sources: bool, ramp: float) -> dict:
    teacher = Teacher(ws_url, _source(students, sources))
    code = await teacher.start()
    await teacher.pose()
    await teacher.visitor.close()  # the teacher's tab closed: only the students' polls
    sampler = ServerSampler(pids)
    stop = asyncio.Event()
    group = _class_of(ws_url, [""] * students, sources)
    tabs = [asyncio.create_task(_arrive(s, code, stop, None, random.Random(s.k), ramp, students)) for s in group]
    await asyncio.sleep(ramp + POLL_S)
    wall, cpu_each, polls = await _measure_idle(group, sampler, seconds)
    stop.set()
    await asyncio.gather(*tabs)
    await _close_tabs(group)
    return _idle_report(group, wall, cpu_each, polls)


def _poll_count(group: list[Student]) -> int:
    return sum(len(s.polls) for s in group)


async def _measure_idle(group: list[Student], sampler: ServerSampler, seconds: float) -> tuple[float, list[float], int]:
    """The wall time, each server's CPU seconds and the polls over `seconds`."""
    polls_before = _poll_count(group)
    began, cpu_before = time.perf_counter(), sampler.cpu_each()
    await asyncio.sleep(seconds)
    wall = time.perf_counter() - began
    cpu_each = [a - b for a, b in zip(sampler.cpu_each(), cpu_before)]
    return wall, cpu_each, _poll_count(group) - polls_before


def _idle_report(group: list[Student], wall: float, cpu_each: list[float], polls: int) -> dict:
    failures = _failures(group)
    cpu = sum(cpu_each)
    return {"students": len(group), "seconds": round(wall, 1), "polls": polls,
            "polls_per_s": round(polls / wall, 1), "server_cpu_s_each": [round(c, 2) for c in cpu_each],
            "server_cpu_cores": round(cpu / wall, 3), "server_cpu_ms_per_poll": round(cpu * 1000 / max(polls, 1), 1),
            "poll": _spread([p for s in group for p in s.polls]), "failures": len(failures),
            "failure_examples": failures[:5]}


# Faults: replicas and redis-server this benchmark may restart.

class Replica:
    """One app server on a port: one this benchmark started (StreamlitServer) or an existing one (a pid)."""

    def __init__(self, port: int, pid: int | None = None, server: StreamlitServer | None = None):
        self.port, self.pid, self.server = port, pid, server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def current_pid(self) -> int:
        return self.server.process.pid if self.server else self.pid

    def restart(self) -> float:
        """SIGTERM, wait until the port is free, start the app again on it (same environment); seconds."""
        began = time.perf_counter()
        if self.server:
            self.server.stop()
        else:
            os.kill(self.pid, signal.SIGTERM)
            while _alive(self.pid) and time.perf_counter() - began < 30:
                time.sleep(0.1)
        while _port_taken(self.port) and time.perf_counter() - began < 30:
            time.sleep(0.1)
        self.server = StreamlitServer(port=self.port).start()
        self.server.wait_healthy(timeout=120)
        self.pid = None
        return time.perf_counter() - began

    def stop_own(self) -> None:
        if self.server:
            self.server.stop()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class Redis:
    """A redis-server at an address: stopped (it saves first) and started again on its port, from its folder."""

    def __init__(self, url: str | None = None):
        self.process: subprocess.Popen | None = None
        self.own_dir: str | None = None
        if url is None:  # one of our own, in a temporary folder
            self.own_dir = tempfile.mkdtemp(prefix="rnnlab-live-redis-")
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            url = f"redis://127.0.0.1:{port}/0"
        self.url = url
        self.port = int(re.search(r":(\d+)", url.split("//", 1)[1])[1])
        self.dir = self.own_dir
        if self.own_dir:
            self.start()

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def stop(self) -> None:
        with self.client() as client:
            self.dir = self.dir or client.config_get("dir")["dir"]
            try:
                client.shutdown(save=True)
            except Exception:  # the connection closes as the server ends
                pass
        if self.process:
            self.process.wait(timeout=30)
            self.process = None
        while _port_taken(self.port):
            time.sleep(0.05)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.dir, "--daemonize", "no",
             "--logfile", str(Path(self.dir) / "redis-live.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.perf_counter() + 20
        while time.perf_counter() < deadline:
            try:
                with self.client() as client:
                    if client.ping():
                        return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not come up on port {self.port}")

    def close(self) -> None:
        """Stops a redis-server this object started (never one it was given and did not restart)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.own_dir:
            shutil.rmtree(self.own_dir, ignore_errors=True)


@dataclass
class Halves:
    """The restart scenario's class: each half answers when its event is set; every tab's task by student."""

    code: str
    group: list[Student]
    rng: random.Random
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    now1: asyncio.Event = field(default_factory=asyncio.Event)
    now2: asyncio.Event = field(default_factory=asyncio.Event)
    tabs: dict[int, asyncio.Task] = field(default_factory=dict)
    first: list[Student] = field(init=False)
    second: list[Student] = field(init=False)

    def __post_init__(self):
        self.first, self.second = self.group[: len(self.group) // 2], self.group[len(self.group) // 2:]

    def attend(self, student: Student, answer_now: asyncio.Event) -> None:
        self.tabs[student.k] = asyncio.create_task(attend(student, self.code, self.stop, (0, 0), self.rng, answer_now))


async def restart_scenario(ws_url: str, replicas: list[Replica], redis_url: str, students: int,
                           sources: bool) -> dict:
    """Half the class answers; a replica restarts; dropped students reconnect; the other half answers."""
    teacher = Teacher(ws_url, _source(students, sources))
    code = await teacher.start()
    await teacher.pose()
    rng = random.Random(7)
    halves = Halves(code, _class_of(ws_url, _answers(students, rng), sources), rng)
    for s in halves.group:
        halves.attend(s, halves.now1 if s in halves.first else halves.now2)
    await asyncio.sleep(POLL_S + 1)
    halves.now1.set()
    await _until(lambda: _all_done(halves.first), 30)
    before = store_tally(redis_url, code, teacher.key)
    restart_s = await asyncio.to_thread(replicas[0].restart)
    await asyncio.sleep(POLL_S + 1)  # every tab polls at least once: the dropped ones fail
    dropped = await _reconnect_dropped(halves, ws_url)
    await asyncio.sleep(POLL_S + 1)
    halves.now2.set()
    await _until(lambda: _all_done(halves.second), 90)
    view = await _teacher_view_again(teacher)
    after = store_tally(redis_url, code, teacher.key)
    halves.stop.set()
    await asyncio.gather(*halves.tabs.values(), return_exceptions=True)
    await _close_tabs(halves.group, teacher)
    return {"students": students, "restart_s": round(restart_s, 1), "replica_port": replicas[0].port,
            "answered_before_restart": sum(1 for s in halves.first if s.acked), "tally_before_restart": before,
            "reconnected": len(dropped), "answered_in_all": sum(1 for s in halves.group if s.acked),
            "tally_after": after, "teacher_view_after": view, "failures": _failures(halves.group)[:6]}


async def _reconnect_dropped(halves: Halves, ws_url: str) -> list[Student]:
    """The browser reconnects the students whose tab failed: a new WebSocket (through nginx), its address run
    again (a new session); a first-half student does not answer again."""
    dropped = [s for s in halves.group if s.failures or halves.tabs[s.k].done()]
    for s in dropped:
        halves.tabs[s.k].cancel()
        s.failures.clear()
        s.reconnects += 1
        await s.visitor.close()
        s.visitor = Visitor(ws_url, s.visitor.query_string, page="class", source=s.visitor.source, timeout=60,
                            cookie=s.visitor.cookie)  # the browser keeps its cookie over a reconnect
        s.asked_at = None
        halves.attend(s, halves.now2 if s in halves.second else asyncio.Event())
    return dropped


def _counting(teacher: Teacher) -> str:
    """The teacher's fragment that counts the answers: the most frequent one (others check less often)."""
    return min(teacher.visitor.timers, key=teacher.visitor.timers.get)


async def _teacher_view_again(teacher: Teacher) -> dict | None:
    """The teacher's link opened again (harmless if its replica stayed) and its view run: the count it shows."""
    await teacher.reopen()
    final_view = await teacher.visitor.tick(_counting(teacher))
    found = COUNT.search(final_view.text)
    return {"answered": int(found[1]), "joined": int(found[2])} if found else None


async def redis_down_scenario(ws_url: str, redis: Redis, sources: bool) -> dict:
    """Redis stopped: the class page says so, the playground answers; Redis back: the class works again."""
    def src(k: int) -> str | None:
        return _source(k, sources)

    teacher = Teacher(ws_url, src(200))
    code = await teacher.start()
    await teacher.pose()
    seen: dict = {}
    async with Visitor(ws_url, page="class", source=src(201)) as open_tab, Visitor(ws_url, source=src(202)) as player:
        await open_tab.load(f"code={code}")
        await player.load()
        await asyncio.to_thread(redis.stop)
        stopped = time.perf_counter()
        async with Visitor(ws_url, page="class", source=src(203)) as newcomer:
            page = await newcomer.load(f"code={code}")
            seen["class_page_message"] = UNAVAILABLE in page.text
            seen["class_page_s"] = round(page.seconds, 2)
        poll = await open_tab.tick(next(iter(open_tab.timers)))
        seen["open_tab_poll"] = {"ok": poll.ok, "message": UNAVAILABLE in poll.text, "errors": poll.errors[:2]}
        tally = await teacher.visitor.tick(_counting(teacher))
        seen["teacher_view_refresh"] = {"ok": tally.ok, "message": UNAVAILABLE in tally.text,
                                        "errors": tally.errors[:2]}
        flip = await player.set(return_state=True)
        seen["playground_change_ok"] = flip.ok and flip.elements["bidi_component"] > 0
        seen["playground_change_s"] = round(flip.seconds, 2)
        seen["down_s"] = round(time.perf_counter() - stopped, 1)
        await asyncio.to_thread(redis.start)
        back = await open_tab.load(f"code={code}")
        seen["class_page_back"] = back.ok and "Your answer" in open_tab.widgets
        answer = await open_tab.submit("Send my answer", **{"Your answer": RIGHT})
        seen["answer_after_back"] = ACK in answer.text
        seen["tally_after_back"] = store_tally(redis.url, code, teacher.key)
    await teacher.visitor.close()
    return seen


def _counted_once(r: dict) -> bool:
    """The teacher's last count, the acknowledgements and (with Redis) the store's tally all match the answers."""
    n = r["answers_sent"]
    counted = r["teacher_final"]["answered"] == n == r["answers_acknowledged"] == r["students"]
    if r["store_tally"] is not None:
        t = r["store_tally"]
        counted &= t["answered"] == n and t["counts"].get(RIGHT, 0) == r["right"] and \
            t["counts"].get(WRONG, 0) == r["wrong"]
    return counted


def _class_checks(name: str, r: dict) -> dict[str, bool]:
    return {
        f"{name}: answer acknowledged p95 <= 1 s": r["ack"].get("p95_ms", 1e9) <= 1000 * TARGETS["ack_p95_s"],
        f"{name}: teacher's count within 2 s of each answer (max)":
            r["teacher_lag"].get("max_ms", 1e9) <= 1000 * TARGETS["teacher_lag_s"],
        f"{name}: every answer counted exactly once": _counted_once(r),
        f"{name}: no failures": r["failures"] == 0,
    }


def _restart_checks(name: str, r: dict) -> dict[str, bool]:
    t = r["tally_after"] or {}
    return {f"{name}: answers before and after the restart all counted": (
        r["answered_in_all"] == r["students"] and t.get("answered") == r["students"]
        and (r["tally_before_restart"] or {}).get("answered") == r["answered_before_restart"]
        and (r["teacher_view_after"] or {}).get("answered") == r["students"])}


def _redis_down_checks(name: str, r: dict) -> dict[str, bool]:
    return {
        f"{name}: the class page says the sessions cannot be reached": r["class_page_message"],
        f"{name}: pages already open say so too (no error box)":
            r["open_tab_poll"]["message"] and r["teacher_view_refresh"]["message"],
        f"{name}: the playground keeps working": r["playground_change_ok"],
        f"{name}: works again when Redis is back (page, answer counted)":
            r["class_page_back"] and r["answer_after_back"] and (r["tally_after_back"] or {}).get("answered") == 1,
    }


CHECKS = {"class": _class_checks, "restart": _restart_checks, "redis-down": _redis_down_checks}  # by name prefix


def verdicts(results: dict) -> dict[str, bool]:
    checks = {}
    for name, r in results.items():
        prefix = next((p for p in CHECKS if name.startswith(p)), None)
        if prefix:
            checks |= CHECKS[prefix](name, r)
    return checks


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live", description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=bounded(int, 1, 300), default=60, help="students in the class (60)")
    parser.add_argument("--ramp", type=bounded(float, 0, 120), default=10.0, help="seconds over which they join (10)")
    parser.add_argument("--idle-students", type=bounded(int, 1, 300), default=None,
                        help="idle: students with the page open (default: --students)")
    parser.add_argument("--idle-seconds", type=bounded(float, 5, 600), default=30.0, help="idle: seconds measured (30)")
    parser.add_argument("--fault-students", type=bounded(int, 2, 300), default=20, help="restart: students (20)")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=None,
                        help="scenarios to run (default: class and idle; restart and redis-down need Redis)")
    parser.add_argument("--store", choices=("memory", "redis"), default="memory",
                        help="a fresh local server's class store: memory, or a redis-server of its own")
    parser.add_argument("--url", help="an existing server's address (default: start one)")
    parser.add_argument("--pids", default="", help="with --url: comma-separated server process ids to sample")
    parser.add_argument("--replicas", default="", metavar="PORT:PID,...",
                        help="with --url: the replicas behind it, for the restart scenario (the first is restarted)")
    parser.add_argument("--redis", help="with --url: the redis:// address the servers use (the store's tally, faults)")
    parser.add_argument("--sources", action="store_true", help="each tab from its own 127.0.x.y address (nginx)")
    parser.add_argument("--warm", action="append", default=[], metavar="URL",
                        help="with --url: warm this address too (each replica: the first answer imports TensorFlow)")
    parser.add_argument("--label", default="", help="a suffix for the result names (e.g. nginx)")
    return parser


async def _class(args, ws_url: str, pids: list[int], replicas: list[Replica], redis: Redis | None) -> dict:
    return await class_session(ws_url, pids, args.students, args.ramp, redis and redis.url, args.sources)


async def _idle(args, ws_url: str, pids: list[int], replicas: list[Replica], redis: Redis | None) -> dict:
    return await idle(ws_url, pids, args.idle_students or args.students, args.idle_seconds, args.sources, args.ramp)


async def _restart(args, ws_url: str, pids: list[int], replicas: list[Replica], redis: Redis | None) -> dict:
    if not (redis and replicas):
        raise SystemExit("benchmarks.live: restart needs Redis and a replica (--store redis, or --replicas)")
    r = await restart_scenario(ws_url, replicas, redis.url, args.fault_students, args.sources)
    pids[:] = [rep.current_pid() for rep in replicas]  # the restarted replica's new process is sampled from now on
    return r


async def _redis_down(args, ws_url: str, pids: list[int], replicas: list[Replica], redis: Redis | None) -> dict:
    if not redis:
        raise SystemExit("benchmarks.live: redis-down needs Redis (--store redis, or --redis)")
    return await redis_down_scenario(ws_url, redis, args.sources)


RUNS = {"class": _class, "idle": _idle, "restart": _restart, "redis-down": _redis_down}  # SCENARIOS, each run


async def _run(args, ws_url: str, pids: list[int], replicas: list[Replica], redis: Redis | None) -> dict:
    for address in args.warm or [ws_url]:
        await warm(ws_url_of(address) if address.startswith("http") else address)
    await settled(ServerSampler(pids))
    results: dict = {}
    suffix = f"_{args.label}" if args.label else ""
    for name in args.only or (SCENARIOS if redis else ("class", "idle")):
        load_before = os.getloadavg()
        r = await RUNS[name](args, ws_url, pids, replicas, redis)
        r["loadavg_before"] = [round(x, 2) for x in load_before]
        r["busiest_processes_after"] = _busiest()
        r["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        results[name + suffix] = r
        print(name + suffix, json.dumps(r, indent=1), flush=True)
        await asyncio.sleep(3)
    return results


def _busiest(count: int = 6) -> list[str]:
    """What else ran on the machine: the processes with the most CPU over the last second (ps's own view)."""
    try:
        out = subprocess.run(["top", "-b", "-c", "-n", "2", "-d", "1", "-w", "200"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    last = out.rsplit("PID USER", 1)[-1].splitlines()[1:]
    return [" ".join(line.split()[8:9] + line.split()[11:])[:120] for line in last[:count]]


def _targets(args) -> tuple[list[int], list[Replica]]:
    """--pids and --replicas read; a ValueError says what is wrong with them."""
    try:
        pids = [int(p) for p in args.pids.split(",") if p.strip()]
        replicas = [Replica(int(port), int(pid)) for port, pid in
                    (item.split(":") for item in args.replicas.split(",") if item.strip())]
    except ValueError:
        raise ValueError("--pids must be process ids, --replicas PORT:PID pairs") from None
    if args.url and not pids:
        raise ValueError("--url needs --pids (the server processes to sample)")
    return pids, replicas


def _on_url(args, pids: list[int], replicas: list[Replica]) -> dict:
    """The scenarios against an existing server (--url)."""
    redis = Redis(args.redis) if args.redis else None
    try:
        results = asyncio.run(_run(args, ws_url_of(args.url), pids, replicas, redis))
        for rep in replicas:
            rep.stop_own()
        return results
    finally:
        if redis:
            redis.close()


def _on_fresh_server(args) -> dict:
    """The scenarios against a local server started here, its class store in memory or a redis-server of its own."""
    redis = Redis() if args.store == "redis" else None
    try:
        os.environ["RNNLAB_CLASS_STORE"] = redis.url if redis else "memory"
        server = StreamlitServer().start()
        replica = Replica(server.port, server=server)
        try:
            server.wait_healthy(timeout=120)
            return asyncio.run(_run(args, server.ws_url, [server.process.pid], [replica], redis))
        finally:
            replica.stop_own()
    finally:
        if redis:
            redis.close()


def _save(results: dict, checks: dict[str, bool]) -> None:
    """The verdicts printed; results and verdicts merged into results/live.json."""
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(saved | results | {"machine": machine(), "verdicts": saved.get("verdicts", {}) | checks},
                                  indent=1))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        pids, replicas = _targets(args)
    except ValueError as err:
        print(f"benchmarks.live: {err}", file=sys.stderr)
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    results = _on_url(args, pids, replicas) if args.url else _on_fresh_server(args)
    checks = verdicts(results)
    _save(results, checks)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
