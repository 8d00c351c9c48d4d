"""A class at once: N visitors at the WebSocket level, each opening the playground and making K control changes.

Every visitor is a `Visitor` (Streamlit's own protocol, as a browser tab speaks it). Visitors arrive over a
short ramp, as a class opening the teacher's link does; each waits a think time between changes. Two
scenarios: `class` (the default): every visitor follows the teacher's steps (LESSON_STEPS) in order, and
one change in three is their own, among the controls a classroom link leaves open (the two flags and what
is looked at), thinking 5 s (±50 %); `explore`: a class told "now try it yourself": every other change
is `units` picked at random from 1-128 (mostly a configuration nobody asked before), the others flip
`return_state`, thinking 0.5-2 s. Reruns are timed from BackMsg sent to script_finished. The server's
resident memory and CPU (with its worker processes) are sampled from /proc while the class works.

    python -m benchmarks.load --visitors 60 --changes 10           # a fresh local server
    python -m benchmarks.load --url http://127.0.0.1:8080 --pids 11,12   # an existing server (e.g. nginx)
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.args import bounded
from benchmarks.report import ms
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import RunResult, Visitor

TARGETS_MS = {"class": {"p50": 500, "p95": 1000}, "explore": {"p50": 300, "p95": 1500}}
RSS_GROWTH_TARGET_MB = {"class": 150, "explore": 300}
THINK_S = {"class": None, "explore": (0.5, 2.0)}  # None: --think (±50 %)
EXPLORE_UNITS = (1, 128)
# What a learner changes, with the values they pick (keys are widget keys of the playground).
CHANGES = {
    "return_state": (True, False),
    "return_sequences": (True, False),
    "units": (8, 16, 32, 64, 128),
    "timesteps": (5, 10, 20),
    "layer": ("lstm", "gru", "simple_rnn"),
    "sample": (1, 2, 3),
    # what is drawn under the input and output (a radio: its options as the page labels them)
    "section": ("h and c at every step", "the gates", "one timestep up close", "the weights"),
}


# The teacher's steps, as a class follows them on the projector.
LESSON_STEPS = (("return_sequences", True), ("return_state", True), ("return_sequences", False), ("units", 32),
                ("timesteps", 20), ("layer", "gru"), ("sample", 3), ("layer", "lstm"), ("section", "the gates"), ("units", 64))
EXPLORE_SHARE = 1 / 3  # in the class scenario, the share of changes that are a visitor's own
CLASS_OPEN = ("return_state", "return_sequences", "sample", "section")  # the controls a class link leaves open


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between the nearest samples."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def family(pid: int) -> list[int]:
    """pid and its descendants now (a server's worker processes come and go)."""
    found, children = [pid], []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(c) for c in task.read_text().split()]
        except OSError:
            pass
    return found + [d for c in children for d in family(c)]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:  # the process has just ended
        return ""


class ServerSampler:
    """Memory (MB, summed over the processes: resident, and proportional, where a page shared by n processes
    counts 1/n in each) and CPU seconds of server processes and their worker processes, from /proc."""

    def __init__(self, pids: list[int], every: float = 0.5):
        self.pids, self.every = pids, every
        self.rss_mb: list[float] = []
        self.pss_mb: list[float] = []
        self._task: asyncio.Task | None = None

    def _summed(self, path: str, field: str) -> float:
        total = 0
        for pid in (p for root in self.pids for p in family(root)):
            for line in _read(path.format(pid=pid)).splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        return total / 1024

    def rss(self) -> float:
        return self._summed("/proc/{pid}/status", "VmRSS:")

    def pss(self) -> float:
        return self._summed("/proc/{pid}/smaps_rollup", "Pss:")

    def cpu_each(self) -> list[float]:
        """CPU seconds (user + system) of each server so far, with its workers (those that ended not counted)."""
        each = []
        for root in self.pids:
            seconds = 0.0
            for pid in family(root):
                fields = _read(f"/proc/{pid}/stat").rsplit(")", 1)[-1].split()
                if len(fields) > 12:
                    seconds += (int(fields[11]) + int(fields[12])) / 100  # utime, stime in USER_HZ ticks
            each.append(seconds)
        return each

    def cpu_seconds(self) -> float:
        return sum(self.cpu_each())

    async def _sample(self) -> None:
        while True:
            self.rss_mb.append(self.rss())
            self.pss_mb.append(self.pss())
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self.rss_mb.append(self.rss())
        self.pss_mb.append(self.pss())


