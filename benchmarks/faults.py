"""Floods and faults: what one hostile or unlucky visitor can do to everybody else, on a real server.

    python -m benchmarks.faults [doctor] [memory] [flood] [kill] [stop] [hog] [recycle] [static] [tabs]
    (default: all)

- doctor: one visitor explores the playground (a random `units` 1-128 or a return_state flip every 0.5 s),
  first alone, then while another visitor diagnoses the largest model the doctor accepts, again and again.
  The explorer's median must stay within 0.5 s of its idle median; every diagnosis ends (a diagnosis or a
  plain message) within 10 s; the server (with its workers) grows at most 500 MB meanwhile.
- memory: DIAGNOSES distinct diagnoses in a row; the server's memory (with its workers) after the first
  WARM_UP ones must grow at most 200 MB.
- flood: FLOOD sessions each press Train on a model of their own and vanish. 15 s later no training may
  run (the training process's CPU over the next 5 s), and a fresh visitor's training starts at once.
- kill: the processes computing a visitor's answer (playground, doctor, training) are killed in turn; that
  visitor gets a plain message, the next request is answered, another visitor's changes go on meanwhile.
- stop: SIGTERM to a server with trainings queued: seconds to exit, tracebacks in its log.
- hog: one session asks for HOG distinct heavy configurations in HOG_S seconds without waiting for any, then
  disconnects, while another visitor explores; that visitor's p95 must stay within 0.5 s of its idle p95.
- recycle: RECYCLE distinct configurations through the playground, then two quiet minutes: every playground
  worker must be back within 150 MB of its warm size (RSS, USS and PSS per process written down).
- static: STATIC_REQUESTS requests for plotly.js at the address the page asks for, half as a first visit does
  (Accept-Encoding gzip), half as a returning browser does (its ETag), over 8 connections in 20 s (as fast as
  the server answers, if slower), while another visitor explores the playground. The server process's CPU
  meanwhile must stay under 5 s, and that visitor's median change within 0.1 s of its idle median.
- tabs: TABS tabs of one browser (one cookie) each press Train on a model of their own, then keep pressing
  (another tab every 1.5 s, new data each time) while a fresh visitor (a browser of its own) trains. The queue
  holds at most one training of theirs, and the fresh visitor's Train -> results stays within 10 s of the same
  on an idle server.
- footprint: the whole server's memory (its process and every worker: PSS, shared pages counted once; RSS and
  USS too) at rest after the first page, then while FOOTPRINT_CONFIGS distinct configurations, as many
  diagnoses and FOOTPRINT_TRAININGS trainings go through it one after another (sampled every second), and
  after QUIET_AFTER_S of quiet. Targets: at rest and after the quiet <= 1 GB PSS, never above 2 GB.
Results: printed, and written to results/faults.json.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import signal
import statistics
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from benchmarks.args import bounded
from benchmarks.load import ServerSampler, family
from benchmarks.report import machine, summary
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import Visitor
from ui.controls import group_key

RESULTS = Path(__file__).resolve().parent / "results" / "faults.json"
SCENARIOS = ("doctor", "memory", "flood", "kill", "stop", "hog", "recycle", "static", "tabs", "footprint")
# The probe's slowest paste: three such layers ran past 5 minutes in the server before the doctor had limits.
WORST = ("model = keras.Sequential([keras.layers.Reshape((1024, 1024)), "
         "keras.layers.LSTM(1024, return_sequences=True), keras.layers.LSTM(1024, return_sequences=True), "
         "keras.layers.LSTM(1024), keras.layers.Dense(1)])", "4,1024,1024", "4,1")
DIAGNOSES, WARM_UP = 500, 50
FLOOD = 120
FIRST_VISIT = "return_sequences=true&head=dense&head_units=1"  # the Train page's first model (ui.train_view)
HOG, HOG_S = 200, 20.0
HEAVY = "units={units}&timesteps=390&batch=10&depth=3&return_sequences=true&inner_return_sequences=true&seed={seed}"
RECYCLE, QUIET_S = 500, 120
STATIC_REQUESTS, TABS = 2000, 12
FOOTPRINT_CONFIGS, FOOTPRINT_TRAININGS, QUIET_AFTER_S = 500, 20, 60.0
TARGETS = {"doctor_slowdown_s": 0.5, "diagnosis_s": 10.0, "doctor_growth_mb": 500.0, "memory_growth_mb": 200.0,
           "flood_running_after_15_s": 0, "stop_s": 10.0, "static_cpu_s": 5.0, "static_slowdown_s": 0.1,
           "tabs_fresh_slowdown_s": 10.0, "hog_slowdown_p95_s": 0.5, "recycle_back_within_mb": 150.0,
           "footprint_rest_pss_mb": 1024.0, "footprint_peak_pss_mb": 2048.0}


def _page(url: str, page: str, query: str = "", cookie: str = "") -> Visitor:
    from streamlit.util import calc_hash

    from benchmarks.train import TrainVisitor

    visitor = (TrainVisitor if page == "train" else Visitor)(url, query_string=query, timeout=120, cookie=cookie)
    visitor.page_script_hash = calc_hash(page) if page else ""
    return visitor


async def _diagnose(doctor: Visitor, code: str, x: str, y: str) -> tuple[float, bool]:
    """One diagnosis through the doctor's form: (seconds to the page's answer, whether it ended in a message)."""
    for name, value in (("doctor_code", code), ("doctor_x", x), ("doctor_y", y)):
        doctor.values[doctor.widget(name).id] = value
    doctor.values.pop(doctor.widget("doctor_example").id, None)  # the page names no example after a paste
    result = await doctor.click("Diagnose")
    return result.seconds, result.ok


async def _explore(player: Visitor, until: asyncio.Event | None, count: int, rng: random.Random) -> list[float]:
    """Changes 0.5 s apart, units at random or return_state flipped; `count` of them or until `until`."""
    seconds, state = [], False
    for k in range(count):
        if until is not None and until.is_set():
            break
        await asyncio.sleep(0.5)
        if k % 2:
            state = not state
            change = {"return_state": state}
        else:
            change = {"units": rng.randint(1, 128)}
        seconds.append((await player.set(**change)).seconds)
    return seconds


async def doctor_scenario(server: StreamlitServer, rounds: int = 6) -> dict:
    rng = random.Random(1)
    sampler = ServerSampler([server.process.pid])
    async with _page(server.ws_url, "") as player, _page(server.ws_url, "doctor") as doctor:
        await player.load()
        await doctor.load()
        await _diagnose(doctor, "model = keras.Sequential([keras.layers.LSTM(4)])", "8,5,2", "8,4")  # warm
        idle = await _explore(player, None, 30, rng)
        before = sampler.rss()
        sampler.start()
        done = asyncio.Event()

        async def paste() -> list[float]:
            times = []
            for n in range(rounds):
                code = WORST[0].replace("LSTM(1024)", f"LSTM({1024 - n})")  # never the cached answer
                times.append((await _diagnose(doctor, code, *WORST[1:]))[0])
            done.set()
            return times

        diagnoses, busy = await asyncio.gather(paste(), _explore(player, done, 10_000, rng))
        await sampler.stop()
    return {"idle": summary(idle), "busy": summary(busy), "diagnoses_s": diagnoses,
            "slowdown_s": statistics.median(busy) - statistics.median(idle),
            "growth_mb": max(sampler.rss_mb) - before}


def _distinct_paste(n: int) -> tuple[str, str, str]:
    """The n-th of a series of distinct pastes to diagnose: (code, X shape, y shape)."""
    code = f"model = keras.Sequential([keras.layers.LSTM({1 + n % 97}, return_sequences=True), keras.layers.Dense(1)])"
    return code, f"16,{2 + n // 97},3", "16,1"


async def memory_scenario(server: StreamlitServer, count: int = DIAGNOSES) -> dict:
    sampler = ServerSampler([server.process.pid])
    rss, seconds = [], []
    async with _page(server.ws_url, "doctor") as doctor:
        await doctor.load()
        for n in range(count):
            seconds.append((await _diagnose(doctor, *_distinct_paste(n)))[0])
            rss.append(sampler.rss())
    return {"diagnoses": count, "rss_mb_after_warm_up": rss[WARM_UP - 1], "rss_mb_end": rss[-1],
            "rss_mb_max_after_warm_up": max(rss[WARM_UP:]), "growth_mb": max(rss[WARM_UP:]) - rss[WARM_UP - 1],
            "seconds": summary(seconds), "rss_mb_every_50": rss[::50]}


def _training_pids(server: StreamlitServer, engine_pids: set[int]) -> list[int]:
    return [pid for pid in family(server.process.pid) if pid != server.process.pid and pid not in engine_pids]


async def flood_scenario(server: StreamlitServer, sessions: int = FLOOD) -> dict:
    base = dict(parse_qsl(FIRST_VISIT))
    sampler = ServerSampler([server.process.pid])
    async with _page(server.ws_url, "") as player:
        await player.load()  # every engine worker is up: the processes started later train
    engine_pids = set(family(server.process.pid))
    for k in range(sessions):
        async with _page(server.ws_url, "train", urlencode(base | {"seed": str(1000 + k)})) as visitor:
            await visitor.load()
            await visitor.click("train-start")
    gone = time.monotonic()
    await asyncio.sleep(15)
    cpu_before = sum(_cpu(pid) for pid in _training_pids(server, engine_pids))
    await asyncio.sleep(5)
    cpu_after = sum(_cpu(pid) for pid in _training_pids(server, engine_pids))
    fresh_query = urlencode(base | {"seed": "99999"})
    async with _page(server.ws_url, "train", fresh_query) as fresh:
        await fresh.load()
        fresh_s = await _train_to_results(fresh)
    return {"sessions": sessions, "seconds_after_the_last_left": round(time.monotonic() - gone, 1),
            "training_cpu_s_from_15_to_20_s": round(cpu_after - cpu_before, 2),
            "fresh_visitor_train_to_results_s": round(fresh_s, 1), "server_rss_mb": round(sampler.rss())}


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields after the command's name (state first); [] once the process has gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return []


def _cpu(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / 100 if fields else 0.0


def _nice(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[16]) if fields else None


def _parent(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def _workers(server: StreamlitServer, nice: int) -> set[int]:
    """The server's worker processes at this priority (the engine's, the doctor's and the training's differ):
    forked from its fork server, so not the server's own children (the fork server, the resource tracker)."""
    pids = family(server.process.pid)
    return {pid for pid in pids if _parent(pid) not in (None, server.process.pid) and _nice(pid) == nice}


