"""Plotly figures as plain dicts: pure functions of a Run and of what is looked at.

Plain dicts (not plotly.graph_objects) because building validated figure objects costs 20-100 ms
each, more than the Keras call; the page wraps them unvalidated. Time runs left to right in every
chart. Values Keras hands back are drawn solid; values it computes and throws away (recomputed
here in NumPy) are drawn dotted and faded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from rnnlab.colours import GREENS, RDBU, line_style, tensor_colour
from rnnlab.params import Config
from rnnlab.result import Part, Run

Figure = dict[str, Any]

FONT = {"size": 15, "color": "#222"}
TITLE_SIZE, SUBTITLE_SIZE = 17, 13
# Titles are wrapped to fit the narrowest chart (a phone, about 360 px): at most this many characters a line.
TITLE_CHARS, SUBTITLE_CHARS = 44, 56
TITLE_LINE, SUBTITLE_LINE = 22, 17  # pixels each line of them takes
GRID = "#e6e6e6"
# The default scheme's scales (rnnlab.colours: the page swaps them for the learner's choice):
DIVERGING = RDBU  # negative blue, zero white, positive red (ColorBrewer RdBu), readable on a projector
SEQUENTIAL = GREENS  # 0 white to 1 dark green (ColorBrewer Greens): sigmoid gates, which are never negative
MAX_WEIGHT_UNITS = 128  # larger weight matrices are shown in part: the first units of every gate block
MAX_DRAWN_UNITS = 128  # heatmaps over units show at most this many (a window around the unit looked at)
MAX_LINE_FEATURES = 8  # a patterned input with more features than this is drawn as a heatmap, not as lines
PATTERNED = ("sine", "steps")  # inputs with a shape in time worth seeing as lines
SIGMOID_GATES = ("i", "f", "o", "z", "r")  # between 0 and 1; the candidates g and h~ take the layer's activation
GATE_TITLES = {"i": "i (input gate)", "f": "f (forget gate)", "g": "g (candidate)", "o": "o (output gate)",
               "z": "z (update gate)", "r": "r (reset gate)", "h~": "h̃ (candidate)"}
# Keras's kernel blocks, named as the gates are everywhere on the page; Keras's own name for the candidate's block
# is different (LSTM: c, GRU: h), which the weights chart says.
WEIGHT_BLOCKS = {"lstm": ("i", "f", "g", "o"), "gru": ("z", "r", "h~"), "simple_rnn": ("h",)}
KERAS_BLOCK_NAMES = {"lstm": {"g": "c"}, "gru": {"h~": "h"}, "simple_rnn": {}}
SHOWN_GATES = {"h~": "h̃"}  # the GRU's candidate: 'h~' in the trace, h with a tilde on the page


def gate_name(gate: str) -> str:
    """A gate as the page writes it: the GRU's candidate as h̃, every other as its letter."""
    return SHOWN_GATES.get(gate, gate)


def plain_axis(title: str | None = None, **extra: Any) -> dict[str, Any]:
    axis = {"gridcolor": GRID, "zeroline": False, "automargin": True, **extra}
    if title:
        axis["title"] = {"text": title, "standoff": 10}
    return axis


