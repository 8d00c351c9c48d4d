"""The page's one timestep: the charts under the picture follow its play, step buttons, slider and keys.

A chart that follows carries `follow` beside its data and layout, sent once with it:
`{"steps": T, "data": [{"trace": i, property: array with the processing step first, ...}, ...],
"layout": {property path: array with the processing step first}}` (and, when its title changes with the step,
the title that describes it whatever the step: ui.chart_text). When the picture shows processing step k,
the browser (ui/plot/chart.js) applies index k of every array with one Plotly.update: no request to the
server, and no number the server did not compute here from the Run's trace.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab import explain, figures
from rnnlab.colours import STEP_COLOUR, line_style
from rnnlab.figures import Figure
from rnnlab.result import Part, Run

UPDATE_LINE_PX = 18  # one line of the written-out update under the step chart
UPDATE_CHARS = 38  # a line of it, at most: it fits a phone
PLAY_CELLS = 16_384  # steps × units of the step chart's grids sent at once while it follows the play


def play_units(timesteps: int) -> int:
    """The units the step chart draws while it follows the play: as many as a still chart (MAX_DRAWN_UNITS), or
    fewer for a long sequence, whose every step's grids are sent at once (32 at 500 timesteps)."""
    return max(16, min(figures.MAX_DRAWN_UNITS, PLAY_CELLS // timesteps))


def followed(figure: Figure, steps: int, data: list[dict[str, Any]], layout: dict[str, Any],
             title: str = "") -> Figure:
    """The figure, told what changes at each of `steps` processing steps."""
    figure["follow"] = {"steps": steps, "data": data, "layout": layout, **({"title": title} if title else {})}
    return figure


def _now_line(position: np.ndarray, step: int) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A vertical line over every panel at the step's input timestep, and where it stands at each step."""
    line = {"type": "line", "xref": "x", "yref": "paper", "x0": float(position[step]),
            "x1": float(position[step]), "y0": 0, "y1": 1, "line": {"color": STEP_COLOUR, "width": 3}}
    return line, {"shapes[0].x0": position.astype(float), "shapes[0].x1": position.astype(float)}


def states_chart(run: Run, part: Part, sample: int, units: tuple[int, ...], step: int) -> Figure:
    """h_t (and c_t) at every step, the current step's values ringed and a line at its timestep."""
    figure = figures.states_figure(run, part, sample, units)
    position, _ = figures.time_axis(run, part)
    data = []
    names = ("h", "c") if part.trace.c is not None else ("h",)
    for row, state in enumerate(names, start=1):
        values = getattr(part.trace, state)[sample][:, list(units)]  # (steps, units drawn)
        xs = np.repeat(position[:, None], len(units), axis=1).astype(float)
        data.append({"trace": len(figure["data"]), "x": xs, "y": values})
        figure["data"].append({
            "type": "scatter", "x": xs[step], "y": values[step], "mode": "markers", "name": f"{state}_t now",
            "xaxis": figures.axis_id("x", row), "yaxis": figures.axis_id("y", row), "showlegend": False,
            "marker": {"size": 14, "color": [line_style(k)["color"] for k in range(len(units))],
                       "line": {"color": "black", "width": 2}},
            "hovertemplate": f"{state}_t at t %{{x}}: %{{y:.4f}}<extra></extra>"})
    line, layout = _now_line(position, step)
    figure["layout"]["shapes"] = [line]
    for key in ("xaxis", "xaxis2"):  # the line's reach leaves the axis where the values end
        if key in figure["layout"]:
            figure["layout"][key]["range"] = [-0.5, run.config.timesteps - 0.5]
    return followed(figure, run.config.timesteps, data, layout)


def gates_chart(run: Run, part: Part, sample: int, unit: int, step: int) -> Figure | None:
    """The gates at every step, the current step's column boxed in each, and each gate's value for `unit` at it
    in the gate's title."""
    figure = figures.gates_figure(run, part, sample)
    if figure is None:
        return None
    position, _ = figures.time_axis(run, part)
    layout: dict[str, Any] = {}
    shapes = []
    for k, (gate, values) in enumerate(part.trace.gates.items()):
        shapes.append({"type": "rect", "xref": figures.axis_id("x", k + 1),
                       "yref": f"{figures.axis_id('y', k + 1)} domain", "y0": 0, "y1": 1,
                       "x0": float(position[step]) - 0.5, "x1": float(position[step]) + 0.5,
                       "line": {"color": "black", "width": 3}})
        layout[f"shapes[{k}].x0"] = position.astype(float) - 0.5
        layout[f"shapes[{k}].x1"] = position.astype(float) + 0.5
        layout[f"annotations[{k}].text"] = [
            f"<b>{figures.GATE_TITLES[gate]}</b> · t={t}, unit {unit}: {values[sample, s, unit]:.3f}"
            for s, t in enumerate(position)]
        figure["layout"]["annotations"][k]["text"] = layout[f"annotations[{k}].text"][step]
    figure["layout"]["shapes"] = shapes
    return followed(figure, run.config.timesteps, [], layout)


def update_text(run: Run, part: Part, sample: int, step: int, unit: int) -> str:
    """One unit's update at one step, written out with its numbers (explain.unit_update), in lines that fit a
    phone: each equation, then its numbers (a term a line) and its result under it."""
    lines = [f"unit {unit}, {figures.at_step(run, part, step)}:"]
    for line in explain.unit_update(run, part, sample, step, unit):
        if line.startswith("("):  # a note, not an equation
            lines += figures.wrap(line, UPDATE_CHARS)
            continue
        first, *rest = line.split(" = ")
        lines.append(" = ".join([first, *rest[:1]]))
        for value in rest[1:]:
            terms = value.split(" + ")
            lines += [f"    = {terms[0]}"] + [f"    + {term}" for term in terms[1:]]
    return "<br>".join(lines)


def step_chart(run: Run, part: Part, sample: int, unit: int, step: int) -> Figure:
    """Every vector at the current step, over play_units(T) units around `unit` (the subtitle says which when
    they are not all), and `unit`'s update written out under them."""
    most = play_units(run.config.timesteps)
    figure = figures.step_figure(run, part, sample, step, unit, most)
    steps = range(run.config.timesteps)
    grids = [figures.step_grids(run, part, sample, k, unit, most) for k in steps]
    bounds = np.array([g.bound for g in grids])
    # float32: the trace's own precision, half the bytes of every step's grids
    data = [{"trace": 0, "z": np.stack([g.values for g in grids]).astype(np.float32), "zmin": -bounds,
             "zmax": bounds}]
    if grids[0].gates is not None:
        data.append({"trace": 1, "z": np.stack([g.gates for g in grids]).astype(np.float32),
                     "zmin": np.zeros(len(grids)),
                     "zmax": np.ones(len(grids))})
    texts = [update_text(run, part, sample, k, unit) for k in steps]
    extra = UPDATE_LINE_PX * max(t.count("<br>") + 1 for t in texts) + 16
    layout = figure["layout"]
    layout["height"] += extra
    layout["margin"]["b"] += extra
    layout["annotations"] = [{"text": texts[step], "x": 0, "y": 0, "xref": "paper", "yref": "paper",
                              "xanchor": "left", "yanchor": "top", "yshift": -48, "align": "left",
                              "showarrow": False, "font": {"size": 12, "family": "monospace"}}]
    return followed(figure, run.config.timesteps, data, {
        "annotations[0].text": texts,
        "title.text": [figures.wrapped_title(figures.step_title(run, part, sample, k)) for k in steps]},
        f"every vector at the picture's timestep t ({part.label}, sample {sample})")