def _busiest(pids: set[int], seconds: float = 0.3) -> int:
    """The process among `pids` that used the most CPU over the next `seconds`."""
    before = {pid: _cpu(pid) for pid in pids}
    time.sleep(seconds)
    return max(pids, key=lambda pid: _cpu(pid) - before[pid])


async def kill_scenario(server: StreamlitServer) -> dict:
    """Kill the worker computing one visitor's playground answer, then the doctor's under a diagnosis: what
    that visitor sees, whether the next request is answered, and another explorer's changes meanwhile."""
    seen = {}
    async with _page(server.ws_url, "") as victim, _page(server.ws_url, "") as other, \
            _page(server.ws_url, "doctor") as doctor:
        for visitor in (victim, other, doctor):
            await visitor.load()
        await victim.set(**{group_key("structure"): True})  # the stacks' controls are drawn while their group is open
        await _diagnose(doctor, "model = keras.Sequential([keras.layers.LSTM(4)])", "8,5,2", "8,4")
        from rnnlab.engine import DOCTOR, NICE

        others = asyncio.create_task(_explore(other, None, 20, random.Random(2)))

        async def kill_busiest() -> None:
            await asyncio.sleep(0.2)
            os.kill(await asyncio.to_thread(_busiest, _workers(server, NICE)), signal.SIGKILL)

        heavy = victim.set(units=512, timesteps=390, batch=10, depth=3, return_sequences=True,
                           inner_return_sequences=True)  # among the slowest answers the playground accepts
        result, _ = await asyncio.gather(heavy, kill_busiest())
        seen["playground_after_kill"] = {"ok": result.ok, "alerts": result.elements["alert"],
                                         "told_lost": "could not be computed" in result.text,
                                         "retry_button": "Try again" in victim.widgets}
        seen["playground_next_ok"] = (await victim.set(units=5, timesteps=10, batch=32, depth=1)).ok
        pasted = asyncio.create_task(_diagnose(doctor, WORST[0], *WORST[1:]))
        await asyncio.sleep(1.5)
        for pid in _workers(server, DOCTOR.nice):
            os.kill(pid, signal.SIGKILL)
        seen["doctor_killed_answer_s"] = (await pasted)[0]
        seen["doctor_next_s"] = (await _diagnose(doctor, "model = keras.Sequential([keras.layers.GRU(5)])",
                                                 "8,5,2", "8,5"))[0]
        seen["other_visitor_changes"] = summary(await others)
    return seen