def index_axis(title: str | None, count: int, most: int = 10, **extra: Any) -> dict[str, Any]:
    """An axis of whole positions (timestep, unit, feature, row): ticks on integers only, at most about `most`."""
    step = next((d for d in (1, 2, 5, 10, 20, 50, 100, 200, 500) if count <= max(most, 2) * d), 1000)
    return plain_axis(title, tickmode="linear", tick0=0, dtick=step, **extra)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken at spaces (a longer word keeps a line of its own)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def base_figure(traces: list[dict], title: str, height: int, subtitle: str = "", **layout: Any) -> Figure:
    """A figure with a title (and a smaller subtitle) wrapped to fit a phone. `height` and the top margin are
    those of a one-line title; every further line of title or subtitle adds its own room to both."""
    heading, note = wrap(title, TITLE_CHARS), wrap(subtitle, SUBTITLE_CHARS) if subtitle else []
    extra = TITLE_LINE * (len(heading) - 1) + SUBTITLE_LINE * len(note)
    margin = {"l": 60, "r": 20, "t": 70, "b": 50, **layout.pop("margin", {})}
    margin["t"] += extra
    title_layout = {"text": wrapped_title(title), "x": 0, "xref": "container", "xanchor": "left",
                    "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12, "l": 4},
                    "font": {"size": TITLE_SIZE}}
    if note:
        title_layout["subtitle"] = {"text": "<br>".join(note), "font": {"size": SUBTITLE_SIZE, "color": "#555"}}
    return {
        "data": traces,
        "layout": {
            "title": title_layout,
            "height": height + extra,
            "font": FONT,
            "template": {},  # no Plotly default template: it costs ~15 ms per chart to apply and send
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "margin": margin,
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
            "xaxis": plain_axis(),
            "yaxis": plain_axis(),
            **layout,
        },
    }


_PIXELS = {"size", "width", "thickness", "standoff", "xshift", "yshift", "height", "l", "r", "t", "b", "pad"}


def _scaled(value: Any, factor: float, key: str | None = None) -> Any:
    """`value` with every length in pixels (font sizes, margins, line widths, ...) times `factor`."""
    if isinstance(value, dict):
        if "bdata" in value:  # an array sent as base64
            return value
        return {k: _scaled(v, factor, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, factor, key) for v in value]
    if key in _PIXELS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value * factor
    return value


def enlarged(figure: Figure, factor: float) -> Figure:
    """The same chart `factor` times larger (type, margins, heights, marks) at the same width: for a projector,
    where the page is zoomed but a chart cannot be (Plotly lays it out at the width it is given)."""
    def scaled(data: list[dict]) -> list[dict]:
        return [{**t, **{k: _scaled(t[k], factor) for k in ("marker", "line", "colorbar", "textfont") if k in t}}
                for t in data]

    frames = [{**f, "data": scaled(f.get("data", [])),
               **({"layout": _scaled(f["layout"], factor)} if "layout" in f else {})}
              for f in figure.get("frames") or ()]
    return {**figure, "data": scaled(figure["data"]), "layout": _scaled(figure["layout"], factor),
            **({"frames": frames} if frames else {})}


def axis_id(letter: str, k: int) -> str:
    """Plotly's name of the k-th x or y axis as traces refer to it: 'x', 'x2', 'x3', ..."""
    return letter if k == 1 else f"{letter}{k}"


def axis_key(letter: str, k: int) -> str:
    """The layout key of the k-th axis: 'xaxis', 'xaxis2', ..."""
    return f"{letter}axis" if k == 1 else f"{letter}axis{k}"


def panel_label(text: str, x: float, y: float) -> dict[str, Any]:
    """A subplot title in paper coordinates."""
    return {"text": f"<b>{text}</b>", "x": x, "y": y, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}}


def symmetric_bound(values: np.ndarray) -> float:
    """The largest magnitude, for ranges symmetric about zero (1 when everything is zero)."""
    return float(np.max(np.abs(values), initial=0.0)) or 1.0


def heatmap(z: np.ndarray, x_name: str, y_name: str, name: str, bound: float | None = None,
             **extra: Any) -> dict[str, Any]:
    """z is (rows, columns) = (y, x); a colour range symmetric about zero (by default fitted to z)."""
    bound = bound if bound is not None else symmetric_bound(z)
    return {
        "type": "heatmap", "z": z, "zmin": -bound, "zmax": bound, "colorscale": DIVERGING, "name": name,
        "hovertemplate": f"{x_name} %{{x}}<br>{y_name} %{{y}}<br>{name} %{{z:.4f}}<extra></extra>",
        **extra,
    }


