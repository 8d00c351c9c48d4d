"""One client floods the live class sessions while a real student and a real teacher use them (127.0.0.1 only;
every loop bounded by its count).

    python -m benchmarks.flood                      # a fresh local server, class store in memory
    python -m benchmarks.flood --store redis        # ... with a redis-server of its own
    python -m benchmarks.flood --joins 300 --starts 120 --guesses 300

The server is warmed first (a session, a question, one answer: the question's Keras model built). The flooding client speaks Streamlit's own protocol (`streamlit_client.Visitor`) from one local address and sends
no cookie, so every WebSocket session it opens is a new "browser": only the bounds per address hold it. The real
teacher and the real student come from addresses of their own (127.0.x.y, as different machines would), each
with a browser's cookie.

- joins: a teacher has posed a question; the flooder opens the class page --joins times (a new session each,
  CONCURRENCY at a time). Halfway through, a real student opens the page and answers. Measured: seats the flood
  took and what it was told after; the student's time from opening the page to "Your answer is in".
- starts: the flooder presses "Start a class session" --starts times, each from a new session. Halfway through,
  a real teacher starts one. Measured: sessions the flood got; the teacher's time to the teacher's view.
- guesses: the flooder types --guesses random join codes into the join box (CONCURRENCY sessions at once).
  Halfway through, a real student joins with the real code. Measured: guesses per second, how many were answered
  "no such session" (each one a code learnt dead) before every answer became "too many tried".
Results: printed, and written to results/flood-<store>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

from benchmarks.args import bounded
from benchmarks.live import QUERY, RIGHT, Redis, Teacher, warm
from benchmarks.report import machine
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import Visitor, browser_cookie

RESULTS = Path(__file__).resolve().parent / "results" / "flood-{store}.json"
FLOODER, STUDENT, TEACHER, HOST = "127.0.0.2", "127.0.3.1", "127.0.4.1", "127.0.5.1"
CALM_STUDENT, CALM_TEACHER = "127.0.3.2", "127.0.4.2"  # the same, before the flood (for comparison)
CONCURRENCY = 16
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACK = "Your answer is in"
TARGET_S = 2.0  # a real student joins and answers within this, a real teacher gets the teacher's view


def _said(text: str) -> str:
    """What one flooding request was told, in one word."""
    for word, needle in (("slowed", "Too many join codes"), ("refused-address", "from this network"),
                         ("full", "is full"), ("refused-starts", "as many as it may"),
                         ("dead", "There is no class session"), ("teacher", "Class session"),
                         ("seated", "This page follows the teacher")):
        if needle in text:
            return word
    return "other"


async def _bounded(count: int, one) -> list[str]:
    """`one(i)` for i < count, CONCURRENCY at a time; what each was told."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def run(i: int) -> str:
        async with gate:
            try:
                return await one(i)
            except Exception as err:  # a refused or dropped connection is an outcome too
                return f"error:{type(err).__name__}"
    return await asyncio.gather(*(run(i) for i in range(count)))


def _tally(said: list[str]) -> dict[str, int]:
    return {w: said.count(w) for w in sorted(set(said))}


async def real_student(ws_url: str, code: str, source: str = STUDENT) -> dict:
    """A student opens the join link and answers once the question is on the page: seconds to the ack."""
    began = time.perf_counter()
    async with Visitor(ws_url, page="class", source=source, timeout=60, cookie=browser_cookie()) as v:
        opened = await v.load(f"code={code}")
        if "Your answer" not in v.widgets:
            return {"ok": False, "told": _said(opened.text), "seconds": time.perf_counter() - began}
        acked = await v.submit("Send my answer", **{"Your answer": RIGHT})
        return {"ok": ACK in acked.text, "seconds": round(time.perf_counter() - began, 3),
                "open_s": round(opened.seconds, 3), "answer_s": round(acked.seconds, 3)}


async def real_teacher(ws_url: str, source: str = TEACHER) -> dict:
    began = time.perf_counter()
    teacher = Teacher(ws_url, source=source)
    try:
        await teacher.start()
        return {"ok": bool(teacher.code and teacher.key), "seconds": round(time.perf_counter() - began, 3)}
    except RuntimeError as err:
        return {"ok": False, "error": str(err)[:200], "seconds": round(time.perf_counter() - began, 3)}
    finally:
        await teacher.visitor.close()


async def _meanwhile(flood, count: int, real) -> tuple[list[str], float, dict]:
    """The flood of `count`, and the real visitor once half of it has been sent."""
    half = asyncio.Event()

    async def one(i: int) -> str:
        if i == count // 2:
            half.set()
        return await flood(i)

    async def later() -> dict:
        await half.wait()
        return await real()

    began = time.perf_counter()
    said, seen = await asyncio.gather(_bounded(count, one), later())
    return said, time.perf_counter() - began, seen