@dataclass
class Outcome:
    """What one visitor saw."""

    load: RunResult | None = None
    changes: list[RunResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _change(k: int, scenario: str, rng: random.Random, visitor: Visitor) -> tuple[str, object]:
    """The k-th change a visitor makes: the teacher's k-th step, or (one in three) their own change of an open
    control; in the explore scenario, units at random (even k) or return_state flipped (odd k)."""
    if scenario == "explore":
        return ("units", rng.randint(*EXPLORE_UNITS)) if k % 2 == 0 else ("return_state",
                                                                          not visitor.value("return_state"))
    if rng.random() >= EXPLORE_SHARE:
        return LESSON_STEPS[k % len(LESSON_STEPS)]
    name = rng.choice(CLASS_OPEN)
    return name, rng.choice(CHANGES[name])


def think_time(scenario: str, think: float, rng: random.Random) -> float:
    low, high = THINK_S[scenario] or (think * 0.5, think * 1.5)
    return rng.uniform(low, high)


async def visit(ws_url: str, query: str, changes: int, think: float, rng: random.Random,
                source: str | None = None, scenario: str = "class") -> Outcome:
    """Open the page, then make `changes` control changes, thinking before each (think_time)."""
    outcome = Outcome()
    try:
        async with Visitor(ws_url, source=source) as visitor:
            outcome.load = await visitor.load(query)
            if not outcome.load.ok:
                outcome.failures.append(f"load: status {outcome.load.status} {outcome.load.errors}")
            for k in range(changes):
                await asyncio.sleep(think_time(scenario, think, rng))
                name, value = _change(k, scenario, rng, visitor)
                result = await visitor.set(**{name: value})
                outcome.changes.append(result)
                if not result.ok:
                    outcome.failures.append(f"{name}={value}: status {result.status} {result.errors}")
    except Exception as err:  # a dropped connection or a timeout is a failure of this visitor, not of the run
        outcome.failures.append(f"{type(err).__name__}: {err}")
    return outcome


def ws_url_of(url: str) -> str:
    """http://host:port[/prefix] -> the WebSocket address of that Streamlit server."""
    return url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"


async def settled(sampler: ServerSampler, quiet_cores: float = 0.3, most_s: float = 90.0) -> float:
    """Wait until the servers have finished starting (every worker process, the doctor's too, warmed): their
    CPU use over one second under `quiet_cores`; at most `most_s` seconds. Returns the seconds waited."""
    began = time.perf_counter()
    while time.perf_counter() - began < most_s:
        before = sampler.cpu_seconds()
        await asyncio.sleep(1.0)
        if sampler.cpu_seconds() - before < quiet_cores:
            break
    return time.perf_counter() - began


async def class_at_once(ws_url: str, pids: list[int], visitors: int, changes: int, think: float, ramp: float,
                        query: str = "", seed: int = 0, sources: bool = False, warm: tuple[str, ...] = (),
                        scenario: str = "class") -> dict:
    """N visitors arriving over `ramp` seconds; latency percentiles, failures, server RSS and CPU.
    sources=True: visitor k connects from 127.0.0.(k + 2), so a load balancer sees distinct clients.
    The page is first loaded once at ws_url and at each `warm` address (every replica behind a balancer):
    the first visitor of a server imports TensorFlow, which is not part of the class."""
    for address in (ws_url, *warm):
        async with Visitor(address) as first:
            await first.load(query)
    sampler = ServerSampler(pids)
    await settled(sampler)
    before_mb, before_pss, cpu_before, started = sampler.rss(), sampler.pss(), sampler.cpu_each(), time.perf_counter()
    sampler.start()

    async def arrive(k: int) -> Outcome:
        await asyncio.sleep(ramp * k / max(visitors - 1, 1))
        source = f"127.0.{(k + 2) // 250}.{(k + 2) % 250 + 1}" if sources else None
        return await visit(ws_url, query, changes, think, random.Random(seed * 1000 + k), source, scenario)

    outcomes = await asyncio.gather(*(arrive(k) for k in range(visitors)))
    await sampler.stop()
    wall = time.perf_counter() - started
    cpu_each = [round(after - before, 1) for after, before in zip(sampler.cpu_each(), cpu_before)]
    cpu = sum(cpu_each)
    reruns = [r.seconds for o in outcomes for r in o.changes]
    loads = [o.load.seconds for o in outcomes if o.load]
    failures = [f for o in outcomes for f in o.failures]
    result = {
        "visitors": visitors, "changes_each": changes, "think_s": think, "ramp_s": ramp, "scenario": scenario,
        "reruns": len(reruns), "failures": len(failures), "failure_examples": failures[:5],
        "wall_s": round(wall, 1), "server_cpu_s": round(cpu, 1), "server_cpu_s_each": cpu_each,
        "server_cpu_share": round(cpu / wall, 2),
        "rss_before_mb": round(before_mb), "rss_peak_mb": round(max(sampler.rss_mb)),
        "rss_end_mb": round(sampler.rss_mb[-1]), "rss_growth_mb": round(max(sampler.rss_mb) - before_mb),
        "pss_before_mb": round(before_pss), "pss_peak_mb": round(max(sampler.pss_mb)),
        "pss_growth_mb": round(max(sampler.pss_mb) - before_pss),
    }
    for name, values in (("rerun", reruns), ("load", loads)):
        if values:
            result[name] = {f"p{q}_ms": ms(percentile(values, q)) for q in (50, 95, 99)} | {"max_ms": ms(max(values))}
    return result


def verdicts(result: dict) -> dict[str, bool]:
    rerun, targets = result.get("rerun", {}), TARGETS_MS[result["scenario"]]
    return {f"p50 <= {targets['p50']} ms": rerun.get("p50_ms", float("inf")) <= targets["p50"],
            f"p95 <= {targets['p95']} ms": rerun.get("p95_ms", float("inf")) <= targets["p95"],
            "no failures": result["failures"] == 0,
            f"rss growth <= {RSS_GROWTH_TARGET_MB[result['scenario']]} MB":
                result["rss_growth_mb"] <= RSS_GROWTH_TARGET_MB[result["scenario"]],
            f"pss growth <= {RSS_GROWTH_TARGET_MB[result['scenario']]} MB":
                result.get("pss_growth_mb", math.inf) <= RSS_GROWTH_TARGET_MB[result["scenario"]]}


def report(result: dict) -> str:
    rerun, load = result.get("rerun", {}), result.get("load", {})
    marks = ", ".join(f"{k} {'PASS' if ok else 'FAIL'}" for k, ok in verdicts(result).items())
    return (f"{result['scenario']}: {result['visitors']} visitors x {result['changes_each']} changes: "
            f"rerun p50 {rerun.get('p50_ms')} ms, "
            f"p95 {rerun.get('p95_ms')} ms, p99 {rerun.get('p99_ms')} ms; page load p50 {load.get('p50_ms')} ms, "
            f"p95 {load.get('p95_ms')} ms; failures {result['failures']}; server RSS {result['rss_before_mb']} -> "
            f"peak {result['rss_peak_mb']} MB (+{result['rss_growth_mb']}), PSS {result.get('pss_before_mb')} -> "
            f"peak {result.get('pss_peak_mb')} MB (+{result.get('pss_growth_mb')}); server CPU {result['server_cpu_s']} s "
            f"over {result['wall_s']} s wall ({result['server_cpu_share']} cores)\n  {marks}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=bounded(int, 1, 500), nargs="+", default=[60],
                        help="visitors at once; several values run one after another (default 60)")
    parser.add_argument("--changes", type=bounded(int, 0, 1000), default=10, help="changes per visitor (10)")
    parser.add_argument("--think", type=bounded(float, 0, 60), default=5.0,
                        help="class: mean seconds between a visitor's changes (default 5; explore: 0.5-2 s)")
    parser.add_argument("--scenario", choices=("class", "explore"), default="class",
                        help="class: follow the teacher's steps, one change in three their own among the flags and the "
                             "view (default); explore: units at random 1-128 and return_state flips, 0.5-2 s apart")
    parser.add_argument("--ramp", type=bounded(float, 0, 600), default=10.0,
                        help="seconds over which the visitors arrive (default 10)")
    parser.add_argument("--url", help="an existing server's address (default: start one)")
    parser.add_argument("--pids", default="", help="with --url: comma-separated server process ids to sample")
    parser.add_argument("--sources", action="store_true",
                        help="connect each visitor from its own 127.0.x.y address (for a load balancer)")
    parser.add_argument("--warm", action="append", default=[], metavar="URL",
                        help="with --url: also load the page once at this address first (each replica)")
    parser.add_argument("--label", default="load", help="the group name in results/latest.json (default load)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        pids = [int(p) for p in args.pids.split(",") if p.strip()]
    except ValueError:
        print("benchmarks.load: --pids must be comma-separated process ids", file=sys.stderr)
        return 2
    if args.url and not pids:
        print("benchmarks.load: --url needs --pids (the server processes to sample)", file=sys.stderr)
        return 2
    results = []
    for n in args.visitors:
        if args.url:
            result = asyncio.run(class_at_once(ws_url_of(args.url), pids, n, args.changes, args.think, args.ramp,
                                               sources=args.sources, warm=tuple(map(ws_url_of, args.warm)),
                                               scenario=args.scenario))
        else:
            with StreamlitServer() as server:
                server.wait_healthy(timeout=120)
                result = asyncio.run(class_at_once(server.ws_url, [server.process.pid], n, args.changes,
                                                   args.think, args.ramp, scenario=args.scenario))
        print(report(result), flush=True)
        results.append(result)
    from benchmarks.report import save

    save({args.label: {"runs": results, "url": args.url}}, [])
    return 0 if all(all(verdicts(r).values()) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
