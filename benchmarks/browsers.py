"""Headless Chromium visitors clicking at once (five by default; one: the idle server's click -> updated page).

Each visitor opens the playground in its own browser context, then flips `return_sequences` several times;
a click is done when the output chart shows the other tensor (its title starts with `whole_seq[` or
`output[`) and the script has finished. All visitors click at the same moments, the worst case for the server.
Beside the wall-clock time, each click's work on the page's main thread (Chromium's own Performance metrics:
tasks, of which script and layout, and the thread's CPU time) is read, 0.5 s after the click is done: it depends
much less on the machine's load than the click's wall-clock time, and the CPU time least of all (a task's
duration also counts the time the thread waited for a core).

    python -m benchmarks.browsers --visitors 5 --clicks 6
    python -m benchmarks.browsers --visitors 1 --clicks 20      # target: median <= 200 ms
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from benchmarks.args import bounded
from benchmarks.cold_start import CHROMIUM, CHROMIUM_ARGS, RENDERED
from benchmarks.load import percentile
from benchmarks.report import ms, save
from benchmarks.server import StreamlitServer

ONE_VISITOR_TARGET_MS = 200  # one Chromium on an idle server: click -> updated page, median

OUTPUT_TITLE = """(prefix) => [...document.querySelectorAll('.js-plotly-plot')]
    .some(el => el.layout && el.layout.title && el.layout.title.text.startsWith(prefix))"""


async def _visitor(browser, url: str, clicks: int, start: asyncio.Barrier) -> list[float]:
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    await page.goto(url, timeout=120_000)
    await page.wait_for_function(OUTPUT_TITLE, arg="output[", timeout=120_000)
    await asyncio.sleep(1.0)
    times, work = [], []
    for k in range(clicks):
        await start.wait()
        expected = "whole_seq[" if k % 2 == 0 else "output["
        before = await _main_thread(cdp)
        clicked = time.perf_counter()
        await page.locator("[data-testid=stSidebar]").get_by_text("return_sequences", exact=True).click()
        await page.wait_for_function(OUTPUT_TITLE, arg=expected, timeout=60_000)
        await page.locator(RENDERED).wait_for(state="attached", timeout=60_000)
        times.append(time.perf_counter() - clicked)
        await asyncio.sleep(0.5)
        after = await _main_thread(cdp)
        work.append({name: after[name] - before[name] for name in MAIN_THREAD})
    await context.close()
    return times, work


MAIN_THREAD = ("ThreadTime", "TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


async def _main_thread(cdp) -> dict[str, float]:
    """Seconds the page's main thread has spent so far: its CPU time, its tasks, and script, layout and style."""
    metrics = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
    return {name: metrics[name] for name in MAIN_THREAD}


async def measure(url: str, visitors: int, clicks: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            start = asyncio.Barrier(visitors)
            per_visitor = await asyncio.gather(*(_visitor(browser, url, clicks, start) for _ in range(visitors)))
        finally:
            await browser.close()
    every = [t for times, _ in per_visitor for t in times]
    work = [w for _, each in per_visitor for w in each]
    return {"visitors": visitors, "clicks_each": clicks,
            "click_to_chart": {f"p{q}_ms": ms(percentile(every, q)) for q in (50, 95)} | {"max_ms": ms(max(every))},
            "main_thread_median_ms": {name: ms(statistics.median(w[name] for w in work)) for name in MAIN_THREAD},
            "per_visitor_ms": [[ms(t) for t in times] for times, _ in per_visitor],
            "load_average": Path("/proc/loadavg").read_text().split()[:3]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browsers", description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=bounded(int, 1, 20), default=5)
    parser.add_argument("--clicks", type=bounded(int, 1, 100), default=6)
    args = parser.parse_args(argv)
    with StreamlitServer() as server:
        server.wait_healthy(timeout=120)
        result = asyncio.run(measure(server.url, args.visitors, args.clicks))
    chart = result["click_to_chart"]
    print(f"{args.visitors} Chromium visitors clicking at once, {args.clicks} clicks each: click -> updated chart "
          f"p50 {chart['p50_ms']} ms, p95 {chart['p95_ms']} ms, max {chart['max_ms']} ms"
          + (f" (target median <= {ONE_VISITOR_TARGET_MS} ms: "
             f"{'PASS' if chart['p50_ms'] <= ONE_VISITOR_TARGET_MS else 'FAIL'})" if args.visitors == 1 else ""))
    work = result["main_thread_median_ms"]
    print(f"page main thread per click, median: CPU {work['ThreadTime']} ms; tasks {work['TaskDuration']} ms "
          f"(script {work['ScriptDuration']} ms, layout {work['LayoutDuration']} ms, style "
          f"{work['RecalcStyleDuration']} ms); load average {' '.join(result['load_average'])}")
    save({"browsers" if args.visitors > 1 else "browser": result}, [])
    return 0


if __name__ == "__main__":
    sys.exit(main())
