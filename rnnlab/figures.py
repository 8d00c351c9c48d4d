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

from rnnlab.run import Run
from rnnlab.trace import LSTM_GATES

Figure = dict[str, Any]

FONT = {"size": 15, "color": "#222"}
GRID = "#e6e6e6"
# negative blue, zero white, positive red (ColorBrewer RdBu), readable on a projector
DIVERGING = [[0.0, "#2166ac"], [0.25, "#67a9cf"], [0.5, "#f7f7f7"], [0.75, "#ef8a62"], [1.0, "#b2182b"]]
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
MAX_WEIGHT_UNITS = 128  # larger weight matrices are shown in part: the first units of every gate block
GATE_TITLES = {"i": "i: input gate", "f": "f: forget gate", "g": "g: candidate", "o": "o: output gate"}


def _axis(title: str | None = None, **extra: Any) -> dict[str, Any]:
    axis = {"gridcolor": GRID, "zeroline": False, "automargin": True, **extra}
    if title:
        axis["title"] = {"text": title}
    return axis


def _figure(traces: list[dict], title: str, height: int, **layout: Any) -> Figure:
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "x": 0, "xanchor": "left"},
            "height": height,
            "font": FONT,
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
    """The first returned tensor for one sample: a (timesteps, units) heatmap, or the final vector as bars."""
    first = run.returns[0]
    value = first.value[sample]
    title = f"{first.name}[{sample}]: ({', '.join(first.axes[1:])}) = {tuple(value.shape)}"
    if first.name == "whole_seq":
        return _figure([_heatmap(value.T, "timestep", "unit", first.name)], title, 320,
                       xaxis=_axis("timestep t"), yaxis=_axis("unit", autorange="reversed"))
    bars = {"type": "bar", "x": np.arange(value.size), "y": value, "name": first.name,
            "marker": {"color": PALETTE[0]}, "hovertemplate": "unit %{x}<br>%{y:.4f}<extra></extra>"}
    bound = _bound(value) * 1.1
    return _figure([bars], title, 320, xaxis=_axis("unit"), yaxis=_axis("value", range=[-bound, bound]))


def returned_states(run: Run, sample: int) -> dict[str, dict[int, np.ndarray]]:
    """What Keras handed back for one sample: {'h' or 'c': {timestep: (units,) vector}}."""
    last = run.config.timesteps - 1
    kept: dict[str, dict[int, np.ndarray]] = {"h": {}, "c": {}}
    for tensor in run.returns:
        if tensor.name == "whole_seq":
            kept["h"].update(enumerate(tensor.value[sample]))
        elif tensor.name in ("output", "state_h"):
            kept["h"][last] = tensor.value[sample]
        elif tensor.name == "state_c":
            kept["c"][last] = tensor.value[sample]
    return kept


def states_figure(run: Run, sample: int, units: Sequence[int]) -> Figure:
    """h_t (top) and c_t (bottom) at every timestep for the chosen units; solid where Keras returns the value."""
    kept = returned_states(run, sample)
    steps = np.arange(run.config.timesteps)
    traces = []
    for row, state in enumerate(("h", "c"), start=1):
        values = getattr(run.trace, state)[sample]
        times = sorted(kept[state])
        axes = {"xaxis": _axis_id("x", row), "yaxis": _axis_id("y", row)}
        for k, unit in enumerate(units):
            color = PALETTE[k % len(PALETTE)]
            traces.append({
                "type": "scatter", "x": steps, "y": values[:, unit], "mode": "lines", **axes,
                "line": {"color": color, "dash": "dot", "width": 2}, "opacity": 0.4,
                "name": "computed, thrown away", "legendgroup": "faded", "showlegend": row == 1 and k == 0,
                "hovertemplate": f"{state}_t, unit {unit}<br>t %{{x}}: %{{y:.4f}} (not returned)<extra></extra>",
            })
            if times:
                traces.append({
                    "type": "scatter", "x": times, "y": [kept[state][t][unit] for t in times], **axes,
                    "mode": "lines+markers", "line": {"color": color, "width": 3}, "marker": {"size": 10},
                    "name": f"unit {unit}", "legendgroup": f"unit{unit}", "showlegend": row == 1,
                    "hovertemplate": f"{state}_t, unit {unit}<br>t %{{x}}: %{{y:.4f}} (returned)<extra></extra>",
                })
    top, bottom = _domains(2, 0.12)[::-1]
    return _figure(
        traces, "h_t and c_t at every timestep: solid = returned by Keras, dotted = thrown away", 620,
        margin={"l": 60, "r": 20, "t": 70, "b": 120}, legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        xaxis=_axis(anchor="y", matches="x2", showticklabels=False),
        xaxis2=_axis("timestep t", anchor="y2"),
        yaxis=_axis("h_t", domain=top),
        yaxis2=_axis("c_t", domain=bottom),
        annotations=[_label("hidden state h_t", 0.5, top[1]), _label("cell state c_t", 0.5, bottom[1])],
    )


