"""One cell of the layer drawn with its gates (colah's diagram, alive): one unit's numbers at the page's timestep
flowing through it.

LSTM: x_t and h_(t-1) enter at the bottom left and feed the gates f, i, o (sigmoid) and the candidate g; c_(t-1)
runs along the top, times f, plus i times g, to c_t; h_t = o times act(c_t) leaves at the bottom right. GRU: h
runs along the top, kept where z is near 1 and replaced by the candidate h̃ (whose recurrent part r resets) where
it is near 0. SimpleRNN: one activation of x_t and h_(t-1).

Every number drawn is one of the trace's arrays at that step, for one unit (rnnlab.trace): written with three
decimals, and the colour of its bead (gates on the sequential scale, 0 to 1; states and the candidate on the
diverging one). The figure carries every step's numbers (rnnlab.timestep.followed), so the browser shows the
page's timestep with no request to the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnnlab.colours import GREENS, RDBU, tensor_colour
from rnnlab.explain import time_read
from rnnlab.figures import Figure, at_step, base_figure, line_traces, path, symmetric_bound, wrapped_title
from rnnlab.result import Part, Run
from rnnlab.timestep import followed

C_COLOUR, H_COLOUR = tensor_colour("state_c"), tensor_colour("state_h")  # the states in their returned colours
WIRE, DARK, BODY = "#555555", "#222222", "#f4f4f4"
LEFT, RIGHT = -0.6, 15.6  # the picture's width, in its own units
H_Y, GATE_Y, MID_Y, C_Y = 2.0, 3.6, 6.6, 8.2  # the bottom wire, the gates, the pointwise row, the top wire
FOOT = 0.5  # where x_t comes in, under the cell
X_IN = 1.6  # x_t's wire
BOX_W, BOX_H = 0.6, 0.42  # a gate's half width and half height
BEAD_Y = GATE_Y + BOX_H + 0.35  # a gate's bead, just above it
ENDS = (0.4, 14.5)  # the beads of the states coming in and going out
BEAD_PX, NUMBER_PX = 13, 12  # a bead's size; the numbers' type size
NAME_SHIFT, NUMBER_SHIFT = 25, 8  # pixels from a bead up to its name's and its number's bottom
X_SHOWN = 3  # the values of x_t written out; a longer x_t ends with an ellipsis
KINDS = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}
GLYPHS = {"sigmoid": "σ", "linear": "lin"}  # what an activation box says (tanh, relu: their names)
TOPS = {"lstm": 9.7, "gru": 9.7, "simple_rnn": 5.6}
HEIGHTS = {"lstm": 420, "gru": 420, "simple_rnn": 300}


@dataclass(frozen=True)
class Shown:
    """A number drawn on the cell: its name, where its bead sits, its value at every processing step."""

    name: str  # "f_t": as the update under the step chart writes it
    label: str  # "f<sub>t</sub>"
    x: float
    y: float
    values: np.ndarray  # (steps,)
    gate: bool = False  # a sigmoid gate: 0..1 on the sequential scale; else signed, on the diverging one


@dataclass
class Drawing:
    """A cell's wires (points, colour, arrowhead at the end), its gates and its pointwise operations."""

    wires: list[dict[str, Any]] = field(default_factory=list)  # figures.path: points, colour, arrowhead
    boxes: list[tuple[float, float, str]] = field(default_factory=list)  # a layer with weights: x, y, glyph
    ops: list[tuple[float, float, str]] = field(default_factory=list)  # pointwise: x, y, sign

    def wire(self, colour: str, *points: tuple[float, float], head: bool = False) -> None:
        self.wires.append(path(list(points), colour, 4 if colour != WIRE else 2, head, head_size=12))


def _before(values: np.ndarray) -> np.ndarray:
    """A state before each step: zeros before the first (as the layer starts), then the step before's."""
    return np.concatenate([np.zeros_like(values[:1]), values[:-1]])


