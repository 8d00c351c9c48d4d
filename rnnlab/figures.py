"""Plotly figures as plain dicts: pure functions of a Run and of what is looked at.

Plain dicts (not plotly.graph_objects) because building validated figure objects costs 20-100 ms
each, more than the Keras call; the page wraps them unvalidated. Time runs left to right in every
chart. Values Keras hands back are drawn solid; values it computes and throws away (recomputed
here in NumPy) are drawn dotted and faded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rnnlab.result import Part, Run

Figure = dict[str, Any]

FONT = {"size": 15, "color": "#222"}
GRID = "#e6e6e6"
# negative blue, zero white, positive red (ColorBrewer RdBu), readable on a projector
DIVERGING = [[0.0, "#2166ac"], [0.25, "#67a9cf"], [0.5, "#f7f7f7"], [0.75, "#ef8a62"], [1.0, "#b2182b"]]
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
MAX_WEIGHT_UNITS = 128  # larger weight matrices are shown in part: the first units of every gate block
MAX_DRAWN_UNITS = 128  # heatmaps over units show at most this many (a window around the unit looked at)
GATE_TITLES = {"i": "i: input gate", "f": "f: forget gate", "g": "g: candidate", "o": "o: output gate",
               "z": "z: update gate", "r": "r: reset gate", "h~": "h~: candidate"}
WEIGHT_BLOCKS = {"lstm": ("i", "f", "c", "o"), "gru": ("z", "r", "h"), "simple_rnn": ("h",)}


def _axis(title: str | None = None, **extra: Any) -> dict[str, Any]:
    axis = {"gridcolor": GRID, "zeroline": False, "automargin": True, **extra}
    if title:
        axis["title"] = {"text": title, "standoff": 10}
    return axis


def _figure(traces: list[dict], title: str, height: int, **layout: Any) -> Figure:
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "x": 0, "xanchor": "left"},
            "height": height,
            "font": FONT,
            "template": {},  # no Plotly default template: it costs ~15 ms per chart to apply and send
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
            "xaxis": _axis(),
            "yaxis": _axis(),
            **layout,
        },
    }


def _axis_id(letter: str, k: int) -> str:
    """Plotly's name of the k-th x or y axis as traces refer to it: 'x', 'x2', 'x3', ..."""
    return letter if k == 1 else f"{letter}{k}"


def _axis_key(letter: str, k: int) -> str:
    """The layout key of the k-th axis: 'xaxis', 'xaxis2', ..."""
    return f"{letter}axis" if k == 1 else f"{letter}axis{k}"


def _label(text: str, x: float, y: float) -> dict[str, Any]:
    """A subplot title in paper coordinates."""
    return {"text": f"<b>{text}</b>", "x": x, "y": y, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}}


def _bound(values: np.ndarray) -> float:
    """The largest magnitude, for ranges symmetric about zero (1 when everything is zero)."""
    return float(np.max(np.abs(values), initial=0.0)) or 1.0


def _heatmap(z: np.ndarray, x_name: str, y_name: str, name: str, bound: float | None = None,
             **extra: Any) -> dict[str, Any]:
    """z is (rows, columns) = (y, x); a colour range symmetric about zero (by default fitted to z)."""
    bound = bound if bound is not None else _bound(z)
    return {
        "type": "heatmap", "z": z, "zmin": -bound, "zmax": bound, "colorscale": DIVERGING, "name": name,
        "hovertemplate": f"{x_name} %{{x}}<br>{y_name} %{{y}}<br>{name} %{{z:.4f}}<extra></extra>",
        **extra,
    }


def _domains(count: int, gap: float) -> list[list[float]]:
    """Split [0, 1] into `count` equal ranges with `gap` between them."""
    size = (1.0 - gap * (count - 1)) / count
    return [[k * (size + gap), k * (size + gap) + size] for k in range(count)]


