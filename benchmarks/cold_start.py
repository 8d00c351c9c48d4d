"""Cold start: the server spawned (`python -m ui.serve`) -> the first page painted, then its results drawn, in
headless Chromium (Playwright). First paint: the title and the controls; drawn: the first chart visible and the
script finished. Each fresh server starts with an empty folder of kept results; a restarted server then starts
with the folder the last fresh one left (Keras's results of the first page kept on disk: rnnlab/shelf.py)."""

from __future__ import annotations

import statistics
import tempfile
import time

from benchmarks.report import Row, load_average, ms
from benchmarks.server import StreamlitServer

TARGETS_MS = {"first_paint": 3000, "rendered": 5000}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
RENDERED = "[data-testid=stApp][data-test-script-state=notRunning]"
PLOT = ".js-plotly-plot"
FIRST_PAINT = "[data-testid=stMain] h1"
CONTROL = "[data-testid=stSidebar] [data-testid=stCheckbox]"


def _watch_script_finished(page, since: float, seen: dict[str, float]) -> None:
    """Note when the page's WebSocket receives its first script_finished (the server's share of the wait)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def received(payload) -> None:
        if "script_finished" not in seen and isinstance(payload, bytes):
            if ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                seen["script_finished"] = time.perf_counter() - since

    page.on("websocket", lambda ws: ws.on("framereceived", received))


def _once(browser, results: str, timeout_ms: float = 120_000) -> dict[str, float]:
    """Spawn a server (its kept results in the folder `results`), open the page in a fresh browser context;
    seconds since spawn for each milestone."""
    with StreamlitServer(results=results) as server:
        milestones = {"healthy": server.wait_healthy()}
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            _watch_script_finished(page, server.started_at, milestones)
            page.goto(server.url, timeout=timeout_ms)
            milestones["html_loaded"] = time.perf_counter() - server.started_at
            page.locator(FIRST_PAINT).first.wait_for(state="visible", timeout=timeout_ms)
            page.locator(CONTROL).first.wait_for(state="visible", timeout=timeout_ms)
            milestones["first_paint"] = time.perf_counter() - server.started_at
            page.locator(PLOT).first.wait_for(state="visible", timeout=timeout_ms)
            page.locator(RENDERED).wait_for(state="attached", timeout=timeout_ms)
            milestones["rendered"] = time.perf_counter() - server.started_at
        finally:
            context.close()
    return milestones


def measure(repeats: int = 3) -> tuple[dict, list[Row]]:
    from playwright.sync_api import sync_playwright

    load_before = load_average()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            fresh = [_once(browser, tempfile.mkdtemp(prefix="rnnlab-results-")) for _ in range(repeats)]
            kept = tempfile.mkdtemp(prefix="rnnlab-results-")
            _once(browser, kept)  # leaves the first page's results on disk
            restarted = [_once(browser, kept) for _ in range(repeats)]
        finally:
            browser.close()
    data, rows = {"load_average": [load_before, load_average()]}, []
    for name, runs in (("fresh", fresh), ("restarted", restarted)):
        each = [{k: ms(v) for k, v in run.items()} for run in runs]
        medians = {k: ms(statistics.median(run[k] for run in runs)) for k in TARGETS_MS}
        data[name] = {"runs_ms": each, "median_first_paint_ms": medians["first_paint"],
                      "median_rendered_ms": medians["rendered"]}
        rows += [Row("cold-start", f"{name}: spawn -> rendered, run {i + 1}", run["rendered"],
                     note=f"health ok {run['healthy'] / 1000:.1f} s, HTML loaded {run['html_loaded'] / 1000:.1f} s, "
                          f"first paint {run['first_paint'] / 1000:.1f} s, "
                          f"script finished {run.get('script_finished', float('nan')) / 1000:.1f} s")
                 for i, run in enumerate(each)]
        rows += [Row("cold-start", f"{name}: spawn -> first paint (title, controls), median of {repeats}",
                     medians["first_paint"], TARGETS_MS["first_paint"]),
                 Row("cold-start", f"{name}: spawn -> results drawn, median of {repeats}", medians["rendered"],
                     TARGETS_MS["rendered"])]
    return data, rows