def _gate(drawing: Drawing, x: float, glyph: str) -> None:
    """A gate fed from the bottom wire."""
    drawing.boxes.append((x, GATE_Y, glyph))
    drawing.wire(WIRE, (x, H_Y), (x, GATE_Y - BOX_H), head=True)


def _lstm(part: Part, sample: int, unit: int, glyph: str) -> tuple[Drawing, list[Shown]]:
    f, i, g, o, out = 3.0, 5.4, 7.8, 10.2, 12.6
    drawing = Drawing()
    drawing.wire(C_COLOUR, (LEFT, C_Y), (RIGHT, C_Y), head=True)
    drawing.wire(H_COLOUR, (LEFT, H_Y), (X_IN, H_Y))
    drawing.wire(WIRE, (X_IN, FOOT), (X_IN, H_Y), (o, H_Y))
    for x, name in ((f, "σ"), (i, "σ"), (g, glyph), (o, "σ")):
        _gate(drawing, x, name)
    drawing.wire(WIRE, (f, GATE_Y + BOX_H), (f, C_Y))
    drawing.wire(WIRE, (i, GATE_Y + BOX_H), (i, MID_Y), (g, MID_Y))
    drawing.wire(WIRE, (g, GATE_Y + BOX_H), (g, MID_Y), (g, C_Y))
    drawing.wire(C_COLOUR, (out, C_Y), (out, GATE_Y))
    drawing.wire(WIRE, (o + BOX_W, GATE_Y), (out, GATE_Y))
    drawing.wire(H_COLOUR, (out, GATE_Y), (out, H_Y), (RIGHT, H_Y), head=True)
    drawing.ops += [(f, C_Y, "×"), (g, MID_Y, "×"), (g, C_Y, "+"), (out, MID_Y, glyph), (out, GATE_Y, "×")]
    steps = part.trace
    h, c = steps.h[sample, :, unit], steps.c[sample, :, unit]
    gates = {name: value[sample, :, unit] for name, value in steps.gates.items()}
    return drawing, [
        Shown("c_(t-1)", "c<sub>t-1</sub>", ENDS[0], C_Y, _before(c)),
        Shown("h_(t-1)", "h<sub>t-1</sub>", ENDS[0], H_Y, _before(h)),
        Shown("f_t", "f<sub>t</sub>", f, BEAD_Y, gates["f"], gate=True),
        Shown("i_t", "i<sub>t</sub>", i, BEAD_Y, gates["i"], gate=True),
        Shown("g_t", "g<sub>t</sub>", g, BEAD_Y, gates["g"]),
        Shown("o_t", "o<sub>t</sub>", o, BEAD_Y, gates["o"], gate=True),
        Shown("c_t", "c<sub>t</sub>", ENDS[1], C_Y, c),
        Shown("h_t", "h<sub>t</sub>", ENDS[1], H_Y, h),
    ]


def _gru(part: Part, sample: int, unit: int, glyph: str) -> tuple[Drawing, list[Shown]]:
    z, r, cand, keep, drop = 3.0, 5.8, 10.2, 7.0, 1.0
    drawing = Drawing()
    drawing.wire(H_COLOUR, (LEFT, C_Y), (RIGHT, C_Y), head=True)
    drawing.wire(H_COLOUR, (drop, C_Y), (drop, H_Y), (X_IN, H_Y))
    drawing.wire(WIRE, (X_IN, FOOT), (X_IN, H_Y), (cand, H_Y))
    for x, name in ((z, "σ"), (r, "σ"), (cand, glyph)):
        _gate(drawing, x, name)
    drawing.wire(WIRE, (z, GATE_Y + BOX_H), (z, C_Y))
    drawing.wire(WIRE, (z, MID_Y), (cand, MID_Y))
    drawing.wire(WIRE, (r + BOX_W, GATE_Y), (cand - BOX_W, GATE_Y), head=True)
    drawing.wire(WIRE, (cand, GATE_Y + BOX_H), (cand, C_Y))
    drawing.ops += [(z, C_Y, "×"), (keep, MID_Y, "1−"), (cand, MID_Y, "×"), (cand, C_Y, "+")]
    steps = part.trace
    h = steps.h[sample, :, unit]
    gates = {name: value[sample, :, unit] for name, value in steps.gates.items()}
    return drawing, [
        Shown("h_(t-1)", "h<sub>t-1</sub>", ENDS[0], C_Y, _before(h)),
        Shown("z_t", "z<sub>t</sub>", z, BEAD_Y, gates["z"], gate=True),
        Shown("r_t", "r<sub>t</sub>", r, BEAD_Y, gates["r"], gate=True),
        Shown("h̃_t", "h̃<sub>t</sub>", cand, BEAD_Y, gates["h~"]),
        Shown("h_t", "h<sub>t</sub>", ENDS[1], C_Y, h),
    ]


