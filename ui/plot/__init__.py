"""The page's charts: one component that keeps each chart in place and updates it with Plotly.react.

Streamlit's own Plotly element is identified by its figure, so a chart whose figure changes is unmounted and
drawn anew in the browser on every rerun; here a chart is identified by its key alone, and the browser redraws
only what changed (benchmarks/README.md: click -> updated page). The figure travels as JSON bytes.
"""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
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


# plotly.js's typed arrays: NumPy dtype -> its short name (plotly's own table)
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
          "float32": "f4", "float64": "f8"}
_NARROWER = {"int64": ("int8", "int16", "int32"), "uint64": ("uint8", "uint16", "uint32")}
_UNTYPED_KEYS = frozenset(("geojson", "layer", "layers", "range"))  # plotly leaves these as they are


def typed_arrays(figure: object) -> None:
    """Every NumPy array a figure's dicts hold as plotly.js's typed array ({dtype, bdata[, shape]}: base64, not a
    list of numbers), in place; anything else is left as it is. What Plotly's own `convert_to_base64` makes of
    the arrays the builders use, at a fraction of its cost (it asks of every value whether it is a data frame)."""
    if isinstance(figure, dict):
        for key, value in figure.items():
            if key in _UNTYPED_KEYS:
                continue
            if isinstance(value, np.ndarray):
                figure[key] = _typed(value)
            else:
                typed_arrays(value)
    elif isinstance(figure, (list, tuple)):  # an array right inside a list stays as it is, as with Plotly
        for value in figure:
            typed_arrays(value)


def _typed(array: np.ndarray) -> np.ndarray | dict:
    """One array as plotly.js's typed array; one that has none (text, empty, too wide an integer) as it is."""
    if array.dtype.kind not in "uif" or array.size == 0:
        return array
    name = str(array.dtype)
    if name in _NARROWER:  # 64-bit integers narrowed to the smallest that holds them, as plotly does
        low, high = array.min(), array.max()
        name = next((n for n in _NARROWER[name] if np.iinfo(n).min <= low and high <= np.iinfo(n).max), name)
        if name not in _TYPED:
            return array
        array = array.astype(name)
    spec = {"dtype": _TYPED[name], "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = str(array.shape)[1:-1]
    return spec


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