async def stop_scenario(server: StreamlitServer, queued: int = 4) -> dict:
    base = dict(parse_qsl(FIRST_VISIT))
    visitors = [_page(server.ws_url, "train", urlencode(base | {"seed": str(500 + k), "epochs": "50"}))
                for k in range(queued)]
    for visitor in visitors:
        await visitor.load()
        await visitor.click("train-start")
    began = time.perf_counter()
    server.process.send_signal(signal.SIGTERM)
    while server.process.poll() is None and time.perf_counter() - began < 120:
        await asyncio.sleep(0.05)
    seconds = time.perf_counter() - began
    for visitor in visitors:
        try:
            await visitor.close()
        except Exception:  # the server has gone
            pass
    return {"queued_or_running": queued, "stop_s": round(seconds, 2),
            "tracebacks_in_log": server.log_tail(100_000).count("Traceback")}


async def hog_scenario(server: StreamlitServer, count: int = HOG) -> dict:
    rng = random.Random(3)
    async with _page(server.ws_url, "") as player, _page(server.ws_url, "") as hog:
        await player.load()
        await hog.load()
        idle = await _explore(player, None, 30, rng)
        done = asyncio.Event()

        async def flood() -> float:
            began = time.perf_counter()
            for k in range(count):
                await hog.fire(HEAVY.format(units=512 - k % 100, seed=k))
                await asyncio.sleep(HOG_S / count)
            await hog.close()  # and goes away without waiting for anything
            left = time.perf_counter() - began
            await asyncio.sleep(15)  # what it left behind would still be computed now
            done.set()
            return left

        flooded_s, busy = await asyncio.gather(flood(), _explore(player, done, 10_000, rng))
    idle_p95, busy_p95 = summary(idle)["p95_ms"] / 1000, summary(busy)["p95_ms"] / 1000
    return {"asked": count, "asked_in_s": round(flooded_s, 1), "idle": summary(idle), "busy": summary(busy),
            "worst_s": round(max(busy), 2), "slowdown_p95_s": round(busy_p95 - idle_p95, 3)}


