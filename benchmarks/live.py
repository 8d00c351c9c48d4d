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

from benchmarks.load import ServerSampler, family, percentile, settled, ws_url_of
from benchmarks.report import machine, ms
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import RunResult, Visitor

RESULTS = Path(__file__).resolve().parent / "results" / "live.json"
SCENARIOS = ("class", "idle", "restart", "redis-down")
QUERY = "units=64&return_sequences=true"  # the question posed: what does LSTM(64, return_sequences=True) return?
RIGHT, WRONG = "(32, 10, 64)", "(32, 64)"  # default playground batch 32, timesteps 10
RIGHT_SHARE = 0.6
POLL_S, TALLY_S = 2.0, 1.0  # as ui/live_view.py: the students' and the teacher's timed fragments (read from pages)
ANSWER_S = 20.0  # every student answers within this after the question reached their page
TARGETS = {"ack_p95_s": 1.0, "teacher_lag_s": 2.0}
COUNT = re.compile(r"\*\*(\d+) of (\d+)\*\* students have answered")
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
        self.visitor = Visitor(ws_url, page="classroom", source=source, timeout=60)
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
        self.visitor = Visitor(ws_url or self.visitor.ws_url, page="class", source=self.visitor.source, timeout=60)
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


async def attend(student: Student, code: str, stop: asyncio.Event, think: tuple[float, float] | None,
                 rng: random.Random, answer_now: asyncio.Event | None = None) -> None:
    """A student's tab: open the class page, poll every POLL_S s; answer `think` s after the question arrived
    (or when `answer_now` is set); go on polling until `stop`. think=None: never answer (idle)."""
    v = student.visitor
    try:
        opened = await v.load(v.query_string or f"code={code}")  # a reconnected tab: its own address
        student.loaded_s = opened.seconds
        if not opened.ok:
            student.failures.append(f"load: status {opened.status} {opened.errors}")
        if "Your answer" in v.widgets:
            student.asked_at = time.perf_counter()
        answer_in = rng.uniform(*think) if think else None
        next_poll = time.perf_counter() + POLL_S
        while not stop.is_set():
            now = time.perf_counter()
            ready = student.asked_at is not None and student.sent is None and answer_in is not None and (
                now >= student.asked_at + answer_in if answer_now is None else answer_now.is_set())
            if ready:
                student.sent = time.perf_counter()
                result = await v.submit("Send my answer", **{"Your answer": student.answer})
                if ACK in result.text:
                    student.acked = time.perf_counter()
                else:
                    student.failures.append(f"answer not acknowledged: status {result.status} {result.errors}")
                continue
            if now >= next_poll:
                next_poll = now + POLL_S
                await _poll(student)
                continue
            wake = next_poll
            if student.asked_at is not None and student.sent is None and answer_in is not None and answer_now is None:
                wake = min(wake, student.asked_at + answer_in)
            await _sleep_or(answer_now if answer_now is not None and student.sent is None else stop,
                            min(wake - now, 0.25))
    except Exception as err:  # a dropped connection or a timeout: this student's failure, not the run's
        student.failures.append(f"{type(err).__name__}: {err}")


def _answers(n: int, rng: random.Random) -> list[str]:
    right = round(n * RIGHT_SHARE)
    answers = [RIGHT] * right + [WRONG] * (n - right)
    rng.shuffle(answers)
    return answers


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

