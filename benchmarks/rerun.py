"""Reruns against a real Streamlit server, timed at the WebSocket from BackMsg sent to script_finished.

The scenario runs twice: on a server configured as deployed (the timings that count), then briefly on
one started with browser.gatherUsageStats=true, which makes Streamlit send each run's PageProfile:
the script's own execution time as the server measured it.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics

from benchmarks.engine import CORNERS, LARGEST_TARGET_MS
from benchmarks.report import Row, load_average, ms, summary
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import RunResult, Visitor, checked

FLIP_TARGET_MS = 150
VIEW_TARGET_MS = 80
VIEW_WIDGETS = ("sample", "step", "unit")  # widget keys of what is looked at
PROFILED_FLIPS, PROFILED_VIEWS = 10, 9


def _timings(results: list[RunResult]) -> dict:
    """Summaries of BackMsg -> script_finished, BackMsg -> first ForwardMsg and, where sent, the server's exec time."""
    out = {"total": summary([r.seconds for r in results]),
           "first_message": summary([r.first_message_seconds for r in results]),
           "bytes_median": int(statistics.median(r.bytes for r in results))}
    if all(r.exec_seconds is not None for r in results):
        out["exec"] = summary([r.exec_seconds for r in results])
    return out


async def flip_return_state(visitor: Visitor, flips: int, pause: float) -> tuple[RunResult, list[RunResult]]:
    """Turn return_state on (the first time: a new model structure), then flip it back and forth."""
    await asyncio.sleep(pause)
    first = checked(await visitor.set(return_state=True), "first flip")
    runs = []
    for state in itertools.islice(itertools.cycle((False, True)), flips):
        await asyncio.sleep(pause)
        runs.append(checked(await visitor.set(return_state=state), "flip"))
    return first, runs


async def _scenario(server: StreamlitServer, flips: int, views: int, pause: float) -> dict:
    """First visitor (imports TF); then a visitor who loads, flips return_state, moves the view, flips return_sequences."""
    async with Visitor(server.ws_url) as first:
        cold = checked(await first.load(), "first page load")
    async with Visitor(server.ws_url) as visitor:
        warm = checked(await visitor.load("section=step"), "page load")  # where step and unit are drawn
        new_structure, flip_runs = await flip_return_state(visitor, flips, pause)
        view_runs: dict[str, list[RunResult]] = {name: [] for name in VIEW_WIDGETS}
        for i in range(views):
            name = VIEW_WIDGETS[i % len(VIEW_WIDGETS)]
            high = int(visitor.widget(name).proto.max)
            await asyncio.sleep(pause)
            view_runs[name].append(checked(await visitor.set(**{name: 1 + (i // len(VIEW_WIDGETS)) % high}), name))
        await asyncio.sleep(pause)
        second_structure = checked(await visitor.set(return_sequences=True), "first return_sequences flip")
    return {"cold": cold, "warm": warm, "new_structure": [new_structure, second_structure],
            "flips": flip_runs, "views": view_runs}


async def _largest_pages(server: StreamlitServer) -> dict[str, list[RunResult]]:
    """Each corner opened by link: the first visitor builds the model, the second finds the run cached."""
    pages = {}
    for label, query in CORNERS.items():
        runs = []
        for _ in range(2):
            async with Visitor(server.ws_url) as visitor:
                runs.append(checked(await visitor.load(query), f"page {label}"))
        pages[label] = runs
    return pages


def _exec_ms(result: RunResult) -> float | None:
    return None if result.exec_seconds is None else ms(result.exec_seconds)


def measure(flips: int = 30, views: int = 30, pause: float = 0.25) -> tuple[dict, list[Row]]:
    load_before = load_average()
    with StreamlitServer() as server:
        health = server.wait_healthy()
        s = asyncio.run(_scenario(server, flips, views, pause))
        pages = asyncio.run(_largest_pages(server))
    with StreamlitServer(extra_args=("--browser.gatherUsageStats", "true")) as server:
        server.wait_healthy()
        p = asyncio.run(_scenario(server, PROFILED_FLIPS, PROFILED_VIEWS, pause))
    view_runs = [r for runs in s["views"].values() for r in runs]
    profiled_views = [r for runs in p["views"].values() for r in runs]
    data = {
        "pause_between_interactions_s": pause,
        "server_healthy_after_ms": ms(health),
        "first_page_load_fresh_server": {"total_ms": ms(s["cold"].seconds), "bytes": s["cold"].bytes},
        "page_load_warm": {"total_ms": ms(s["warm"].seconds), "bytes": s["warm"].bytes},
        "first_flip_new_structure": [{"total_ms": ms(r.seconds), "first_message_ms": ms(r.first_message_seconds)}
                                     for r in s["new_structure"]],
        "flips_cached": _timings(s["flips"]),
        "view_changes": {"all": _timings(view_runs), **{k: _timings(v) for k, v in s["views"].items()}},
        "largest_pages": {label: {"first_ms": ms(a.seconds), "cached_ms": ms(b.seconds), "bytes": b.bytes}
                          for label, (a, b) in pages.items()},
        "profiled_server": {
            "first_page_load_exec_ms": _exec_ms(p["cold"]),
            "first_flip_new_structure": [{"total_ms": ms(r.seconds), "exec_ms": _exec_ms(r)}
                                         for r in p["new_structure"]],
            "flips_cached": _timings(p["flips"]),
            "view_changes": _timings(profiled_views),
        },
        "load_average": [load_before, load_average()],
    }
    flip_t, view_t, prof = data["flips_cached"], data["view_changes"]["all"], data["profiled_server"]
    first_flip = s["new_structure"][0]
    rows = [
        Row("rerun", "first page load, fresh server (imports TF)", ms(s["cold"].seconds),
            note=f"script exec {prof['first_page_load_exec_ms'] or float('nan'):.0f} ms"),
        Row("rerun", "page load, warm server", ms(s["warm"].seconds)),
        Row("rerun", "first flip return_state: new model structure", ms(first_flip.seconds),
            note=f"first return_sequences flip {ms(s['new_structure'][1].seconds):.0f} ms; script exec "
                 f"{prof['first_flip_new_structure'][0]['exec_ms'] or float('nan'):.0f} ms"),
        Row("rerun", f"flip return_state, cached: median of {flips}", flip_t["total"]["median_ms"], FLIP_TARGET_MS,
            note=f"p95 {flip_t['total']['p95_ms']:.0f} ms; script exec median "
                 f"{prof['flips_cached'].get('exec', {}).get('median_ms', float('nan')):.0f} ms"),
        Row("rerun", f"view change (sample/step/unit): median of {views}", view_t["total"]["median_ms"],
            VIEW_TARGET_MS, note=f"p95 {view_t['total']['p95_ms']:.0f} ms; script exec median "
                                 f"{prof['view_changes'].get('exec', {}).get('median_ms', float('nan')):.0f} ms"),
    ]
    for label, (first_page, cached_page) in pages.items():
        rows.append(Row("rerun", f"page by link {label}, model not cached", ms(first_page.seconds), LARGEST_TARGET_MS,
                        note=f"cached {ms(cached_page.seconds):.0f} ms; {cached_page.bytes / 1e6:.1f} MB sent"))
    return data, rows
