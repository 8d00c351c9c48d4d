"""Soak: 1000 reruns over varied configurations; the server's memory must stay flat after warm-up.

A few visitors change controls back to back (the load generator's changes: units, timesteps, layer kind,
flags, view), which cycles through far more configurations than the run and model caches hold. RSS is
sampled when the warm-up reruns are done and then every 50 reruns.

    python -m benchmarks.soak --reruns 1000 --warmup 200
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys

from benchmarks.args import bounded
from benchmarks.load import CHANGES, ServerSampler
from benchmarks.report import ms, save, summary
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import Visitor

GROWTH_TARGET_MB = 100


async def soak(ws_url: str, pids: list[int], reruns: int, warmup: int, visitors: int, seed: int = 0) -> dict:
    sampler = ServerSampler(pids)
    done, failures, seconds, curve = 0, [], [], []
    baseline: list[float] = []

    async def visitor(k: int) -> None:
        nonlocal done
        rng = random.Random(seed * 1000 + k)
        async with Visitor(ws_url) as v:
            await v.load()
            while done < reruns:
                name = rng.choice(list(CHANGES))
                value = rng.choice(CHANGES[name])
                result = await v.set(**{name: value})
                done += 1
                seconds.append(result.seconds)
                if not result.ok:
                    failures.append(f"{name}={value}: {result.status} {result.errors}")
                if done == warmup:
                    baseline.append(sampler.rss())
                if done % 50 == 0:
                    curve.append((done, round(sampler.rss())))

    await asyncio.gather(*(visitor(k) for k in range(visitors)))
    end = sampler.rss()
    after = [mb for n, mb in curve if n >= warmup]
    return {"reruns": done, "warmup": warmup, "visitors": visitors, "failures": len(failures),
            "failure_examples": failures[:5], "rss_after_warmup_mb": round(baseline[0]), "rss_end_mb": round(end),
            "rss_peak_after_warmup_mb": round(max(after + [end])),
            "growth_after_warmup_mb": round(max(after + [end]) - baseline[0]), "rss_every_50": curve,
            "rerun": summary(seconds) | {"p99_ms": ms(sorted(seconds)[int(0.99 * (len(seconds) - 1))])}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--reruns", type=bounded(int, 10, 100_000), default=1000)
    parser.add_argument("--warmup", type=bounded(int, 1, 10_000), default=200)
    parser.add_argument("--visitors", type=bounded(int, 1, 50), default=4)
    args = parser.parse_args(argv)
    if args.warmup >= args.reruns:
        parser.error("--warmup must be below --reruns")
    with StreamlitServer() as server:
        server.wait_healthy(timeout=120)
        result = asyncio.run(soak(server.ws_url, [server.process.pid], args.reruns, args.warmup, args.visitors))
    growth = result["growth_after_warmup_mb"]
    print(f"{result['reruns']} reruns ({result['visitors']} visitors, no think time): failures {result['failures']}; "
          f"RSS after {result['warmup']} warm-up reruns {result['rss_after_warmup_mb']} MB, peak after "
          f"{result['rss_peak_after_warmup_mb']} MB, end {result['rss_end_mb']} MB: growth {growth} MB "
          f"(target <= {GROWTH_TARGET_MB}: {'PASS' if growth <= GROWTH_TARGET_MB else 'FAIL'}); rerun median "
          f"{result['rerun']['median_ms']} ms, p95 {result['rerun']['p95_ms']} ms")
    save({"soak": result}, [])
    return 0 if growth <= GROWTH_TARGET_MB and not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