def _memory(pid: int) -> dict:
    """A process's RSS, USS and PSS in MB (/proc/<pid>/smaps_rollup)."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value, *_ = line.split()
            fields[name.rstrip(":")] = int(value) / 1024
    except (OSError, ValueError):
        return {}
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss_mb": round(fields.get("Rss", 0)), "uss_mb": round(uss), "pss_mb": round(fields.get("Pss", 0))}


def _distinct(rng: random.Random, k: int) -> str:
    """A configuration nobody asked for before: every layer kind, stack, wrapper and head, lengths 2-200."""
    return urlencode({"layer": rng.choice(("lstm", "gru", "simple_rnn")), "units": rng.randint(1, 256),
                      "timesteps": rng.randint(2, 200), "features": rng.randint(1, 16), "depth": rng.randint(1, 3),
                      "bidirectional": rng.choice(("true", "false")), "return_sequences": rng.choice(("true", "false")),
                      "head": rng.choice(("none", "dense")), "seed": k})


async def recycle_scenario(server: StreamlitServer, count: int = RECYCLE) -> dict:
    from rnnlab.engine import NICE

    async with _page(server.ws_url, "") as player:
        await player.load()
        warm = {pid: _memory(pid) for pid in _workers(server, NICE)}
        rng = random.Random(4)
        for k in range(count):
            await player.load(_distinct(rng, k))
        busy = {pid: _memory(pid) for pid in _workers(server, NICE)}
        await asyncio.sleep(QUIET_S)
        quiet = {pid: _memory(pid) for pid in _workers(server, NICE)}
    warm_rss = max(m["rss_mb"] for m in warm.values())
    return {"configurations": count, "quiet_s": QUIET_S, "warm": warm, "after_the_configurations": busy,
            "after_quiet": quiet, "worst_above_warm_mb": max(m["rss_mb"] for m in quiet.values()) - warm_rss}


def _footprint(server: StreamlitServer) -> dict:
    """The server process and all its workers: each one's memory, and their sums (MB)."""
    each = {pid: _memory(pid) for pid in family(server.process.pid)}
    each = {pid: m for pid, m in each.items() if m}
    total = {name: sum(m[name] for m in each.values()) for name in ("rss_mb", "uss_mb", "pss_mb")}
    return total | {"processes": len(each), "each": each}