async def joins(ws_url: str, count: int) -> dict:
    host = Teacher(ws_url, source=HOST)
    code = await host.start()
    await host.pose(QUERY)
    calm = await real_student(ws_url, code, CALM_STUDENT)

    async def flood(_: int) -> str:
        async with Visitor(ws_url, page="class", source=FLOODER, timeout=60) as v:
            return _said((await v.load(f"code={code}")).text)

    said, wall, student = await _meanwhile(flood, count, lambda: real_student(ws_url, code))
    await host.visitor.close()
    return {"attempts": count, "wall_s": round(wall, 2), "told": _tally(said), "real_student": student,
            "real_student_before": calm}


async def starts(ws_url: str, count: int) -> dict:
    calm = await real_teacher(ws_url, CALM_TEACHER)

    async def flood(_: int) -> str:
        async with Visitor(ws_url, page="classroom", source=FLOODER, timeout=60) as v:
            await v.load()
            return _said((await v.click("Start a class session")).text)

    said, wall, teacher = await _meanwhile(flood, count, lambda: real_teacher(ws_url))
    return {"attempts": count, "wall_s": round(wall, 2), "told": _tally(said), "real_teacher": teacher,
            "real_teacher_before": calm}


async def guesses(ws_url: str, count: int, seed: int = 0) -> dict:
    host = Teacher(ws_url, source=HOST)
    code = await host.start()
    await host.pose(QUERY)
    rng = random.Random(seed)
    codes = ["".join(rng.choice(ALPHABET) for _ in range(6)) for _ in range(count)]
    tabs = [Visitor(ws_url, page="class", source=FLOODER, timeout=60) for _ in range(CONCURRENCY)]
    for tab in tabs:
        await tab.connect()
        await tab.load("")
    free = asyncio.Queue()
    for tab in tabs:
        free.put_nowait(tab)

    async def flood(i: int) -> str:
        tab = await free.get()
        try:
            told = _said((await tab.submit("Join", **{"Join code": codes[i]})).text)
            if told != "slowed" and told != "dead":  # the form is gone (a page drawn for a code): back to it
                await tab.load("")
            return told
        finally:
            free.put_nowait(tab)

    said, wall, student = await _meanwhile(flood, count, lambda: real_student(ws_url, code))
    for tab in tabs:
        await tab.close()
    await host.visitor.close()
    return {"attempts": count, "wall_s": round(wall, 2), "per_s": round(count / wall, 1), "told": _tally(said),
            "real_student": student}


async def _run(ws_url: str, args) -> dict:
    began = time.perf_counter()
    await warm(ws_url)  # the question's first grading builds its Keras model: once, before any flood
    print(f"warmed in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return {"joins": await joins(ws_url, args.joins), "starts": await starts(ws_url, args.starts),
            "guesses": await guesses(ws_url, args.guesses)}


def verdicts(results: dict) -> dict[str, bool]:
    j, s, g = results["joins"], results["starts"], results["guesses"]
    return {
        "a real student joins and answers within 2 s during a join flood":
            j["real_student"]["ok"] and j["real_student"]["seconds"] <= TARGET_S,
        "a real teacher starts a session within 2 s during a start flood":
            s["real_teacher"]["ok"] and s["real_teacher"]["seconds"] <= TARGET_S,
        "a real student joins and answers within 2 s during code guessing":
            g["real_student"]["ok"] and g["real_student"]["seconds"] <= TARGET_S,
        # the bound is checked before a failure is counted: requests in flight together may pass it by a few
        "the guesser learns at most 100 (+ requests in flight) dead codes":
            g["told"].get("dead", 0) <= 100 + CONCURRENCY,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.flood", description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=("memory", "redis"), default="memory")
    parser.add_argument("--joins", type=bounded(int, 0, 2000), default=300)
    parser.add_argument("--starts", type=bounded(int, 0, 2000), default=120)
    parser.add_argument("--guesses", type=bounded(int, 0, 2000), default=300)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    redis = Redis() if args.store == "redis" else None
    os.environ["RNNLAB_CLASS_STORE"] = redis.url if redis else "memory"
    server = StreamlitServer().start()
    try:
        server.wait_healthy(timeout=120)
        results = asyncio.run(_run(server.ws_url, args)) | {"store": args.store, "machine": machine()}
    finally:
        server.stop()
        if redis:
            redis.close()
    checks = verdicts(results)
    print(json.dumps(results, indent=1))
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    out = Path(str(RESULTS).format(store=args.store))
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results | {"verdicts": checks}, indent=1))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