async def class_session(ws_url: str, pids: list[int], students: int, ramp: float, redis_url: str | None,
                        sources: bool, seed: int = 0) -> dict:
    rng = random.Random(seed)
    sampler = ServerSampler(pids)
    teacher = Teacher(ws_url, source_of(students) if sources else None)
    code = await teacher.start()
    stop, class_over = asyncio.Event(), asyncio.Event()
    watching = asyncio.create_task(teacher.refresh(stop))
    cpu_before, began = sampler.cpu_each(), time.perf_counter()
    sampler.start()
    group = [Student(k, answer, Visitor(ws_url, page="class", source=source_of(k) if sources else None, timeout=60))
             for k, answer in enumerate(_answers(students, rng))]

    async def arrive(student: Student) -> None:
        await asyncio.sleep(ramp * student.k / max(students - 1, 1))
        await attend(student, code, class_over, (1.0, ANSWER_S - POLL_S - 1.0),
                     random.Random(seed * 1000 + student.k))

    tabs = [asyncio.create_task(arrive(s)) for s in group]
    await asyncio.sleep(ramp + 2.0)
    posed = await teacher.pose()
    deadline = posed + POLL_S + ANSWER_S + 20
    while time.perf_counter() < deadline and not all(s.acked or s.failures for s in group):
        await asyncio.sleep(0.25)
    last_ack = max((s.acked for s in group if s.acked), default=posed)
    while time.perf_counter() < last_ack + 5 and (teacher.last_count()[0] or 0) < sum(1 for s in group if s.acked):
        await asyncio.sleep(0.25)
    await asyncio.sleep(TALLY_S * 2)  # the teacher's view once more after the last count
    class_over.set()
    stop.set()
    await asyncio.gather(*tabs, watching)
    await sampler.stop()
    wall = time.perf_counter() - began
    cpu_each = [round(a - b, 1) for a, b in zip(sampler.cpu_each(), cpu_before)]
    for s in group:
        await s.visitor.close()
    await teacher.visitor.close()

    acked = sorted((s for s in group if s.acked), key=lambda s: s.acked)
    acks = [s.acked - s.sent for s in acked]
    lags, miscounts = [], 0
    for rank, s in enumerate(acked, 1):
        after = [seen for seen in teacher.seen if seen.sent >= s.acked and seen.answered is not None]
        if not after:
            lags.append(float("inf"))
            continue
        lags.append(after[0].received - s.acked)
        miscounts += after[0].answered < rank
    shown = [s.asked_at - posed for s in group if s.asked_at]
    polls = [p for s in group for p in s.polls]
    answered, joined = teacher.last_count()
    failures = [f"student {s.k}: {f}" for s in group for f in s.failures] + teacher.failures
    right = sum(1 for s in acked if s.answer == RIGHT)
    result = {
        "students": students, "ramp_s": ramp, "code": code, "answers_sent": sum(1 for s in group if s.sent),
        "answers_acknowledged": len(acked), "right": right, "wrong": len(acked) - right,
        "ack": _spread(acks), "teacher_lag": _spread(lags), "teacher_count_below_rank": miscounts,
        "question_shown_after_pose": _spread(shown), "student_poll": _spread(polls),
        "student_load": _spread([s.loaded_s for s in group if s.loaded_s]),
        "teacher_refreshes": len(teacher.seen),
        "teacher_refresh": _spread([s.received - s.sent for s in teacher.seen]),
        "teacher_final": {"answered": answered, "joined": joined},
        "store_tally": store_tally(redis_url, code, teacher.key),
        "failures": len(failures), "failure_examples": failures[:6],
        "wall_s": round(wall, 1), "server_cpu_s_each": cpu_each,
        "server_cpu_cores": round(sum(cpu_each) / wall, 2), "rss_peak_mb": round(max(sampler.rss_mb)),
    }
    return result


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
    teacher = Teacher(ws_url, source_of(students) if sources else None)
    code = await teacher.start()
    await teacher.pose()
    await teacher.visitor.close()  # the teacher's tab closed: only the students' polls
    sampler = ServerSampler(pids)
    stop = asyncio.Event()
    group = [Student(k, "", Visitor(ws_url, page="class", source=source_of(k) if sources else None, timeout=60))
             for k in range(students)]

    async def arrive(student: Student) -> None:
        await asyncio.sleep(ramp * student.k / max(students - 1, 1))
        await attend(student, code, stop, None, random.Random(student.k))

    tabs = [asyncio.create_task(arrive(s)) for s in group]
    await asyncio.sleep(ramp + POLL_S)
    polls_before = sum(len(s.polls) for s in group)
    began, cpu_before = time.perf_counter(), sampler.cpu_each()
    await asyncio.sleep(seconds)
    wall = time.perf_counter() - began
    cpu_each = [a - b for a, b in zip(sampler.cpu_each(), cpu_before)]
    polls = sum(len(s.polls) for s in group) - polls_before
    stop.set()
    await asyncio.gather(*tabs)
    for s in group:
        await s.visitor.close()
    failures = [f"student {s.k}: {f}" for s in group for f in s.failures]
    cpu = sum(cpu_each)
    return {"students": students, "seconds": round(wall, 1), "polls": polls,
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


async def restart_scenario(ws_url: str, replicas: list[Replica], redis_url: str, students: int,
                           sources: bool) -> dict:
    """Half the class answers; a replica restarts; dropped students reconnect; the other half answers."""
    teacher = Teacher(ws_url, source_of(students) if sources else None)
    code = await teacher.start()
    await teacher.pose()
    rng = random.Random(7)
    group = [Student(k, a, Visitor(ws_url, page="class", source=source_of(k) if sources else None, timeout=60))
             for k, a in enumerate(_answers(students, rng))]
    first, second = group[: students // 2], group[students // 2:]
    stop, now1, now2 = asyncio.Event(), asyncio.Event(), asyncio.Event()
    tabs = {s.k: asyncio.create_task(attend(s, code, stop, (0, 0), rng, now1 if s in first else now2))
            for s in group}
    await asyncio.sleep(POLL_S + 1)
    now1.set()
    await _until(lambda: all(s.acked or s.failures for s in first), 30)
    before = store_tally(redis_url, code, teacher.key)
    restarted = replicas[0]
    restart_s = await asyncio.to_thread(restarted.restart)
    await asyncio.sleep(POLL_S + 1)  # every tab polls at least once: the dropped ones fail
    dropped = [s for s in group if s.failures or tabs[s.k].done()]
    for s in dropped:  # the browser reconnects: a new WebSocket through nginx, its address run again (a new session)
        tabs[s.k].cancel()
        s.failures.clear()
        s.reconnects += 1
        await s.visitor.close()
        s.visitor = Visitor(ws_url, s.visitor.query_string, page="class", source=s.visitor.source, timeout=60)
        s.asked_at = None
        tabs[s.k] = asyncio.create_task(attend(s, code, stop, (0, 0), rng, now2 if s in second else asyncio.Event()))
    await asyncio.sleep(POLL_S + 1)
    now2.set()
    await _until(lambda: all(s.acked or s.failures for s in second), 90)
    await teacher.reopen()  # the teacher's tab: its link opened again if its replica went away (harmless if not)
    final_view = await teacher.visitor.tick(next(iter(teacher.visitor.timers)))
    found = COUNT.search(final_view.text)
    after = store_tally(redis_url, code, teacher.key)
    stop.set()
    await asyncio.gather(*tabs.values(), return_exceptions=True)
    for s in group:
        await s.visitor.close()
    await teacher.visitor.close()
    acked_first = sum(1 for s in first if s.acked)
    acked = sum(1 for s in group if s.acked)
    return {"students": students, "restart_s": round(restart_s, 1), "replica_port": restarted.port,
            "answered_before_restart": acked_first, "tally_before_restart": before, "reconnected": len(dropped),
            "answered_in_all": acked, "tally_after": after,
            "teacher_view_after": {"answered": int(found[1]), "joined": int(found[2])} if found else None,
            "failures": [f"student {s.k}: {f}" for s in group for f in s.failures][:6]}


async def _until(done, most_s: float) -> None:
    deadline = time.perf_counter() + most_s
    while not done() and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)


async def redis_down_scenario(ws_url: str, redis: Redis, sources: bool) -> dict:
    """Redis stopped: the class page says so, the playground answers; Redis back: the class works again."""
    src = (lambda k: source_of(k)) if sources else (lambda k: None)
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
        tally = await teacher.visitor.tick(next(iter(teacher.visitor.timers)))
        seen["teacher_view_refresh"] = {"ok": tally.ok, "message": UNAVAILABLE in tally.text,
                                        "errors": tally.errors[:2]}
        flip = await player.set(return_state=True)
        seen["playground_change_ok"] = flip.ok and flip.elements["plotly_chart"] > 0
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


def verdicts(results: dict) -> dict[str, bool]:
    checks = {}
    for name, r in results.items():
        if name.startswith("class"):
            n, ack, lag = r["answers_sent"], r["ack"], r["teacher_lag"]
            checks[f"{name}: answer acknowledged p95 <= 1 s"] = ack.get("p95_ms", 1e9) <= 1000 * TARGETS["ack_p95_s"]
            checks[f"{name}: teacher's count within 2 s of each answer (max)"] = \
                lag.get("max_ms", 1e9) <= 1000 * TARGETS["teacher_lag_s"]
            counted = r["teacher_final"]["answered"] == n == r["answers_acknowledged"] == r["students"]
            if r["store_tally"] is not None:
                t = r["store_tally"]
                counted &= t["answered"] == n and t["counts"].get(RIGHT, 0) == r["right"] and \
                    t["counts"].get(WRONG, 0) == r["wrong"]
            checks[f"{name}: every answer counted exactly once"] = counted
            checks[f"{name}: no failures"] = r["failures"] == 0
        elif name.startswith("restart"):
            t = r["tally_after"] or {}
            checks[f"{name}: answers before and after the restart all counted"] = (
                r["answered_in_all"] == r["students"] and t.get("answered") == r["students"]
                and (r["tally_before_restart"] or {}).get("answered") == r["answered_before_restart"]
                and (r["teacher_view_after"] or {}).get("answered") == r["students"])
        elif name.startswith("redis-down"):
            checks[f"{name}: the class page says the sessions cannot be reached"] = r["class_page_message"]
            checks[f"{name}: pages already open say so too (no error box)"] = (
                r["open_tab_poll"]["message"] and r["teacher_view_refresh"]["message"])
            checks[f"{name}: the playground keeps working"] = r["playground_change_ok"]
            checks[f"{name}: works again when Redis is back (page, answer counted)"] = (
                r["class_page_back"] and r["answer_after_back"] and (r["tally_after_back"] or {}).get("answered") == 1)
    return checks


def _parser() -> argparse.ArgumentParser:
    from benchmarks.__main__ import _bounded

    parser = argparse.ArgumentParser(prog="python -m benchmarks.live", description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=_bounded(int, 1, 300), default=60, help="students in the class (60)")
    parser.add_argument("--ramp", type=_bounded(float, 0, 120), default=10.0, help="seconds over which they join (10)")
    parser.add_argument("--idle-students", type=_bounded(int, 1, 300), default=None,
                        help="idle: students with the page open (default: --students)")
    parser.add_argument("--idle-seconds", type=_bounded(float, 5, 600), default=30.0, help="idle: seconds measured (30)")
    parser.add_argument("--fault-students", type=_bounded(int, 2, 300), default=20, help="restart: students (20)")
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


async def _run(args, ws_url: str, pids: list[int], replicas: list[Replica], redis: Redis | None) -> dict:
    for address in args.warm or [ws_url]:
        await warm(ws_url_of(address) if address.startswith("http") else address)
    await settled(ServerSampler(pids))
    results: dict = {}
    suffix = f"_{args.label}" if args.label else ""
    for name in args.only or (("class", "idle", "restart", "redis-down") if redis else ("class", "idle")):
        load_before = os.getloadavg()
        if name == "class":
            r = await class_session(ws_url, pids, args.students, args.ramp, redis and redis.url, args.sources)
        elif name == "idle":
            r = await idle(ws_url, pids, args.idle_students or args.students, args.idle_seconds, args.sources,
                           args.ramp)
        elif name == "restart":
            if not (redis and replicas):
                raise SystemExit("benchmarks.live: restart needs Redis and a replica (--store redis, or --replicas)")
            r = await restart_scenario(ws_url, replicas, redis.url, args.fault_students, args.sources)
            pids[:] = [rep.current_pid() for rep in replicas]
        else:
            if not redis:
                raise SystemExit("benchmarks.live: redis-down needs Redis (--store redis, or --redis)")
            r = await redis_down_scenario(ws_url, redis, args.sources)
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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        pids = [int(p) for p in args.pids.split(",") if p.strip()]
        replicas = [Replica(int(port), int(pid)) for port, pid in
                    (item.split(":") for item in args.replicas.split(",") if item.strip())]
    except ValueError:
        print("benchmarks.live: --pids must be process ids, --replicas PORT:PID pairs", file=sys.stderr)
        return 2
    if args.url and not pids:
        print("benchmarks.live: --url needs --pids (the server processes to sample)", file=sys.stderr)
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    redis = None
    try:
        if args.url:
            redis = Redis(args.redis) if args.redis else None
            results = asyncio.run(_run(args, ws_url_of(args.url), pids, replicas, redis))
            for rep in replicas:
                rep.stop_own()
        else:
            if args.store == "redis":
                redis = Redis()
                os.environ["RNNLAB_CLASS_STORE"] = redis.url
            else:
                os.environ["RNNLAB_CLASS_STORE"] = "memory"
            server = StreamlitServer().start()
            replica = Replica(server.port, server=server)
            try:
                server.wait_healthy(timeout=120)
                results = asyncio.run(_run(args, server.ws_url, [server.process.pid], [replica], redis))
            finally:
                replica.stop_own()
    finally:
        if redis:
            redis.close()
    checks = verdicts(results)
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(saved | results | {"machine": machine(), "verdicts": saved.get("verdicts", {}) | checks},
                                  indent=1))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