async def _sample(server: StreamlitServer, every_s: float, into: list[int], until: asyncio.Event) -> None:
    while not until.is_set():
        into.append(_footprint(server)["pss_mb"])
        await asyncio.sleep(every_s)


async def footprint_scenario(server: StreamlitServer, count: int = FOOTPRINT_CONFIGS,
                             trainings: int = FOOTPRINT_TRAININGS) -> dict:
    """Memory at rest after the first page, on the way through a class's worth of work, and after a quiet."""
    async with _page(server.ws_url, "") as player:
        await player.load()
        await asyncio.sleep(10)  # the first page's confirmation and the workers' warm-up settle
        rest = _footprint(server)
        samples: list[int] = []
        done = asyncio.Event()
        sampler = asyncio.create_task(_sample(server, 1.0, samples, done))
        rng = random.Random(5)
        for k in range(count):
            await player.load(_distinct(rng, k))
    print("footprint: at rest", rest["pss_mb"], "MB PSS; after the configurations", _footprint(server)["pss_mb"],
          flush=True)
    async with _page(server.ws_url, "doctor") as doctor:
        await doctor.load()
        for n in range(count):
            await _diagnose(doctor, *_distinct_paste(n))
    print("footprint: after the diagnoses", _footprint(server)["pss_mb"], "MB PSS", flush=True)
    base = dict(parse_qsl(FIRST_VISIT))
    for k in range(trainings):
        async with _page(server.ws_url, "train", urlencode(base | {"seed": str(5000 + k)})) as visitor:
            await visitor.load()
            await _train_to_results(visitor)
    busy = _footprint(server)
    await asyncio.sleep(QUIET_AFTER_S)
    done.set()
    await sampler
    quiet = _footprint(server)
    return {"configurations": count, "diagnoses": count, "trainings": trainings, "at_rest": rest,
            "after_the_work": busy, "after_quiet": quiet, "quiet_s": QUIET_AFTER_S, "peak_pss_mb": max(samples),
            "pss_mb_every_30_s": samples[::30]}


def _browser_cookie(server: StreamlitServer) -> str:
    """The cookie a browser is given on its first request (Streamlit's XSRF token), which all its tabs send."""
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as reply:
        return reply.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]


