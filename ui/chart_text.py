"""A chart in words, for readers who cannot see it: its title, what it draws, how large, and its value range."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

_TAG = re.compile(r"<[^>]+>")
_MOST_NAMES = 4  # lines named in full; the rest are counted


def _text(title: Any) -> str:
    text = title.get("text", "") if isinstance(title, dict) else title or ""
    return " ".join(_TAG.sub(" ", str(text)).split())


def _numbers(values: Any) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):  # labels, or a ragged list
        return np.empty(0)
    return array[np.isfinite(array)]


def _axis(layout: dict, trace: dict, axis: str) -> str:
    return _text(layout.get(f"{axis}axis{trace.get(f'{axis}axis', axis)[1:]}", {}).get("title"))


def _names(traces: list[dict]) -> str:
    names = [n for n in dict.fromkeys(str(t.get("name") or "") for t in traces) if n]  # in order, once each
    shown = ", ".join(names[:_MOST_NAMES])
    return shown + (f" and {len(names) - _MOST_NAMES} more" if len(names) > _MOST_NAMES else "")


def _grids(layout: dict, traces: list[dict]) -> str:
    shapes = [np.shape(t["z"]) for t in traces]
    rows, columns = _axis(layout, traces[0], "y"), _axis(layout, traces[0], "x")
    by = f" ({rows} by {columns})" if rows and columns else ""
    if len(set(shapes)) == 1:
        size = " × ".join(map(str, shapes[0]))
        named = _names(traces)
        many = len(traces) > 1
        return f"Heatmap{'s' * many}{' ' + named if named else ''}, {size}{' each' if many else ''}{by}"
    return "Heatmaps " + ", ".join(f"{t.get('name') or 'grid'} {' × '.join(map(str, s))}"
                                   for t, s in zip(traces, shapes))


def _series(traces: list[dict]) -> str:
    """Lines, or bars: how many, their names, and over how many points."""
    points = max(len(_numbers(t["y"])) for t in traces)
    named = _names(traces)
    kind = "bar series" if all(t.get("type") == "bar" for t in traces) else "line" + "s" * (len(traces) != 1)
    return (f"{len(traces)} {kind}{f' ({named})' if named else ''} over {points} "
            f"point{'s' * (points != 1)}")


def describe(figure: dict) -> str:
    """One or two sentences: "Chart: <title>. Heatmap whole_seq, 8 × 10 (unit by timestep t). Values from
    -0.31 to 0.45." Works on the figure dicts the builders return (arrays as lists or NumPy)."""
    layout = figure.get("layout") or {}
    named = (figure.get("follow") or {}).get("title") or layout.get("title")  # one that follows the timestep
    title = f"Chart: {_text(named) or 'untitled'}"
    meta = layout.get("meta")
    if isinstance(meta, dict) and meta.get("description"):  # a picture that says itself what it shows
        return f"{title}. {meta['description']}"
    grids, lines = _grids_and_lines(figure)
    parts = [title, *([_grids(layout, grids)] if grids else []), *([_series(lines)] if lines else []),
             _value_range(grids, lines, figure.get("follow"))]
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _grids_and_lines(figure: dict) -> tuple[list[dict], list[dict]]:
    """The figure's traces with values: heatmaps (z), and lines or bars (y)."""
    traces = [t for t in figure.get("data") or () if isinstance(t, dict)]
    grids = [t for t in traces if t.get("z") is not None and np.size(t["z"])]
    lines = [t for t in traces if t.get("z") is None and len(_numbers(t.get("y", ())))]
    return grids, lines


def _value_range(grids: list[dict], lines: list[dict], follow: dict | None = None) -> str:
    """From the smallest value shown to the largest; for a chart that follows the page's timestep (its values
    change in the browser), over every timestep, so that the words hold whichever step is shown."""
    steps = [_numbers(entry[key]) for entry in (follow or {}).get("data", ()) for key in ("y", "z") if key in entry]
    values = np.concatenate([_numbers(t["z"]) for t in grids] + [_numbers(t["y"]) for t in lines] + steps
                            + [np.empty(0)])
    over = " over every timestep" if follow else ""
    return f"Values{over} from {values.min():.3g} to {values.max():.3g}" if values.size else "No values yet"