def _gate_heatmap(z: np.ndarray, x_name: str, y_name: str, name: str, **extra: Any) -> dict[str, Any]:
    """A sigmoid gate's values on the 0..1 sequential scale: 0 shut (white), 1 wide open (dark)."""
    return {**heatmap(z, x_name, y_name, name, **extra), "zmin": 0.0, "zmax": 1.0, "colorscale": SEQUENTIAL}


def stacked_domains(count: int, gap: float) -> list[list[float]]:
    """Split [0, 1] into `count` equal ranges with `gap` between them."""
    size = (1.0 - gap * (count - 1)) / count
    return [[k * (size + gap), k * (size + gap) + size] for k in range(count)]


def unit_window(units: int, focus: int = 0, most: int = MAX_DRAWN_UNITS) -> tuple[slice, str]:
    """The units a heatmap draws (all, or `most` around `focus`) and a note saying which."""
    if units <= most:
        return slice(0, units), ""
    start = max(0, min(focus - most // 2, units - most))
    return slice(start, start + most), f" (units {start}–{start + most - 1} of {units})"


def input_figure(run: Run, sample: int) -> Figure:
    """x[sample]: one line per feature over the timesteps for a patterned input (sine, steps) with a few features,
    else a heatmap with timesteps across and features down."""
    x = run.x[sample]
    timesteps, features = x.shape
    title = f"input x[{sample}]: (timesteps, features) = ({timesteps}, {features})"
    if run.config.input in PATTERNED and features <= MAX_LINE_FEATURES:
        shape = "hv" if run.config.input == "steps" else "linear"
        lines = [{"type": "scatter", "x": np.arange(timesteps), "y": x[:, f], "mode": "lines+markers",
                  "name": f"feature {f}", "line": {"color": style["color"], "dash": style["dash"], "width": 3,
                                                   "shape": shape},
                  "marker": {"size": 8, "symbol": style["symbol"]},
                  "hovertemplate": f"feature {f}<br>t %{{x}}: %{{y:.4f}}<extra></extra>"}
                 for f, style in ((f, line_style(f)) for f in range(features))]
        return base_figure(lines, title, 360, margin={"b": 100}, legend={"orientation": "h", "yanchor": "top",
                                                                     "y": -0.3, "x": 0},
                       xaxis=index_axis("timestep t", timesteps), yaxis=plain_axis("value"))
    return base_figure([heatmap(x.T, "timestep", "feature", "x")], title, 320,
                   xaxis=index_axis("timestep t", timesteps),
                   yaxis=index_axis("feature", features, autorange="reversed"))


def output_figure(run: Run, sample: int) -> Figure:
    """The first returned tensor for one sample: a (timesteps, width) heatmap, or the final vector as bars."""
    first = run.returns[0]
    value = first.value[sample]
    title = f"{first.name}[{sample}]: ({', '.join(first.axes[1:])}) = {tuple(value.shape)}"
    if value.ndim == 2:
        drawn, note = unit_window(value.shape[1])
        heat = heatmap(value[:, drawn].T, "timestep", "unit", first.name, y=np.arange(value.shape[1])[drawn])
        return base_figure([heat], title, 320, subtitle=note.strip(" ()"),
                       xaxis=index_axis("timestep t", value.shape[0]),
                       yaxis=index_axis("unit", min(value.shape[1], MAX_DRAWN_UNITS), autorange="reversed"))
    bars = {"type": "bar", "x": np.arange(value.size), "y": value, "name": first.name,
            "marker": {"color": tensor_colour(first.name)}, "hovertemplate": "unit %{x}<br>%{y:.4f}<extra></extra>"}
    bound = symmetric_bound(value) * 1.1
    return base_figure([bars], title, 320, xaxis=index_axis("unit", value.size),
                   yaxis=plain_axis("value", range=[-bound, bound]))


def returned_steps(run: Run, part: Part, sample: int) -> dict[str, dict[int, np.ndarray]]:
    """What Keras handed back of this part's states, for one sample: {'h' or 'c': {step: (units,) vector}},
    steps counted in the part's own processing order."""
    config = run.config
    kept: dict[str, dict[int, np.ndarray]] = {"h": {}, "c": {}}
    if part.layer != config.depth - 1:
        return kept  # a lower layer of the stack: it feeds the next layer, nothing of it is returned
    own = "backward" if part.backward else "forward"
    last = config.timesteps - 1
    for tensor in run.returns:
        value = tensor.value[sample]
        if tensor.name in ("state_h", f"{own}_h", "state_c", f"{own}_c"):
            kept[tensor.name[-1]][last] = value
            continue
        mine = _own_output(config, part, own, tensor.name, value)
        if mine is None:
            continue
        if mine.ndim == 1:
            kept["h"][last] = mine
        else:  # Bidirectional puts the backward sequence back in input time order
            kept["h"].update(enumerate(mine[::-1] if part.backward else mine))
    return kept


def _own_output(config: Config, part: Part, own: str, name: str, value: np.ndarray) -> np.ndarray | None:
    """This part's h in a returned output or sequence: all of it, its half of a concatenation, or None (merged
    by sum, mul or ave, or another part's tensor)."""
    if name in (f"{own}_output", f"{own}_seq") or (name in ("output", "whole_seq") and not config.bidirectional):
        return value
    if name in ("output", "whole_seq") and config.merge_mode == "concat":
        return value[..., config.units:] if part.backward else value[..., :config.units]
    return None


TIME = "timestep t"  # the one name of the time axis, on every chart and control of the page
BACKWARDS = f"{TIME} (read from the last to the first)"


def time_axis(run: Run, part: Part) -> tuple[np.ndarray, str]:
    """x positions of a part's processing steps: the input timestep each step read."""
    steps = np.arange(run.config.timesteps)
    if part.reads_backwards:
        return steps[::-1], BACKWARDS
    return steps, TIME


def at_step(run: Run, part: Part, step: int) -> str:
    """'t=3', the input timestep a part's processing step read; a part reading backwards says its step too."""
    t = run.config.timesteps - 1 - step if part.reads_backwards else step
    return f"t={t}" + (f" (its step {step}, reading from the last)" if part.reads_backwards else "")


RETURNED_OR_NOT = "solid = returned by Keras, dotted = thrown away"


def states_figure(run: Run, part: Part, sample: int, units: Sequence[int]) -> Figure:
    """h_t (and c_t) at every step for the chosen units; solid where Keras returns the value."""
    kept = returned_steps(run, part, sample)
    position, x_title = time_axis(run, part)
    states = ("h", "c") if part.trace.c is not None else ("h",)
    traces = []
    for row, state in enumerate(states, start=1):
        values = getattr(part.trace, state)[sample]
        steps = sorted(kept[state])
        axes = {"xaxis": axis_id("x", row), "yaxis": axis_id("y", row)}
        for k, unit in enumerate(units):
            style = line_style(k)  # units differ by colour and by marker symbol
            color, symbol = style["color"], style["symbol"]
            traces.append({
                "type": "scatter", "x": position, "y": values[:, unit], "mode": "lines+markers", **axes,
                "line": {"color": color, "dash": "dot", "width": 2}, "opacity": 0.45,
                "marker": {"size": 6, "symbol": f"{symbol}-open" if symbol not in ("x", "cross") else symbol},
                "name": "computed, thrown away", "legendgroup": "faded", "showlegend": row == 1 and k == 0,
                "hovertemplate": f"{state}_t, unit {unit}<br>t %{{x}}: %{{y:.4f}} (not returned)<extra></extra>",
            })
            if steps:
                traces.append({
                    "type": "scatter", "x": position[steps], "y": [kept[state][t][unit] for t in steps], **axes,
                    "mode": "lines+markers", "line": {"color": color, "width": 3},
                    "marker": {"size": 11, "symbol": symbol},
                    "name": f"unit {unit}", "legendgroup": f"unit{unit}", "showlegend": row == 1,
                    "hovertemplate": f"{state}_t, unit {unit}<br>t %{{x}}: %{{y:.4f}} (returned)<extra></extra>",
                })
    titles = {"h": "hidden state h_t", "c": "cell state c_t"}
    if len(states) == 1:
        return base_figure(traces, f"h_t at every timestep ({part.label})", 440, subtitle=RETURNED_OR_NOT,
                       margin={"l": 60, "r": 20, "t": 70, "b": 120},
                       legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0},
                       xaxis=index_axis(x_title, run.config.timesteps), yaxis=plain_axis("h_t"))
    top, bottom = stacked_domains(2, 0.12)[::-1]
    return base_figure(
        traces, f"h_t and c_t at every timestep ({part.label})", 620, subtitle=RETURNED_OR_NOT,
        margin={"l": 60, "r": 20, "t": 70, "b": 120},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        xaxis=index_axis(None, run.config.timesteps, anchor="y", matches="x2", showticklabels=False),
        xaxis2=index_axis(x_title, run.config.timesteps, anchor="y2"),
        yaxis=plain_axis("h_t", domain=top),
        yaxis2=plain_axis("c_t", domain=bottom),
        annotations=[panel_label(titles["h"], 0.5, top[1]), panel_label(titles["c"], 0.5, bottom[1])],
    )


def _gate_scale(gate: str, values: np.ndarray) -> dict[str, Any]:
    """How a gate is coloured: sigmoid gates 0..1 on the sequential scale, a candidate (tanh, or the layer's
    activation) on the diverging one, symmetric about zero and at least -1..1."""
    if gate in SIGMOID_GATES:
        return {"zmin": 0.0, "zmax": 1.0, "colorscale": SEQUENTIAL}
    bound = max(1.0, symmetric_bound(values))
    return {"zmin": -bound, "zmax": bound, "colorscale": DIVERGING}


def _gate_trace(gate: str, values: np.ndarray, units: np.ndarray, k: int, domain: list[float]) -> dict[str, Any]:
    """The k-th gate's heatmap (units x input timesteps), its colour bar beside its own panel."""
    scale = _gate_scale(gate, values)
    ticks = [0, 0.5, 1] if gate in SIGMOID_GATES else [scale["zmin"], 0, scale["zmax"]]
    colorbar = {"len": domain[1] - domain[0], "y": sum(domain) / 2, "yanchor": "middle", "thickness": 14,
                "tickvals": ticks, "tickformat": ".2~g"}
    return {**heatmap(values, "t", "unit", gate_name(gate), y=units, xaxis=axis_id("x", k), yaxis=axis_id("y", k),
                      colorbar=colorbar), **scale}


def _gate_axes(k: int, last: str, steps: int, units: int, px: int, domain: list[float]) -> dict[str, Any]:
    """The k-th gate panel's axes: one time axis shared by all, titled `last` under the last panel only."""
    shared = {"matches": "x"} if k > 1 else {}
    return {axis_key("x", k): index_axis(last or None, steps, anchor=axis_id("y", k),
                                         showticklabels=bool(last), **({} if last else {"ticks": ""}), **shared),
            axis_key("y", k): index_axis("unit", units, px // 20, domain=domain, autorange="reversed")}


def gates_figure(run: Run, part: Part, sample: int) -> Figure | None:
    """Each gate at every step, one (units x timesteps) heatmap per gate, stacked on one time axis (the input's
    timestep t, a part reading backwards too); sigmoid gates on a 0..1 scale, the candidate on a scale about zero.
    None without gates."""
    gates = list(part.trace.gates)
    if not gates:
        return None
    drawn, note = unit_window(run.config.units)
    units = np.arange(run.config.units)[drawn]
    steps = run.config.timesteps
    px = int(min(max(2.2 * units.size, 84), 130))  # plot height of each gate
    gap = 56  # room for the next gate's title and the step ticks
    plot_height = len(gates) * px + gap * (len(gates) - 1)
    traces, layout, labels = [], {}, []
    top = 1.0
    order, x_title = time_axis(run, part)
    for k, gate in enumerate(gates, start=1):
        domain = [max(top - px / plot_height, 0.0), top]
        top = domain[0] - gap / plot_height
        values = part.trace.gates[gate][sample][:, drawn].T[:, np.argsort(order)]  # columns in input time
        traces.append(_gate_trace(gate, values, units, k, domain))
        layout.update(_gate_axes(k, x_title if k == len(gates) else "", steps, units.size, px, domain))
        labels.append({**panel_label(GATE_TITLES[gate], 0, domain[1]), "xanchor": "left", "yshift": 2})
    sigmoid = ", ".join(g for g in gates if g in SIGMOID_GATES)
    candidate = gate_name(next(g for g in gates if g not in SIGMOID_GATES))
    return base_figure(traces, f"gates at every step ({part.label})", plot_height + 120,
                   subtitle=f"{sigmoid}: sigmoid, 0 (shut) to 1 (open); {candidate}: {run.config.activation}"
                   f"{note}", margin={"t": 76}, annotations=labels, **layout)


def step_vectors(part: Part, sample: int, step: int) -> dict[str, np.ndarray]:
    """Every vector of the update at one processing step: gates, previous and new states, each (units,)."""
    steps = part.trace
    rows = {f"{gate_name(g)}_t": value[sample, step] for g, value in steps.gates.items()}
    for state in ("c", "h"):
        values = getattr(steps, state)
        if values is not None:
            rows[f"{state}_(t-1)"] = values[sample, step - 1] if step > 0 else np.zeros_like(values[sample, 0])
            rows[f"{state}_t"] = values[sample, step]
    return rows


class StepGrids(NamedTuple):
    """The vectors at one step as the step chart draws them: signed values (gate rows empty), the sigmoid gates
    (other rows empty; None without them), the signed scale's bound."""

    values: np.ndarray
    gates: np.ndarray | None
    bound: float


def step_grids(run: Run, part: Part, sample: int, step: int, unit: int, most: int = MAX_DRAWN_UNITS) -> StepGrids:
    """The step chart's two grids at processing step `step`, over the units drawn around `unit` (at most
    `most`)."""
    rows = step_vectors(part, sample, step)
    drawn, _ = unit_window(run.config.units, unit, most)
    z = np.stack(list(rows.values()))[:, drawn].astype(float)
    gated = np.array([name.removesuffix("_t") in SIGMOID_GATES for name in rows])
    values = np.where(gated[:, None], np.nan, z)  # each trace leaves the other's rows empty
    bound = max(1.0, symmetric_bound(values[~gated]))
    return StepGrids(values, np.where(gated[:, None], z, np.nan) if gated.any() else None, bound)


def step_figure(run: Run, part: Part, sample: int, step: int, unit: int, most: int = MAX_DRAWN_UNITS) -> Figure:
    """The vectors at one step across units (at most `most`, around `unit`), with the chosen unit marked: sigmoid
    gates on the 0..1 scale, the candidate and the states on one scale about zero."""
    names = list(step_vectors(part, sample, step))
    drawn, note = unit_window(run.config.units, unit, most)
    grids = step_grids(run, part, sample, step, unit, most)
    x = np.arange(run.config.units)[drawn]
    scale = {"thickness": 14, "len": 0.42 if grids.gates is not None else 1.0}
    traces = [heatmap(grids.values, "unit", "vector", "value", grids.bound, y=names, x=x, hoverongaps=False,
                       colorbar={**scale, "y": 0.0, "yanchor": "bottom", "tickvals": [-grids.bound, 0, grids.bound],
                                 "tickformat": ".2~g"})]
    subtitle = f"the box marks unit {unit}{note}"
    if grids.gates is not None:
        traces.append(_gate_heatmap(grids.gates, "unit", "vector", "gate", y=names, x=x, hoverongaps=False,
                                    colorbar={**scale, "y": 1.0, "yanchor": "top", "tickvals": [0, 0.5, 1]}))
        sigmoid = ", ".join(n.removesuffix("_t") for n in names if n.removesuffix("_t") in SIGMOID_GATES)
        subtitle += f"; the sigmoid gates {sigmoid} in green, from 0 to 1"
    marker = {"type": "rect", "x0": unit - 0.5, "x1": unit + 0.5, "y0": -0.5, "y1": len(names) - 0.5,
              "line": {"color": "black", "width": 3}}
    return base_figure(traces, step_title(run, part, sample, step),
                   150 + 38 * len(names), subtitle=subtitle, xaxis=index_axis("unit", x.size),
                   yaxis=plain_axis(autorange="reversed", type="category", categoryorder="array", categoryarray=names),
                   shapes=[marker])


def step_title(run: Run, part: Part, sample: int, step: int) -> str:
    """The step chart's title."""
    return f"every vector at {at_step(run, part, step)} ({part.label}, sample {sample})"


def wrapped_title(title: str) -> str:
    """A title as base_figure sets it: wrapped to fit a phone."""
    return "<br>".join(wrap(title, TITLE_CHARS))


def weights_figure(run: Run, part: Part) -> Figure:
    """kernel, recurrent_kernel and bias of one part, split into Keras's gate blocks."""
    units = run.config.units
    blocks = WEIGHT_BLOCKS[run.config.layer]
    shown = min(units, MAX_WEIGHT_UNITS)
    columns = np.concatenate([np.arange(shown) + block * units for block in range(len(blocks))])
    bias = part.weights["bias"]
    matrices = {
        "kernel": part.weights["kernel"][:, columns],
        "recurrent_kernel": part.weights["recurrent_kernel"][:shown][:, columns],
        "bias": (bias if bias.ndim == 2 else bias[None])[:, columns],
    }
    pixels = [min(max(22 * m.shape[0], 90), 320) for m in matrices.values()]  # plot height of each matrix
    gap = 80  # room for the next matrix's title and the axis ticks
    plot_height = sum(pixels) + gap * (len(pixels) - 1)
    traces, layout, labels, shapes = [], {}, [], []
    top = 1.0
    for k, ((name, matrix), px) in enumerate(zip(matrices.items(), pixels), start=1):
        domain = [max(top - px / plot_height, 0.0), top]
        top = domain[0] - gap / plot_height
        traces.append(_weight_trace(name, matrix, k, px, domain))
        layout.update(_weight_axes(matrix, k, domain))
        labels.append({**panel_label(f"{name} {tuple(part.weights[name].shape)}", 0.5, domain[1]), "yshift": 4})
        shapes += [{"type": "line", "xref": axis_id("x", k), "yref": f"{axis_id('y', k)} domain",
                    "x0": b * shown - 0.5, "x1": b * shown - 0.5, "y0": 0, "y1": 1,
                    "line": {"color": "black", "width": 3}} for b in range(1, len(blocks))]
    labels += [{"text": f"<b>{gate_name(gate)}</b>", "x": (b + 0.5) * shown - 0.5, "xref": "x", "y": 1.0,
                "yref": "paper", "yanchor": "bottom", "yshift": 30, "showarrow": False, "font": {"size": 20}}
               for b, gate in enumerate(blocks) if len(blocks) > 1]
    return base_figure(traces, f"weights of {part.label}", plot_height + 170,
                       subtitle="; ".join(_weight_notes(run, blocks, shown)),
                       margin={"l": 60, "r": 20, "t": 120, "b": 50}, annotations=labels, shapes=shapes, **layout)


def _weight_trace(name: str, matrix: np.ndarray, k: int, px: int, domain: list[float]) -> dict[str, Any]:
    """One weight matrix's heatmap, its colour bar beside its own panel (ticks written out when it is short)."""
    bound = symmetric_bound(matrix)
    colorbar = {"len": domain[1] - domain[0], "y": sum(domain) / 2, "thickness": 14,
                **({"tickvals": [-bound, 0, bound], "tickformat": ".2~g"} if px < 150 else {})}
    return heatmap(matrix, "column", "row", name, bound, xaxis=axis_id("x", k), yaxis=axis_id("y", k),
                   colorbar=colorbar)


def _weight_axes(matrix: np.ndarray, k: int, domain: list[float]) -> dict[str, Any]:
    """The k-th matrix's axes: columns shared by all matrices, rows down (a one-row bias without them)."""
    shared = {"matches": "x"} if k > 1 else {}
    rows = {} if matrix.shape[0] > 1 else {"visible": False}
    return {axis_key("x", k): index_axis(None, matrix.shape[1], anchor=axis_id("y", k), showgrid=False, **shared),
            axis_key("y", k): index_axis(None, matrix.shape[0], domain=domain, autorange="reversed",
                                         showgrid=False, **rows)}


def _weight_notes(run: Run, blocks: tuple[str, ...], shown: int) -> list[str]:
    """The weights' subtitle: Keras's gate order, the blocks Keras names otherwise, how many units are drawn."""
    notes = []
    if len(blocks) > 1:
        notes.append(f"in Keras's gate order {' | '.join(map(gate_name, blocks))}")
        notes += [f"{GATE_TITLES[ours]} is the block Keras calls {keras}"
                  for ours, keras in KERAS_BLOCK_NAMES[run.config.layer].items()]
    if shown < run.config.units:
        notes.append(f"the first {shown} of {run.config.units} units of each block")
    return notes


def path(points: list[tuple[float, float]], colour: str, width: float = 1.2, head: bool = False,
         dash: str = "solid", head_size: float | None = None) -> dict[str, Any]:
    """A bent line through `points` (with an arrowhead at the end when `head`, of `head_size`, by default in
    proportion to the width), drawn by `line_traces`."""
    return {"path": points, "colour": colour, "width": width, "head": head, "dash": dash,
            "head_size": 5 + 2.5 * width if head_size is None else head_size}


HEADS = {(1, 0): "triangle-right", (-1, 0): "triangle-left", (0, 1): "triangle-up", (0, -1): "triangle-down"}


def line_traces(lines: list[dict], name: str = "flow") -> list[dict]:
    """Every line of a drawing (`path`) as a few scatter traces named `name` (one per colour, width and dash: far
    lighter for the browser than one annotation per arrow), and one trace of arrowheads pointing along each last
    segment."""
    groups: dict[tuple[str, float, str], tuple[list, list]] = {}
    heads: tuple[list, list, list, list, list] = ([], [], [], [], [])
    for line in lines:
        xs, ys = groups.setdefault((line["colour"], line["width"], line["dash"]), ([], []))
        xs += [x for x, _ in line["path"]] + [None]
        ys += [y for _, y in line["path"]] + [None]
        if line["head"]:
            (xa, ya), (xb, yb) = line["path"][-2:]
            way = (1 if xb > xa else -1, 0) if abs(xb - xa) >= abs(yb - ya) else (0, 1 if yb > ya else -1)
            for values, value in zip(heads, (xb, yb, HEADS[way], line["colour"], line["head_size"])):
                values.append(value)
    traces = [{"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip", "showlegend": False,
               "name": name, "line": {"color": colour, "width": width, "dash": dash}}
              for (colour, width, dash), (xs, ys) in groups.items()]
    x, y, symbols, colours_, sizes = heads
    traces.append({"type": "scatter", "x": x, "y": y, "mode": "markers", "name": "arrowheads", "hoverinfo": "skip",
                   "cliponaxis": False,
                   "showlegend": False, "marker": {"symbol": symbols, "color": colours_, "size": sizes}})
    return traces