def _simple(part: Part, sample: int, unit: int, glyph: str) -> tuple[Drawing, list[Shown]]:
    box, out = 7.8, 12.6
    drawing = Drawing()
    drawing.wire(H_COLOUR, (LEFT, H_Y), (X_IN, H_Y))
    drawing.wire(WIRE, (X_IN, FOOT), (X_IN, H_Y), (box, H_Y))
    _gate(drawing, box, glyph)
    drawing.wire(H_COLOUR, (box + BOX_W, GATE_Y), (out, GATE_Y), (out, H_Y), (RIGHT, H_Y), head=True)
    h = part.trace.h[sample, :, unit]
    return drawing, [Shown("h_(t-1)", "h<sub>t-1</sub>", ENDS[0], H_Y, _before(h)),
                     Shown("h_t", "h<sub>t</sub>", ENDS[1], H_Y, h)]


BUILDERS = {"lstm": _lstm, "gru": _gru, "simple_rnn": _simple}


def number(value: float) -> str:
    """A number as the cell writes it."""
    return f"{value:.3f}"


def inputs(run: Run, part: Part, sample: int) -> list[str]:
    """x_t at every processing step, its first values written out ('[0.549, 0.715, 0.603]')."""
    width = part.inputs.shape[-1]
    texts = []
    for step in range(run.config.timesteps):
        x = part.inputs[sample, time_read(run, part, step)]
        shown = ", ".join(number(v) for v in x[:X_SHOWN]) + (f", … ({width} in all)" if width > X_SHOWN else "")
        texts.append(f"= [{shown}]")
    return texts


def _label(text: str, x: float, y: float, shift: int, name: str = "", **extra: Any) -> dict[str, Any]:
    note = {"text": text, "x": x, "y": y, "xref": "x", "yref": "y", "showarrow": False, "yanchor": "bottom",
            "yshift": shift, "bgcolor": "white", "borderpad": 1, "font": {"size": NUMBER_PX, "color": DARK},
            **extra}
    return {**note, "name": name} if name else note


def _ops(drawing: Drawing) -> dict[str, Any]:
    """The pointwise operations: white circles with their sign."""
    x, y, signs = zip(*drawing.ops) if drawing.ops else ((), (), ())
    short = [len(sign) <= 2 for sign in signs]  # a sign, or an activation's name ("tanh") in smaller type
    return {"type": "scatter", "x": list(x), "y": list(y), "text": list(signs), "mode": "markers+text",
            "name": "pointwise", "hoverinfo": "skip", "showlegend": False, "textposition": "middle center",
            "textfont": {"size": [15 if s else 10 for s in short], "color": DARK},
            "marker": {"symbol": "circle", "size": [26 if s else 32 for s in short], "color": "white",
                       "line": {"color": DARK, "width": 1.5}}}