def gates_figure(run: Run, sample: int) -> Figure:
    """The four LSTM gates at every timestep, one (units x timesteps) heatmap each, on one colour scale."""
    columns = _domains(4, 0.02)
    traces, layout, labels = [], {}, []
    for k, (gate, domain) in enumerate(zip(LSTM_GATES, columns), start=1):
        traces.append(_heatmap(run.trace.gates[gate][sample].T, "timestep", "unit", gate, 1.0,
                               xaxis=_axis_id("x", k), yaxis="y", showscale=k == 4))
        layout[_axis_key("x", k)] = _axis("t", domain=domain, anchor="y")
        labels.append(_label(GATE_TITLES[gate], sum(domain) / 2, 1.0))
    return _figure(traces, "gates at every timestep (i, f, o between 0 and 1; g between -1 and 1)", 400,
                   yaxis=_axis("unit", autorange="reversed"), annotations=labels, **layout)


def step_vectors(run: Run, sample: int, step: int) -> dict[str, np.ndarray]:
    """Every vector of the update at timestep `step`: gates, c_(t-1), c_t, h_t, each (units,)."""
    trace = run.trace
    rows = {f"{g}_t": trace.gates[g][sample, step] for g in LSTM_GATES}
    rows["c_(t-1)"] = trace.c[sample, step - 1] if step > 0 else np.zeros_like(trace.c[sample, 0])
    rows.update({"c_t": trace.c[sample, step], "h_t": trace.h[sample, step]})
    return rows


def step_figure(run: Run, sample: int, step: int, unit: int) -> Figure:
    """The vectors at one timestep across units, with the chosen unit marked."""
    rows = step_vectors(run, sample, step)
    z = np.stack(list(rows.values()))
    bound = max(1.0, float(np.max(np.abs(z))))
    heat = _heatmap(z, "unit", "vector", "value", bound, y=list(rows), x=np.arange(z.shape[1]))
    marker = {"type": "rect", "x0": unit - 0.5, "x1": unit + 0.5, "y0": -0.5, "y1": len(rows) - 0.5,
              "line": {"color": "black", "width": 3}}
    return _figure([heat], f"every vector at t = {step} (sample {sample}); the box marks unit {unit}", 380,
                   xaxis=_axis("unit"), yaxis=_axis(autorange="reversed"), shapes=[marker])


def weights_figure(run: Run) -> Figure:
    """kernel (F, 4U), recurrent_kernel (U, 4U) and bias (4U,), split into Keras's i | f | c | o blocks."""
    units = run.config.units
    shown = min(units, MAX_WEIGHT_UNITS)
    columns = np.concatenate([np.arange(shown) + block * units for block in range(4)])
    matrices = {
        "kernel": run.weights["kernel"][:, columns],
        "recurrent_kernel": run.weights["recurrent_kernel"][:shown][:, columns],
        "bias": run.weights["bias"][None, columns],
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
        labels.append(_label(f"{name} {tuple(run.weights[name].shape)}", 0.5, domain[1]))
        labels[-1]["yshift"] = 4
        shapes += [{"type": "line", "xref": x_id, "yref": f"{y_id} domain", "x0": b * shown - 0.5,
                    "x1": b * shown - 0.5, "y0": 0, "y1": 1, "line": {"color": "black", "width": 3}}
                   for b in range(1, 4)]
    labels += [{"text": f"<b>{gate}</b>", "x": (b + 0.5) * shown - 0.5, "xref": "x", "y": 1.0, "yref": "paper",
                "yanchor": "bottom", "yshift": 30, "showarrow": False, "font": {"size": 20}}
               for b, gate in enumerate("ifco")]
    partial = f" (first {shown} of {units} units of each block)" if shown < units else ""
    return _figure(traces, f"weights in Keras's gate order i | f | c | o{partial}", plot_height + 170,
                   margin={"l": 60, "r": 20, "t": 120, "b": 50}, annotations=labels, shapes=shapes, **layout)