def _fetch(server: StreamlitServer, path: str, count: int, headers: dict,
           over_s: float = 0.0) -> list[tuple[int, int, str]]:
    """`count` GETs of `path` on one kept-alive connection, spread evenly over `over_s` seconds: (status, body
    bytes, ETag) of each."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    seen, began = [], time.perf_counter()
    for k in range(count):
        time.sleep(max(0.0, k * over_s / count - (time.perf_counter() - began)))
        connection.request("GET", path, headers=headers)
        reply = connection.getresponse()
        seen.append((reply.status, len(reply.read()), reply.getheader("ETag") or ""))
    connection.close()
    return seen


async def static_scenario(server: StreamlitServer, requests: int = STATIC_REQUESTS, path: str = "",
                          connections: int = 8, over_s: float = 20.0) -> dict:
    """plotly.js asked for again and again, as first visits and as returning browsers, while another visitor
    explores the playground: the server process's CPU, the explorer's changes."""
    from ui.plot.script import ADDRESS

    path = path or "/" + ADDRESS
    first = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept": "*/*"}
    etag = (await asyncio.to_thread(_fetch, server, path, 1, first))[0][2]
    returning = first | ({"If-None-Match": etag} if etag else {})
    async with _page(server.ws_url, "") as player:
        await player.load()
        idle = await _explore(player, None, 30, random.Random(3))
        done = asyncio.Event()
        cpu_before, began = _cpu(server.process.pid), time.perf_counter()

        async def flood() -> list[tuple[int, int, str]]:
            each = requests // connections
            batches = await asyncio.gather(*(asyncio.to_thread(_fetch, server, path, each,
                                                               first if k % 2 else returning, over_s)
                                             for k in range(connections)))
            done.set()
            return [seen for batch in batches for seen in batch]

        seen, busy = await asyncio.gather(flood(), _explore(player, done, 10_000, random.Random(4)))
        seconds, cpu = time.perf_counter() - began, _cpu(server.process.pid) - cpu_before
    return {"path": path, "requests": len(seen), "seconds": round(seconds, 1), "server_cpu_s": round(cpu, 2),
            "statuses": dict(Counter(status for status, _, _ in seen)),
            "mb_sent": round(sum(size for _, size, _ in seen) / 2**20), "idle": summary(idle), "busy": summary(busy),
            "slowdown_s": round(statistics.median(busy) - statistics.median(idle), 3)}


async def _train_to_results(visitor: Visitor, limit: float = 300) -> float:
    """Press Train and poll the progress as the page does, until the results are drawn: seconds."""
    pressed = time.perf_counter()
    await visitor.click("train-start")
    while "train_sample" not in visitor.widgets and time.perf_counter() - pressed < limit:
        await asyncio.sleep(0.5)
        fragment = visitor.widget("train-stop").fragment_id if "train-stop" in visitor.widgets else ""
        await visitor.rerun(fragment_id=fragment)
    return time.perf_counter() - pressed


async def tabs_scenario(server: StreamlitServer, tabs: int = TABS) -> dict:
    """One person's tabs pressing Train over and over, and a fresh visitor's Train meanwhile."""
    base = dict(parse_qsl(FIRST_VISIT))
    async with _page(server.ws_url, "train", urlencode(base | {"seed": "77777"}),
                     _browser_cookie(server)) as alone:
        await alone.load()
        await alone.set(**{group_key("data"): True})  # the seed is drawn while its group is open
        await _train_to_results(alone)  # the training process is warm
        await alone.set(seed=77778)
        idle = await _train_to_results(alone)
    cookie = _browser_cookie(server)
    pages = [_page(server.ws_url, "train", urlencode(base | {"seed": str(2000 + k)}), cookie) for k in range(tabs)]
    told: Counter = Counter()

    def note(text: str) -> None:
        told["held (another tab of this browser)"] += "another tab of this browser" in text
        told["queue full"] += "than this server queues" in text or "trainings are waiting" in text

    for tab in pages:
        await tab.load()
        await tab.set(**{group_key("data"): True})
        note((await tab.click("train-start")).text)
    stop, presses = asyncio.Event(), Counter()

    async def press() -> None:
        k = 0
        while not stop.is_set():
            tab, k = pages[k % tabs], k + 1
            began = time.perf_counter()
            await tab.set(seed=3000 + k)
            note((await tab.click("train-start")).text)
            presses["presses"] += 1
            for other in pages:  # each open tab polls its progress, as the page does
                if "train-stop" in other.widgets:
                    await other.rerun(fragment_id=other.widget("train-stop").fragment_id)
            await asyncio.sleep(max(0.0, 1.5 - (time.perf_counter() - began)))

    async def fresh() -> float:
        await asyncio.sleep(5)
        async with _page(server.ws_url, "train", urlencode(base | {"seed": "99999"}),
                         _browser_cookie(server)) as visitor:
            await visitor.load()
            seconds = await _train_to_results(visitor)
        stop.set()
        return seconds

    busy, _ = await asyncio.gather(fresh(), press())
    for tab in pages:
        await tab.close()
    return {"tabs": tabs, "presses": presses["presses"] + tabs, "told": dict(told),
            "fresh_train_to_results_idle_s": round(idle, 1), "fresh_train_to_results_s": round(busy, 1),
            "slowdown_s": round(busy - idle, 1)}


RUNNERS = {"doctor": doctor_scenario, "memory": memory_scenario, "flood": flood_scenario, "kill": kill_scenario,
           "stop": stop_scenario, "hog": hog_scenario, "recycle": recycle_scenario, "static": static_scenario,
           "tabs": tabs_scenario, "footprint": footprint_scenario}


def verdicts(results: dict) -> dict[str, bool]:
    checks = {}
    if "hog" in results:
        checks["hog: another visitor's p95 within 0.5 s of idle"] = \
            results["hog"]["slowdown_p95_s"] <= TARGETS["hog_slowdown_p95_s"]
    if "recycle" in results:
        checks["recycle: every worker back within 150 MB of warm after two quiet minutes"] = \
            results["recycle"]["worst_above_warm_mb"] <= TARGETS["recycle_back_within_mb"]
    if "doctor" in results:
        r = results["doctor"]
        checks["doctor: explorer within 0.5 s of idle"] = r["slowdown_s"] <= TARGETS["doctor_slowdown_s"]
        checks["doctor: every diagnosis within 10 s"] = max(r["diagnoses_s"]) <= TARGETS["diagnosis_s"] + 0.5
        checks["doctor: growth <= 500 MB"] = r["growth_mb"] <= TARGETS["doctor_growth_mb"]
    if "memory" in results:
        checks["memory: growth after warm-up <= 200 MB"] = results["memory"]["growth_mb"] <= TARGETS["memory_growth_mb"]
    if "flood" in results:
        checks["flood: nothing trains 15 s later"] = results["flood"]["training_cpu_s_from_15_to_20_s"] < 0.5
    if "kill" in results:
        r = results["kill"]
        after = r["playground_after_kill"]
        answered_or_told = (after["ok"] and not after["told_lost"]) or after["retry_button"]
        checks["kill: the visitor gets the answer (a fresh worker) or is told, with a retry; the next one comes"] = \
            answered_or_told and r["playground_next_ok"] and r["doctor_killed_answer_s"] <= 10
        checks["kill: another explorer's p95 <= 1.5 s meanwhile"] = r["other_visitor_changes"]["p95_ms"] <= 1500
    if "stop" in results:
        r = results["stop"]
        checks["stop: within 10 s, no traceback"] = r["stop_s"] <= TARGETS["stop_s"] and not r["tracebacks_in_log"]
    if "static" in results:
        r = results["static"]
        checks["static: under 5 s of the server's CPU"] = r["server_cpu_s"] < TARGETS["static_cpu_s"]
        checks["static: the explorer's median within 0.1 s of idle"] = r["slowdown_s"] <= TARGETS["static_slowdown_s"]
    if "tabs" in results:
        r = results["tabs"]
        checks["tabs: a fresh visitor's training within 10 s of idle"] = \
            r["slowdown_s"] <= TARGETS["tabs_fresh_slowdown_s"]
        checks["tabs: one person's tabs never fill the queue"] = not r["told"].get("queue full")
    if "footprint" in results:
        r = results["footprint"]
        checks["footprint: at rest <= 1 GB PSS"] = r["at_rest"]["pss_mb"] <= TARGETS["footprint_rest_pss_mb"]
        checks["footprint: back under 1 GB PSS after a quiet minute"] = \
            r["after_quiet"]["pss_mb"] <= TARGETS["footprint_rest_pss_mb"]
        checks["footprint: never above 2 GB PSS"] = r["peak_pss_mb"] <= TARGETS["footprint_peak_pss_mb"]
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults", description=__doc__.split("\n")[0])
    parser.add_argument("scenarios", nargs="*", metavar="scenario", help=f"any of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--diagnoses", type=bounded(int, WARM_UP + 1, 5000), default=DIAGNOSES,
                        help=f"memory: diagnoses in a row ({DIAGNOSES})")
    parser.add_argument("--sessions", type=bounded(int, 1, 1000), default=FLOOD,
                        help=f"flood: sessions that train and vanish ({FLOOD})")
    args = parser.parse_args(argv)
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0][:30]!r}; choose from {', '.join(SCENARIOS)}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    results: dict = {"machine": machine()}
    for name in args.scenarios or SCENARIOS:
        with StreamlitServer() as server:
            server.wait_healthy(timeout=180)
            extra = {"memory": {"count": args.diagnoses}, "flood": {"sessions": args.sessions}}.get(name, {})
            results[name] = asyncio.run(RUNNERS[name](server, **extra))
        print(name, json.dumps(results[name], indent=1), flush=True)
    checks = verdicts(results)
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results | {"verdicts": checks}, indent=1))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