def _beads(shown: list[Shown], gate: bool, bound: float, step: int) -> dict[str, Any]:
    """One trace of beads coloured by their values at `step`: the gates (0..1), or the signed values."""
    picked = [s for s in shown if s.gate == gate]
    scale = {"colorscale": GREENS, "cmin": 0.0, "cmax": 1.0} if gate else {
        "colorscale": RDBU, "cmin": -bound, "cmax": bound}
    return {"type": "scatter", "x": [s.x for s in picked], "y": [s.y for s in picked], "mode": "markers",
            "name": "gates" if gate else "states", "showlegend": False, "customdata": [s.name for s in picked],
            "hovertemplate": "%{customdata} = %{marker.color:.4f}<extra></extra>", "cliponaxis": False,
            "marker": {"size": BEAD_PX, "color": [float(s.values[step]) for s in picked], **scale,
                       "line": {"color": DARK, "width": 1.5}}}


def _described(run: Run, unit: int) -> str:
    """The cell in words, whatever the step."""
    flow = {"lstm": "c_(t-1) runs along the top, times the forget gate f, plus the input gate i times the candidate "
                    "g, to c_t; h_t, the output gate o times the activation of c_t, leaves at the bottom right",
            "gru": "h_(t-1) runs along the top: the update gate z keeps part of it, the candidate h̃ (its recurrent "
                   "part reset by r) replaces the rest, giving h_t",
            "simple_rnn": "one activation of both gives h_t, which leaves at the bottom right"}[run.config.layer]
    kind = KINDS[run.config.layer]
    return f"One {kind} cell: x_t and h_(t-1) enter at the bottom left; {flow}. Unit {unit}'s numbers"


@dataclass(frozen=True)
class _Cell:
    """A cell's figure at one step, the numbers it writes at every step, and the beads that colour them."""

    figure: Figure
    shown: list[Shown]
    texts: dict[str, list[str]]  # every number's text at every step, by name ("x_t": x_t's values)
    beads: dict[bool, int]  # the trace of the gates' beads (True) and of the signed values' (False)


def _notes(drawing: Drawing, shown: list[Shown], texts: dict[str, list[str]], step: int) -> list[dict[str, Any]]:
    """The texts: first every number at `step` (in the order of `shown`, then x_t: the ones that follow the
    timestep), then their names and the gates' glyphs."""
    notes = [_label(texts[s.name][step], s.x, s.y, NUMBER_SHIFT, s.name) for s in shown]
    notes.append(_label(texts["x_t"][step], X_IN, FOOT, 0, "x_t", xanchor="left", yanchor="top", xshift=14,
                        yshift=-2))
    notes += [_label(f"<b>{s.label}</b>", s.x, s.y, NAME_SHIFT) for s in shown]
    notes.append(_label("<b>x<sub>t</sub></b>", X_IN, FOOT, 0, xanchor="right", yanchor="top", xshift=8,
                        yshift=-2))
    return notes + [{"text": text, "x": x, "y": y, "xref": "x", "yref": "y", "showarrow": False,
                     "font": {"size": 14 if len(text) == 1 else 11, "color": DARK}} for x, y, text in drawing.boxes]


def _shapes(drawing: Drawing, top: float) -> list[dict[str, Any]]:
    """The cell's body, and a white box for each gate."""
    body = {"type": "rect", "layer": "below", "x0": 1.0, "x1": 14.0, "y0": 1.2, "y1": top - 1.1,
            "fillcolor": BODY, "line": {"color": "#bbbbbb", "width": 1}}
    return [body] + [{"type": "rect", "x0": x - BOX_W, "x1": x + BOX_W, "y0": y - BOX_H, "y1": y + BOX_H,
                      "fillcolor": "white", "line": {"color": DARK, "width": 2}} for x, y, _ in drawing.boxes]


