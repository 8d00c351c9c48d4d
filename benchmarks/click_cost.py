"""What one playground change costs the server: CPU seconds of the web server's own process, the script's run
time and the bytes sent, per change. These hardly depend on the machine's load, unlike wall-clock times.

One WebSocket visitor on a fresh server (started with browser.gatherUsageStats on, so that every run's
PageProfile gives the script's own time). Three kinds of change, each timed on its own:

- `flip`: `return_sequences` flipped back and forth (after the first two flips both Runs are cached: the
  browser benchmark's click);
- `new`: `units` set to a value not asked before (a new Run each time, as a class exploring at once);
- `state`: `return_state` flipped back and forth (cached Runs).

CPU is read from /proc (in 10 ms ticks: the mean over many changes is given) for the server's main process only (the engine's workers compute the Runs; their
time is not the page's), from just before the change is sent until its script has finished and 50 ms after
(Streamlit sends the last messages after the script's end).

    python -m benchmarks.click_cost                 # 20 of each; prints medians, --json for every sample
    python -m benchmarks.click_cost --changes 40 --query "section=gates"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path

from benchmarks.args import bounded
from benchmarks.load import ServerSampler, settled
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import Visitor

SETTLE_S = 0.05
PAUSE_S = 0.3


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    return (int(fields[11]) + int(fields[12])) / 100


async def _change(visitor: Visitor, pid: int, **values) -> dict:
    await asyncio.sleep(PAUSE_S)
    before = _cpu(pid)
    result = await visitor.set(**values)
    await asyncio.sleep(SETTLE_S)
    if not result.ok:
        raise RuntimeError(f"{values}: the script did not finish cleanly: {result.errors}")
    return {"cpu_ms": (_cpu(pid) - before) * 1000, "exec_ms": (result.exec_seconds or 0) * 1000,
            "wall_ms": result.seconds * 1000, "bytes": result.bytes, "charts": result.elements["bidi_component"]}


async def measure(ws_url: str, pid: int, changes: int, query: str) -> dict[str, list[dict]]:
    async with Visitor(ws_url) as first:  # the first page of a server waits for the engine's warm-up
        await first.load(query)
    await settled(ServerSampler([pid]))
    out: dict[str, list[dict]] = {"flip": [], "new": [], "state": []}
    async with Visitor(ws_url) as visitor:
        await visitor.load(query)
        for k in range(changes + 2):
            sample = await _change(visitor, pid, return_sequences=k % 2 == 0)
            if k >= 2:  # both Runs are cached from here on
                out["flip"].append(sample)
        await visitor.set(return_sequences=False)
        units = iter(range(20, 20 + changes))
        for k in range(changes):
            await asyncio.sleep(1.0)  # the previous Run's confirmation has been computed: the worker is free
            out["new"].append(await _change(visitor, pid, units=next(units)))
        for k in range(changes + 2):
            sample = await _change(visitor, pid, return_state=k % 2 == 0)
            if k >= 2:
                out["state"].append(sample)
    return out


def _median(samples: list[dict], key: str) -> float:
    return round(statistics.median(s[key] for s in samples), 1)


def _mean(samples: list[dict], key: str) -> float:
    return round(statistics.fmean(s[key] for s in samples), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.click_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=bounded(int, 3, 200), default=20)
    parser.add_argument("--query", default="", help="the page's query string to start from")
    parser.add_argument("--json", action="store_true", help="print every sample as JSON")
    args = parser.parse_args(argv)
    with StreamlitServer(extra_args=("--browser.gatherUsageStats", "true")) as server:
        server.wait_healthy(timeout=120)
        result = asyncio.run(measure(server.ws_url, server.process.pid, args.changes, args.query))
    load = Path("/proc/loadavg").read_text().split()[:3]
    if args.json:
        print(json.dumps(result, indent=1))
    for name, samples in result.items():
        print(f"{name:6s} n={len(samples)}: server CPU mean {_mean(samples, 'cpu_ms')} ms, script "
              f"{_median(samples, 'exec_ms')} ms, wall {_median(samples, 'wall_ms')} ms, "
              f"{_median(samples, 'bytes') / 1000:.1f} kB sent, {_median(samples, 'charts'):.0f} charts")
    print(f"load average at the end: {' '.join(load)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
