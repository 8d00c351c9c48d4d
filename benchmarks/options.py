"""The lab's rerun targets for every layer option at default sizes, against a real Streamlit server."""

from __future__ import annotations

import asyncio

from benchmarks.report import Row, load_average, ms, summary
from benchmarks.rerun import FLIP_TARGET_MS, VIEW_TARGET_MS, VIEW_WIDGETS, flip_return_state
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import Visitor, checked

OPTIONS = {
    "GRU": "layer=gru",
    "SimpleRNN": "layer=simple_rnn",
    "Bidirectional": "bidirectional=true",
    "go_backwards": "go_backwards=true",
    "stack of 2": "depth=2",
    "Dense head on sequences": "head=dense&return_sequences=true",
    "padding + mask": "lengths=10,7,4&mask=true",
    "stateful": "stateful=true",
    "relu": "activation=relu",
}


async def _option(server: StreamlitServer, query: str, flips: int, views: int, pause: float) -> dict:
    """Open the link, flip return_state (first: a new structure), flip back and forth, move the view."""
    async with Visitor(server.ws_url) as visitor:
        opened = checked(await visitor.load(f"{query}&section=step"), f"open {query}")  # step, unit drawn
        first, cached = await flip_return_state(visitor, flips, pause)
        looked = []
        for i in range(views):
            await asyncio.sleep(pause)
            name = VIEW_WIDGETS[i % len(VIEW_WIDGETS)]
            looked.append(checked(await visitor.set(**{name: 1 + i // len(VIEW_WIDGETS)}), name))
    return {"open_ms": ms(opened.seconds), "first_flip_ms": ms(first.seconds),
            "flips_cached": summary([r.seconds for r in cached]), "view_changes": summary([r.seconds for r in looked])}


def measure(flips: int = 10, views: int = 9, pause: float = 0.25) -> tuple[dict, list[Row]]:
    load_before = load_average()
    with StreamlitServer() as server:
        server.wait_healthy()
        asyncio.run(_checked_load(server))
        data = {label: asyncio.run(_option(server, query, flips, views, pause)) for label, query in OPTIONS.items()}
    rows = []
    for label, d in data.items():
        rows.append(Row("options", f"{label}: flip return_state, cached, median of {flips}",
                        d["flips_cached"]["median_ms"], FLIP_TARGET_MS,
                        note=f"first flip (new model) {d['first_flip_ms']:.0f} ms; link opened {d['open_ms']:.0f} ms"))
        rows.append(Row("options", f"{label}: view change, median of {views}", d["view_changes"]["median_ms"],
                        VIEW_TARGET_MS, note=f"p95 {d['view_changes']['p95_ms']:.0f} ms"))
    return {**data, "load_average": [load_before, load_average()]}, rows


async def _checked_load(server: StreamlitServer) -> None:
    """The first visitor of a fresh server imports TensorFlow: keep that out of the options' numbers."""
    async with Visitor(server.ws_url) as visitor:
        checked(await visitor.load(), "first page load")