def _window(units: int, focus: int = 0) -> tuple[slice, str]:
    """The units a heatmap draws (all, or MAX_DRAWN_UNITS around `focus`) and a note saying which."""
    if units <= MAX_DRAWN_UNITS:
        return slice(0, units), ""
    start = max(0, min(focus - MAX_DRAWN_UNITS // 2, units - MAX_DRAWN_UNITS))
    return slice(start, start + MAX_DRAWN_UNITS), f" (units {start}–{start + MAX_DRAWN_UNITS - 1} of {units})"


def input_figure(run: Run, sample: int) -> Figure:
    """x[sample]: timesteps across, features down."""
    x = run.x[sample]
    timesteps, features = x.shape
    return _figure(
        [_heatmap(x.T, "timestep", "feature", "x")],
        f"input x[{sample}]: (timesteps, features) = ({timesteps}, {features})", 320,
        xaxis=_axis("timestep t"), yaxis=_axis("feature", autorange="reversed"),
    )


def output_figure(run: Run, sample: int) -> Figure:
    """The first returned tensor for one sample: a (timesteps, width) heatmap, or the final vector as bars."""
    first = run.returns[0]
    value = first.value[sample]
    title = f"{first.name}[{sample}]: ({', '.join(first.axes[1:])}) = {tuple(value.shape)}"
    if value.ndim == 2:
        drawn, note = _window(value.shape[1])
        heat = _heatmap(value[:, drawn].T, "timestep", "unit", first.name, y=np.arange(value.shape[1])[drawn])
        return _figure([heat], title + note, 320, xaxis=_axis("timestep t"), yaxis=_axis("unit", autorange="reversed"))
    bars = {"type": "bar", "x": np.arange(value.size), "y": value, "name": first.name,
            "marker": {"color": PALETTE[0]}, "hovertemplate": "unit %{x}<br>%{y:.4f}<extra></extra>"}
    bound = _bound(value) * 1.1
    return _figure([bars], title, 320, xaxis=_axis("unit"), yaxis=_axis("value", range=[-bound, bound]))


def returned_steps(run: Run, part: Part, sample: int) -> dict[str, dict[int, np.ndarray]]:
    """What Keras handed back of this part's states, for one sample: {'h' or 'c': {step: (units,) vector}},
    steps counted in the part's own processing order."""
    config = run.config
    kept: dict[str, dict[int, np.ndarray]] = {"h": {}, "c": {}}
    if part.layer != config.depth - 1:
        return kept  # a lower layer of the stack: it feeds the next layer, nothing of it is returned
    own = "backward" if part.backward else "forward"
    last, units = config.timesteps - 1, config.units
    for tensor in run.returns:
        name, value = tensor.name, tensor.value[sample]
        if name in ("state_h", f"{own}_h", "state_c", f"{own}_c"):
            kept[name[-1]][last] = value
            continue
        if name in (f"{own}_output", f"{own}_seq") or (name in ("output", "whole_seq") and not config.bidirectional):
            mine = value
        elif name in ("output", "whole_seq") and config.merge_mode == "concat":
            mine = value[..., units:] if part.backward else value[..., :units]
        else:
            continue  # merged by sum, mul or ave, or another part's tensor: not this part's h
        if mine.ndim == 1:
            kept["h"][last] = mine
        else:  # Bidirectional puts the backward sequence back in input time order
            kept["h"].update(enumerate(mine[::-1] if part.backward else mine))
    return kept


def _time_axis(run: Run, part: Part) -> tuple[np.ndarray, str]:
    """x positions of a part's processing steps: the input timestep each step read."""
    steps = np.arange(run.config.timesteps)
    if part.reads_backwards:
        return steps[::-1], "input timestep t read (this part reads from the last to the first)"
    return steps, "timestep t"


def states_figure(run: Run, part: Part, sample: int, units: Sequence[int]) -> Figure:
    """h_t (and c_t) at every step for the chosen units; solid where Keras returns the value."""
    kept = returned_steps(run, part, sample)
    position, x_title = _time_axis(run, part)
    states = ("h", "c") if part.trace.c is not None else ("h",)
    traces = []
    for row, state in enumerate(states, start=1):
        values = getattr(part.trace, state)[sample]
        steps = sorted(kept[state])
        axes = {"xaxis": _axis_id("x", row), "yaxis": _axis_id("y", row)}
        for k, unit in enumerate(units):
            color = PALETTE[k % len(PALETTE)]
            traces.append({
                "type": "scatter", "x": position, "y": values[:, unit], "mode": "lines", **axes,
                "line": {"color": color, "dash": "dot", "width": 2}, "opacity": 0.4,
                "name": "computed, thrown away", "legendgroup": "faded", "showlegend": row == 1 and k == 0,
                "hovertemplate": f"{state}_t, unit {unit}<br>t %{{x}}: %{{y:.4f}} (not returned)<extra></extra>",
            })
            if steps:
                traces.append({
                    "type": "scatter", "x": position[steps], "y": [kept[state][t][unit] for t in steps], **axes,
                    "mode": "lines+markers", "line": {"color": color, "width": 3}, "marker": {"size": 10},
                    "name": f"unit {unit}", "legendgroup": f"unit{unit}", "showlegend": row == 1,
                    "hovertemplate": f"{state}_t, unit {unit}<br>t %{{x}}: %{{y:.4f}} (returned)<extra></extra>",
                })
    titles = {"h": "hidden state h_t", "c": "cell state c_t"}
    if len(states) == 1:
        return _figure(traces, f"h_t at every timestep ({part.label}): solid = returned by Keras, dotted = "
                       "thrown away", 440, margin={"l": 60, "r": 20, "t": 70, "b": 120},
                       legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0},
                       xaxis=_axis(x_title), yaxis=_axis("h_t"))
    top, bottom = _domains(2, 0.12)[::-1]
    return _figure(
        traces, f"h_t and c_t at every timestep ({part.label}): solid = returned by Keras, dotted = thrown away",
        620, margin={"l": 60, "r": 20, "t": 70, "b": 120},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        xaxis=_axis(anchor="y", matches="x2", showticklabels=False),
        xaxis2=_axis(x_title, anchor="y2"),
        yaxis=_axis("h_t", domain=top),
        yaxis2=_axis("c_t", domain=bottom),
        annotations=[_label(titles["h"], 0.5, top[1]), _label(titles["c"], 0.5, bottom[1])],
    )


def gates_figure(run: Run, part: Part, sample: int) -> Figure | None:
    """Each gate at every step, one (units x steps) heatmap per gate, on one colour scale; None without gates."""
    gates = list(part.trace.gates)
    if not gates:
        return None
    columns = _domains(len(gates), 0.02)
    drawn, note = _window(run.config.units)
    traces, layout, labels = [], {}, []
    for k, (gate, domain) in enumerate(zip(gates, columns), start=1):
        traces.append(_heatmap(part.trace.gates[gate][sample][:, drawn].T, "step", "unit", gate, 1.0,
                               y=np.arange(run.config.units)[drawn], xaxis=_axis_id("x", k), yaxis="y",
                               showscale=k == len(gates)))
        layout[_axis_key("x", k)] = _axis("step", domain=domain, anchor="y")
        labels.append(_label(GATE_TITLES[gate], sum(domain) / 2, 1.0))
    return _figure(traces, f"gates at every step ({part.label}): sigmoid gates between 0 and 1{note}", 400,
                   yaxis=_axis("unit", autorange="reversed"), annotations=labels, **layout)


def step_vectors(part: Part, sample: int, step: int) -> dict[str, np.ndarray]:
    """Every vector of the update at one processing step: gates, previous and new states, each (units,)."""
    steps = part.trace
    rows = {f"{g}_t": value[sample, step] for g, value in steps.gates.items()}
    for state in ("c", "h"):
        values = getattr(steps, state)
        if values is not None:
            rows[f"{state}_(t-1)"] = values[sample, step - 1] if step > 0 else np.zeros_like(values[sample, 0])
            rows[f"{state}_t"] = values[sample, step]
    return rows


def step_figure(run: Run, part: Part, sample: int, step: int, unit: int) -> Figure:
    """The vectors at one step across units, with the chosen unit marked."""
    rows = step_vectors(part, sample, step)
    drawn, note = _window(run.config.units, unit)
    z = np.stack(list(rows.values()))[:, drawn]
    bound = max(1.0, _bound(z))
    heat = _heatmap(z, "unit", "vector", "value", bound, y=list(rows), x=np.arange(run.config.units)[drawn])
    marker = {"type": "rect", "x0": unit - 0.5, "x1": unit + 0.5, "y0": -0.5, "y1": len(rows) - 0.5,
              "line": {"color": "black", "width": 3}}
    return _figure([heat], f"every vector at step {step} ({part.label}, sample {sample}); the box marks unit "
                   f"{unit}{note}", 140 + 34 * len(rows), xaxis=_axis("unit"), yaxis=_axis(autorange="reversed"),
                   shapes=[marker])


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
        x_id, y_id = _axis_id("x", k), _axis_id("y", k)
        colorbar = {"len": domain[1] - domain[0], "y": sum(domain) / 2, "thickness": 14}
        traces.append(_heatmap(matrix, "column", "row", name, xaxis=x_id, yaxis=y_id, colorbar=colorbar))
        layout[_axis_key("x", k)] = _axis(anchor=y_id, showgrid=False, **({"matches": "x"} if k > 1 else {}))
        layout[_axis_key("y", k)] = _axis(domain=domain, autorange="reversed", showgrid=False,
                                          **({} if matrix.shape[0] > 1 else {"visible": False}))
        labels.append(_label(f"{name} {tuple(part.weights[name].shape)}", 0.5, domain[1]))
        labels[-1]["yshift"] = 4
        shapes += [{"type": "line", "xref": x_id, "yref": f"{y_id} domain", "x0": b * shown - 0.5,
                    "x1": b * shown - 0.5, "y0": 0, "y1": 1, "line": {"color": "black", "width": 3}}
                   for b in range(1, len(blocks))]
    labels += [{"text": f"<b>{gate}</b>", "x": (b + 0.5) * shown - 0.5, "xref": "x", "y": 1.0, "yref": "paper",
                "yanchor": "bottom", "yshift": 30, "showarrow": False, "font": {"size": 20}}
               for b, gate in enumerate(blocks) if len(blocks) > 1]
    partial = f" (first {shown} of {units} units of each block)" if shown < units else ""
    order = f" in Keras's gate order {' | '.join(blocks)}" if len(blocks) > 1 else ""
    return _figure(traces, f"weights of {part.label}{order}{partial}", plot_height + 170,
                   margin={"l": 60, "r": 20, "t": 120, "b": 50}, annotations=labels, shapes=shapes, **layout)