def _cell(run: Run, part: Part, sample: int, unit: int, step: int) -> _Cell:
    """The cell at `step`, with what it needs to follow the timestep."""
    config = run.config
    glyph = GLYPHS.get(config.activation, config.activation)
    drawing, shown = BUILDERS[config.layer](part, sample, unit, glyph)
    bound = max(1.0, symmetric_bound(np.concatenate([s.values for s in shown if not s.gate])))
    traces = [*line_traces(drawing.wires, name="wires"), _ops(drawing)]
    beads: dict[bool, int] = {}
    for gate in (True, False):
        if any(s.gate == gate for s in shown):
            beads[gate] = len(traces)
            traces.append(_beads(shown, gate, bound, step))
    texts = {s.name: [number(v) for v in s.values] for s in shown} | {"x_t": inputs(run, part, sample)}
    top = TOPS[config.layer]
    axis = {"visible": False, "fixedrange": True}
    figure = base_figure(
        traces, title(run, part, sample, unit, step), HEIGHTS[config.layer], subtitle=subtitle(run, unit),
        margin={"l": 6, "r": 6, "t": 48, "b": 6}, showlegend=False, dragmode=False,
        annotations=_notes(drawing, shown, texts, step), shapes=_shapes(drawing, top),
        xaxis={**axis, "range": [LEFT, RIGHT]}, yaxis={**axis, "range": [-0.8, top]})
    return _Cell(figure, shown, texts, beads)


def cell_figure(run: Run, part: Part, sample: int, unit: int, step: int) -> Figure:
    """The cell of `part` with `unit`'s numbers at processing step `step` (said in words too)."""
    cell = _cell(run, part, sample, unit, step)
    numbers = ", ".join(f"{s.name} = {cell.texts[s.name][step]}" for s in cell.shown)
    cell.figure["layout"]["meta"] = {
        "description": f"{_described(run, unit)}: {numbers}; x_t {cell.texts['x_t'][step]}."}
    return cell.figure


def cell_chart(run: Run, part: Part, sample: int, unit: int, step: int) -> Figure:
    """The cell as cell_figure draws it at `step`, carrying every step's numbers: it follows the picture's
    timestep in the browser."""
    cell = _cell(run, part, sample, unit, step)
    cell.figure["layout"]["meta"] = {"description": f"{_described(run, unit)} at the picture's timestep t."}
    data = [{"trace": trace, "marker.color": np.stack([s.values for s in cell.shown if s.gate == gate], axis=1)}
            for gate, trace in cell.beads.items()]
    layout: dict[str, Any] = {f"annotations[{k}].text": cell.texts[s.name] for k, s in enumerate(cell.shown)}
    layout[f"annotations[{len(cell.shown)}].text"] = cell.texts["x_t"]
    layout["title.text"] = [wrapped_title(title(run, part, sample, unit, k)) for k in range(run.config.timesteps)]
    return followed(cell.figure, run.config.timesteps, data, layout,
                    f"one cell at the picture's timestep t, unit {unit} ({part.label}, sample {sample})")


def title(run: Run, part: Part, sample: int, unit: int, step: int) -> str:
    """'one cell at t=3: unit 0 (LSTM, sample 0)'; at a masked step, that its states carry over."""
    masked = run.mask is not None and not bool(run.mask[sample, time_read(run, part, step)])
    return (f"one cell at {at_step(run, part, step)}: unit {unit} ({part.label}, sample {sample})"
            + (": masked, its states carry over" if masked else ""))


def subtitle(run: Run, unit: int) -> str:
    """What every number is, whatever the step."""
    reads = "it reads" if run.config.layer == "simple_rnn" else "every gate reads"
    return f"{reads} all of x_t and h_(t-1); the numbers are unit {unit}'s"


KEY = ("How to read the cell: a box is a layer with weights of its own (σ: a sigmoid gate, from 0, shut, to 1, "
       "open; {act}: the candidate); a circle works number by number (× multiplies, + adds). Each bead is "
       "coloured by its number: the gates on the 0-to-1 scale, the states and the candidate on the scale about "
       "zero.")
SIMPLE_KEY = "How to read the cell: the box is the layer's one activation, {act}, of `x_t · W + h_(t-1) · U + b`."


def key(run: Run) -> str:
    """How to read the cell, in words beside it (Markdown)."""
    return (SIMPLE_KEY if run.config.layer == "simple_rnn" else KEY).format(act=run.config.activation)
