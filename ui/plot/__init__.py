"""The page's charts: one component that keeps each chart in place and updates it with Plotly.react.

Streamlit's own Plotly element is identified by its figure, so a chart whose figure changes is unmounted and
drawn anew in the browser on every rerun; here a chart is identified by its key alone, and the browser redraws
only what changed (benchmarks/README.md: click -> updated page). The figure travels as JSON bytes.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import streamlit as st

from ui.plot import script

# plotly.js comes from this server (ui/plot/script.py), at the address of the installed plotly's version
JS = (Path(__file__).parent / "chart.js").read_text().replace("PLOTLY_ADDRESS", script.ADDRESS)
PRELOAD = "plotly-preload"  # the hidden container of preload()
CONFIG = {"displaylogo": False, "displayModeBar": False}  # no mode bar: on a phone it covers the chart's title


def plain_value(value):
    """What orjson cannot write itself (an array of strings, a non-contiguous array, a NumPy string) as a list
    or a Python value."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be sent in a chart")


def _chart():
    return st.components.v2.component("rnnlab_chart", js=JS, isolate_styles=False)


def preload() -> None:
    """The chart without a figure: the browser begins to load plotly.js now, not once the first chart arrives
    (drawn while a page waits for its answer: ui.runs). Nothing is shown (its container is hidden: ui.style)."""
    with st.container(key=PRELOAD):
        _chart()(key="plotly-loader", data=b"")


def wire(figure: dict) -> bytes:
    """A figure dict as the chart component receives it: JSON bytes (the same for every page that shows it)."""
    return orjson.dumps({"figure": figure, "config": CONFIG}, default=plain_value, option=orjson.OPT_SERIALIZE_NUMPY)


def plotly_chart(figure: dict | bytes, key: str) -> None:
    """Draw a figure dict (Plotly's form: data, layout, optional frames), or its `wire` bytes, as the chart `key`,
    updated in place on later reruns. The page's charts are all drawn here."""
    _chart()(key=key, data=figure if isinstance(figure, bytes) else wire(figure))
