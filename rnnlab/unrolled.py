"""The layer unrolled over time, drawn from a live Run, with frames that play the timestep in the browser.

One cell per timestep (for long sequences the first three, the last two, and between two ellipses the current
timestep; for a long Bidirectional one the first two, the last two, and between ellipses the two timesteps its
directions read at the current step: every step of every row can be seen while playing), x_t entering below,
h (and c) flowing along each row in reading order, h leaving above. One row per recurrent layer and
direction, bottom-up. What Keras returned (rnnlab.returned.pieces: names and shapes from the Run's own
tensors) is drawn in that tensor's colour and dash and labelled with its name and shape; what is computed and
thrown away is faded grey. Each cell holds a strip of its first units' h, coloured on the page's diverging
scale (its colour bar at the picture's bottom right). The labels stand beside the cells, in margins sized in
pixels from their own length, so that on a phone the cells take what is left and no label is cut.

While playing, under the picture, the chosen part's numbers at the current step (c, and the gates of one unit) and
its h_t for the units drawn over time, with a marker at the current step. Plotly frames (one per processing step)
move the current step through all of it; play, pause, step back/forward, the speed and the slider all run
in the browser, and the charts further down the page follow (rnnlab.timestep). One figure, so that one set of
controls moves everything without a server round trip; one panel under the picture, not three, because every
subplot costs the browser time on every change.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab import returned
from rnnlab.colours import FADED, RDBU, STEP_COLOUR, STEP_TEXT, line_style, tensor_colour, tensor_dash
from rnnlab.figures import (BACKWARDS, TIME, Figure, base_figure, gate_name, index_axis, line_traces, panel_label,
                            path, plain_axis, symmetric_bound)
from rnnlab.inputs import mask_of
from rnnlab.params import Config
from rnnlab.result import Run

ALL_COLUMNS = 8  # sequences up to this long are drawn in full; longer ones as 0, 1, 2, ..., t, ..., T-2, T-1
MIDDLE = 4  # the column of the current timestep t (or the nearest one hidden) in a longer sequence
STRIP = 4  # units drawn in each cell's strip
HALF_W, HALF_H = 0.3, 0.3  # a cell's half width and half height, in the picture's units
REACH = 0.7  # how far the final states' arrows reach past the first or last cell's centre
ROW_PX = 56  # pixels per unit of height in the picture
UNDER_LABELS = -1.2  # the picture's bottom under the x_t labels and the h colour bar (the step's numbers below)
LABEL_ROW = 0.85  # the height of a returned tensor's label (name over shape), in the picture's units
HEAD_TOP = 0.75  # the top of the Dense head's boxes over the returned tensors' labels (their arrows under them)
CHAR_PX = 0.6  # a character's width, in font sizes: how far a label reaches past the cells
CELL_HOVER_PX = 44  # the invisible square over each cell that gives its numbers on hover
SPEEDS = (0.5, 1, 2, 4, 8)
BASE_MS = 700  # one step at 1x
DARK = "#222"
MERGE_SIGNS = {"concat": "‖", "sum": "+", "mul": "×", "ave": "avg"}
CLASS_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}


@dataclass(frozen=True)
class Row:
    """One recurrent layer's direction in the picture."""

    part: int  # index into run.parts
    y: float
    label: str


def middle(timesteps: int, t: int) -> int:
    """The timestep drawn in the middle column of a long sequence when t is current: t itself when it has no
    column of its own (the first three and the last two have), else the one halfway, so that each ellipsis
    beside it stands for timesteps left out."""
    return t if 3 <= t <= timesteps - 3 else timesteps // 2


def pair(timesteps: int, t: int) -> tuple[int, int]:
    """The two timesteps of a long Bidirectional sequence drawn in its two middle columns when the followed
    direction reads t: t and T-1-t (what the other direction reads at the same step), in order, when neither has
    a column of its own (the first two and the last two have); else two a third of the way in from each end."""
    low = min(t, timesteps - 1 - t)
    low = low if low >= 2 else timesteps // 3
    return low, max(timesteps - 1 - low, low + 1)


def columns(timesteps: int, centre: int = 3, both: bool = False) -> list[int | None]:
    """The timesteps drawn, left to right, while the followed part reads `centre`; None is an ellipsis. A long
    sequence: the first three, the middle timestep between two ellipses, the last two; a long Bidirectional one
    (`both`): the first two, the timesteps both directions read between ellipses, the last two."""
    if timesteps <= ALL_COLUMNS + both:
        return list(range(timesteps))
    if both:
        low, high = pair(timesteps, centre)
        return [0, 1, None, low, None, high, None, timesteps - 2, timesteps - 1]
    return [0, 1, 2, None, middle(timesteps, centre), None, timesteps - 2, timesteps - 1]


def moving(timesteps: int, both: bool = False) -> tuple[int, ...]:
    """The columns whose timestep follows the step (none in a sequence drawn in full)."""
    if timesteps <= ALL_COLUMNS + both:
        return ()
    return (3, 5) if both else (MIDDLE,)


def position(timesteps: int, t: int, centre: int = 3, both: bool = False) -> int:
    """The column where input timestep t is drawn while the followed part reads `centre` (an ellipsis when t is
    hidden)."""
    shown = columns(timesteps, centre, both)
    if t in shown:
        return shown.index(t)
    return max(x for x, s in enumerate(shown) if s is not None and s < t) + 1


def _rows(run: Run) -> tuple[list[Row], dict[int, float], float]:
    """Rows bottom-up, the y of each layer's merge node (Bidirectional), and the y of the top outputs."""
    config = run.config
    rows, merges, y = [], {}, 1.0
    for layer in range(config.depth):
        for backward in ((False, True) if config.bidirectional else (False,)):
            part = next(i for i, p in enumerate(run.parts) if p.layer == layer and p.backward == backward)
            rows.append(Row(part, y, _row_label(config, layer, backward)))
            y += 1.0
        if config.bidirectional and (layer < config.depth - 1 or config.merge_mode != "none"):
            merges[layer] = y - 0.35
            y += 0.45
        y += 0.15
    return rows, merges, y + 0.35


def _row_label(config: Config, layer: int, backward: bool) -> str:
    """'LSTM →', '← LSTM' (go_backwards), 'forward →' / '← backward', 'layer 2 →': the row's reading direction."""
    name = f"layer {layer + 1}" if config.depth > 1 else CLASS_NAMES[config.layer]
    if config.bidirectional:
        return (f"{name}<br>" if config.depth > 1 else "") + ("← backward" if backward else "forward →")
    return f"← {name}" if config.go_backwards else f"{name} →"


def _arrow(x0: float, y0: float, x1: float, y1: float, colour: str, width: float,
           dash: str = "solid") -> dict[str, Any]:
    """A straight arrow from (x0, y0) to (x1, y1), in the picture's units (drawn by `figures.line_traces`)."""
    return path([(x0, y0), (x1, y1)], colour, width, head=True, dash=dash)


POSITIONS = {("right", "middle"): "middle left", ("left", "middle"): "middle right", ("center", "top"): "bottom center",
             ("center", "bottom"): "top center", ("center", "middle"): "middle center",
             ("right", "bottom"): "top left", ("left", "bottom"): "top right",
             ("right", "top"): "bottom left", ("left", "top"): "bottom right"}


def _text_traces(notes: list[dict]) -> tuple[list[dict], list[dict]]:
    """The labels of returned tensors stay annotations; every other text of the picture goes into one scatter
    text trace (colour, size and position per point), and the merge signs of Bidirectional into one trace of
    boxed signs per look, which the browser draws far faster. Returns (annotations, traces)."""
    kept, plain, nodes = [], ([], [], [], [], [], []), {}
    for note in notes:
        if note.pop("returned", False):
            kept.append(note)
            continue
        where = POSITIONS[(note.get("xanchor", "center"), note.get("yanchor", "middle"))]
        colour, size = note["font"]["color"], note["font"]["size"]
        if note.pop("node", False):
            xs, ys, texts = nodes.setdefault((colour, size), ([], [], []))
            point = (note["x"], note["y"], note["text"])
        else:
            xs, ys, texts, colours_, sizes, places = plain
            colours_.append(colour)
            sizes.append(size)
            places.append(where)
            point = (note["x"], note["y"], note["text"])
        for values, value in zip((xs, ys, texts), point):
            values.append(value)
    xs, ys, texts, colours_, sizes, places = plain
    traces = [{"type": "scatter", "x": xs, "y": ys, "text": texts, "mode": "text", "textposition": places,
               "textfont": {"size": sizes, "color": colours_}, "hoverinfo": "skip", "showlegend": False,
               "name": "labels", "cliponaxis": False}] if xs else []
    for (colour, size), (xs, ys, texts) in nodes.items():  # where Bidirectional joins its two directions
        traces.append({"type": "scatter", "x": xs, "y": ys, "text": texts, "mode": "markers+text",
                       "textposition": "middle center", "textfont": {"size": size, "color": colour},
                       "hoverinfo": "skip", "showlegend": False, "name": "labels",
                       "marker": {"symbol": "square", "size": size + 9, "color": "white",
                                  "line": {"color": colour, "width": 1.5}}})
    return kept, traces


def _text(x: float, y: float, text: str, colour: str = DARK, size: int = 15, **extra: Any) -> dict[str, Any]:
    return {"x": x, "y": y, "xref": "x", "yref": "y", "text": text, "showarrow": False,
            "font": {"size": size, "color": colour}, **extra}


def _name(piece: returned.Piece) -> str:
    """'whole_seq<br>(32, 10, 64)': a returned tensor's name over its shape, in its colour."""
    return f"<b>{piece.name}</b><br>{str(piece.shape)}"


def _held(piece: returned.Piece) -> str:
    """How a returned tensor holds a cell's h: 'output', or 'whole_seq[:, 9]' for one step of a sequence."""
    return f"<b>{piece.name}</b>" + (f"<br>[:, {piece.index[0]}]" if piece.index else "")  # narrow: on a phone


@dataclass(frozen=True)
class _Place:
    """Where a final state's label goes: the arrow's tip x, the row's y, the state's offset, the side it reads."""

    x: float
    y: float
    dy: float
    anchor: str


def _same(also: list[returned.Piece]) -> str:
    """'= output': the other names holding a final state, one a line."""
    return "<br>".join(f"= {_held(p)}" for p in also)


class _Picture:
    """Collects the picture's shapes, annotations and traces for one Run and one sample."""

    def __init__(self, run: Run, sample: int, part: int = 0, step: int = 0):
        self.run, self.sample, self.part = run, sample, part
        self.T = run.config.timesteps
        self.both = run.config.bidirectional  # two directions reading two timesteps at each step
        self.centre = returned.column(run, part, step)  # the timestep the followed part reads
        self.moving = moving(self.T, self.both)  # their timesteps follow the followed part's
        self.cols = columns(self.T, self.centre, self.both)
        self.bound = 1.0  # the h scale's bound (symmetric about zero)
        self.rows, self.merges, self.top = _rows(run)
        self.pieces = returned.pieces(run)
        self.shapes: list[dict] = []
        self.notes: list[dict] = []
        # the first returned tensor's vectors, by the cell that computed them: (part, step) -> piece
        self.lit = {(p.part, p.step): p for p in self.pieces if not p.head and not p.name.endswith(("_h", "_c"))}
        self.mask = None if run.mask is None else run.mask[sample]
        self.height = self.top + 0.8
        self.bottom = UNDER_LABELS  # under the x_t labels: the h colour bar (and, while playing, the step's numbers)
        self.under = UNDER_LABELS  # where the colour bar and the step's numbers stand (under a second call, if any)

    def x_of(self, t: int) -> int:
        return position(self.T, t, self.centre, self.both)

    def step_at(self, part: int, t: int) -> int:
        """The processing step of a part that read input timestep t."""
        return self.T - 1 - t if self.run.parts[part].reads_backwards else t

    def skipped(self, t: int | None) -> bool:
        return t is not None and self.mask is not None and not bool(self.mask[t])

    def fixed(self, x: int) -> bool:
        """Whether column x always shows the same timestep (not a middle column that follows the step)."""
        return x not in self.moving

    def cells(self) -> None:
        for row in self.rows:
            for x, t in enumerate(self.cols):
                returned_here = t is not None and (row.part, self.step_at(row.part, t)) in self.lit
                skipped = self.skipped(t) and self.fixed(x)  # the middle column's is drawn with its timestep
                dashed = t is None or skipped
                self.shapes.append({
                    "type": "rect", "xref": "x", "yref": "y", "x0": x - HALF_W, "x1": x + HALF_W,
                    "y0": row.y - HALF_H, "y1": row.y + HALF_H, "layer": "below",
                    "fillcolor": "#ececec" if skipped else "white",
                    "line": {"color": DARK if returned_here else FADED, "width": 2.5 if returned_here else 1.5,
                             "dash": "dot" if dashed else "solid"}})
                if t is None:
                    self.notes.append(_text(x, row.y, "⋯", FADED, 22))
            self.row_labels(row)

    def row_labels(self, row: Row) -> None:
        """Where the row starts (its final states leave at the other end): its name beside the first cell (over
        it, reading backwards; under it, forwards: clear of the other direction's final states), and h and c
        beside the lines they name, outside the cells, where no other label reaches."""
        backward = self.run.parts[row.part].reads_backwards
        x, anchor = (len(self.cols) - 1 + HALF_W, "left") if backward else (-HALF_W, "right")
        if backward:
            self.notes.append(_text(x, row.y + HALF_H + 0.04, row.label, DARK, 14, xanchor=anchor, yanchor="bottom"))
        else:
            self.notes.append(_text(x - 0.08, row.y - HALF_H - 0.04, row.label, DARK, 14, xanchor=anchor,
                                    yanchor="top"))
        side = x + (0.11 if backward else -0.11)  # clear of the current step's box
        for state, dy in (("h", -0.12), ("c", 0.14))[:1 + (self.run.config.layer == "lstm")]:
            self.notes.append(_text(side, row.y + dy, state, "#555", 12, xanchor=anchor))

    def flow(self) -> None:
        """h (and c) passed along each row in reading order, and the final states leaving its end."""
        has_c = self.run.config.layer == "lstm"
        for row in self.rows:
            backward = self.run.parts[row.part].reads_backwards
            for x in range(len(self.cols) - 1):
                x0, x1 = (x + 1 - HALF_W, x + HALF_W) if backward else (x + HALF_W, x + 1 - HALF_W)
                for dy in (-0.12, 0.14)[:1 + has_c]:
                    self.notes.append(_arrow(x0, row.y + dy, x1, row.y + dy, FADED, 1.5))
            for state, dy in (("h", -0.36), ("c", 0.36))[:1 + has_c]:
                self.final_state(row, backward, state, dy)

    def final_state(self, row: Row, backward: bool, state: str, dy: float) -> None:
        """The row's final h or c leaving its end: in the colour and dash of the tensor that returns it, labelled
        with its name and shape (and any other name holding it), or faded and 'not returned'."""
        end = 0 if backward else len(self.cols) - 1
        edge, reach = (end - HALF_W, end - REACH) if backward else (end + HALF_W, end + REACH)
        out = -0.12 if backward else 0.12
        piece = self.state_piece(row.part, state)
        also = self.also_holding(row.part, state)
        shown = piece or next(iter(also), None)
        look = (tensor_colour(shown.name), 3.0, tensor_dash(shown.name)) if shown else (FADED, 1.5, "solid")
        self.notes.append(path([(edge, row.y + dy / 3), (edge + out, row.y + dy / 3), (edge + 2 * out, row.y + dy),
                                 (reach, row.y + dy)], look[0], look[1], head=True, dash=look[2]))
        place = _Place(reach, row.y, dy, "right" if backward else "left")
        if piece:
            self.returned_state_label(place, piece, also)
        elif also:  # clear of the arrow's head, which the thin "not returned" label never meets; its top under
            # the row's middle, so that three lines (h_T = whole_seq [:, 9]) stay clear of c_T's label above
            self.notes.append(_text(reach + out / 2, row.y + dy + 0.3, f"{state}<sub>T</sub><br>{_same(also)}",
                                    look[0], 13, xanchor=place.anchor, yanchor="top"))
        elif self.run.parts[row.part].layer == self.run.config.depth - 1:
            self.notes.append(_text(reach, row.y + dy, f"{state}<sub>T</sub><br>not returned", FADED, 12,
                                    xanchor=place.anchor))

    def state_piece(self, part: int, state: str) -> returned.Piece | None:
        """The returned state (state_h, backward_c, ...) that holds this part's final h or c, if any."""
        return next((p for p in self.pieces if p.part == part and p.state == state and p.index == ()
                     and p.name.endswith(f"_{state}")), None)

    def returned_state_label(self, place: _Place, piece: returned.Piece, also: list[returned.Piece]) -> None:
        """A returned state's name and shape, and under it any other name holding the same vector (output =
        state_h)."""
        colour = tensor_colour(piece.name)
        self.notes.append(_text(place.x, place.y + place.dy, _name(piece), colour, 14, xanchor=place.anchor,
                                returned=True))
        if also:
            self.notes.append(_text(place.x, place.y + place.dy - 0.4, _same(also), colour, 12, xanchor=place.anchor,
                                    yanchor="top"))  # under the name's two lines

    def also_holding(self, part: int, state: str) -> list[returned.Piece]:
        """The returned tensors (not the states) that hold this part's final h as it is: `output` without
        return_sequences, the last step of `whole_seq` with it (not a sum, product or mean of both directions)."""
        if state != "h":
            return []
        return [p for p in self.pieces if p.part == part and p.step == self.T - 1 and self.holds_as_it_is(p)]

    def holds_as_it_is(self, piece: returned.Piece) -> bool:
        """Whether a returned output (not a state, not the head's) holds its cell's h unchanged: not merged by
        sum, product or mean, and not a masked step that Bidirectional zeroes."""
        if piece.head or piece.name.endswith(("_h", "_c")) or piece.merged not in ("", "concat"):
            return False
        zeroed = self.run.config.bidirectional and piece.index
        return not (zeroed and self.skipped(returned.column(self.run, piece.part, piece.step)))

    def inputs(self) -> None:
        """x_t below; each layer reads the one below (through the merge node of a Bidirectional one)."""
        for x, t in enumerate(self.cols):
            label = "⋯" if t is None else f"x<sub>{t}</sub>"
            if self.fixed(x):  # the middle column's label moves with the step
                self.notes.append(_text(x, 0.05, label, FADED if t is None or self.skipped(t) else DARK, 16,
                                        yanchor="top"))
            for k, row in enumerate(self.rows):
                layer = self.run.parts[row.part].layer
                if k == 0 or self.run.parts[self.rows[k - 1].part].layer != layer:
                    self.reads_below(x, k, layer)
                else:
                    self.reads_beside(x, k)
                if k + 1 == len(self.rows) or self.run.parts[self.rows[k + 1].part].layer != layer:
                    self.merge_node(x, t, layer, k)

    def reads_below(self, x: int, k: int, layer: int) -> None:
        """The first row of a layer reads x_t, or what the layer below hands on (its merge node, if any)."""
        start = 0.1 if layer == 0 else self.merges.get(layer - 1, self.rows[k - 1].y + HALF_H)
        if layer and layer - 1 in self.merges:
            start += 0.12
        self.notes.append(_arrow(x, start, x, self.rows[k].y - HALF_H, FADED, 1.5))

    def reads_beside(self, x: int, k: int) -> None:
        """The backward row reads the same input as the forward one, round the forward cell's right side."""
        row = self.rows[k]
        side, below_fwd = x + HALF_W + 0.12, self.rows[k - 1].y - HALF_H - 0.1
        self.notes.append(path([(x, below_fwd), (side, below_fwd), (side, row.y - 0.18)], FADED))
        self.notes.append(_arrow(side, row.y - 0.18, x + HALF_W, row.y - 0.18, FADED, 1.2))

    def masked_note(self) -> None:
        """One note under the inputs the mask skips (their cells are dashed and grey)."""
        skipped = [x for x, t in enumerate(self.cols) if self.skipped(t) and self.fixed(x)]
        if skipped:
            self.notes.append(_text((min(skipped) + max(skipped)) / 2, -0.24, "masked: skipped", FADED, 13,
                                    yanchor="top"))

    def merge_node(self, x: int, t: int | None, layer: int, k: int) -> None:
        """Where Bidirectional joins its two directions at timestep t (every layer but a top one merged 'none')."""
        if layer not in self.merges:
            return
        y = self.merges[layer]
        top = layer == self.run.config.depth - 1
        piece = self.merged_piece(t) if top else None
        colour, width = (tensor_colour(piece.name), 2.5) if piece else (FADED, 1.2)
        fwd, bwd = self.rows[k - 1], self.rows[k]
        side = x - HALF_W - 0.12  # the forward row's h goes up round the backward cell's left side
        self.notes.append(path([(x - HALF_W, fwd.y + 0.18), (side, fwd.y + 0.18), (side, y)], colour, width))
        self.notes.append(_arrow(side, y, x - 0.1, y, colour, width))
        self.notes.append(_arrow(x, bwd.y + HALF_H, x, y - 0.12, colour, width))
        if self.run.config.return_sequences or not top:  # a node per timestep that is merged
            self.notes.append(_text(x, y, MERGE_SIGNS.get(self.run.config.merge_mode, ""), colour, 15, node=True))

    def merged_piece(self, t: int | None) -> returned.Piece | None:
        """The returned sequence's vector merged at timestep t, if Keras returns it."""
        return next((p for p in self.lit.values() if p.merged and p.index != ()
                     and returned.column(self.run, p.part, p.step) == t), None)

    def outputs(self) -> None:
        """h leaving the top row at every timestep: strong where Keras returned it, labelled once per tensor."""
        top_rows = [r for r in self.rows if self.run.parts[r.part].layer == self.run.config.depth - 1]
        merged = self.run.config.depth - 1 in self.merges and self.run.config.return_sequences
        leaving = top_rows[:1] if merged else top_rows  # a merged sequence leaves its merge node, once
        for x, t in enumerate(self.cols):
            for row in leaving:
                start, shift = self.output_start(row, top_rows, merged)
                self.output_arrow(x + shift, start, None if t is None else (row.part, self.step_at(row.part, t)))
        self.labels()

    def output_start(self, row: Row, top_rows: list[Row], merged: bool) -> tuple[float, float]:
        """Where a row's h leaves upwards: the merge node, or the top of the cells (the two directions side by
        side when not merged)."""
        if merged:
            return self.merges[self.run.config.depth - 1] + 0.14, 0.0
        shift = 0.0 if len(top_rows) == 1 else (-0.12 if row is top_rows[0] else 0.12)
        return top_rows[-1].y + HALF_H, shift

    def output_arrow(self, x: float, start: float, cell: tuple[int, int] | None) -> None:
        """One h going up to the returned tensors' labels: in its tensor's colour and dash if Keras returns it."""
        piece = None if cell is None else self.lit.get(cell)
        look = (tensor_colour(piece.name), 3.0, tensor_dash(piece.name)) if piece else (FADED, 1.5, "solid")
        self.notes.append(_arrow(x, start, x, self.top - 0.1, *look))

    def labels(self) -> None:
        """One label per returned tensor over the timesteps it holds (a bracket when more than one), stacked
        above the picture; a head's boxes above them, fed by arrows, and its prediction on top."""
        held: dict[str, list[int]] = {}
        for p in self.pieces:
            if not p.name.endswith(("_h", "_c")):
                held.setdefault(p.name, []).append(self.x_of(returned.column(self.run, p.part, p.step)))
        firsts = [n for n in held if n != "prediction"]
        for k, name in enumerate(firsts):
            self.label(name, held[name], self.top + LABEL_ROW * k)
        base = self.top + LABEL_ROW * len(firsts)
        if "prediction" in held:
            self.head(held["prediction"], base, firsts[0])
            self.label("prediction", held["prediction"], base + HEAD_TOP + 0.1)
        self.height = base + (HEAD_TOP + 0.7 if "prediction" in held else 0.05)

    def label(self, name: str, xs: list[int], y: float) -> None:
        """A returned tensor's name and shape at height y, over a bracket when it holds several timesteps."""
        piece = next(p for p in self.pieces if p.name == name)
        colour = tensor_colour(name)
        low, high = min(xs), max(xs)
        if high > low:
            self.shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": low - 0.25, "x1": high + 0.25,
                                "y0": y, "y1": y, "line": {"color": colour, "width": 3, "dash": tensor_dash(name)}})
        self.notes.append(_text((low + high) / 2, y + 0.03, _name(piece), colour, 18, yanchor="bottom",
                                returned=True))

    def head(self, xs: list[int], base: float, reads: str) -> None:
        """The Dense head's boxes (on the last output, or on every step), named beside the first, each fed by an
        arrow in the colour and dash of the tensor it reads (`reads`), from over that tensor's label under them."""
        for x in sorted(set(xs)):
            self.notes.append(_arrow(x, base - 0.04, x, base + HEAD_TOP - 0.3, tensor_colour(reads), 2.5,
                                     tensor_dash(reads)))
            self.shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": x - 0.3, "x1": x + 0.3,
                                "y0": base + HEAD_TOP - 0.3, "y1": base + HEAD_TOP, "fillcolor": "white",
                                "line": {"color": DARK, "width": 2}})
        self.notes.append(_text(min(xs) - 0.36, base + HEAD_TOP - 0.15, "Dense", DARK, 13, xanchor="right"))

    def squares(self, cells: list[tuple[int, Row, int]], where: str = "each cell") -> tuple[dict, dict]:
        """The (x, row, t) cells' hover points (one per cell, under its squares: the cell's text once, not once
        per square) and their first STRIP units of h as coloured squares, stacked."""
        xs, ys, values = [], [], []
        cell_x, cell_y, hover = [], [], []
        units = min(STRIP, self.run.config.units)
        for x, row, t in cells:
            k = self.step_at(row.part, t)
            cell_x.append(x)
            cell_y.append(row.y)
            hover.append(_cell_text(self.run, row.part, self.sample, k, t))
            for u in range(units):
                xs.append(x)
                ys.append(row.y + HALF_H * 0.72 * (1 - 2 * u / max(units - 1, 1)) if units > 1 else row.y)
                values.append(float(self.run.parts[row.part].trace.h[self.sample, k, u]))
        hovers = {"type": "scatter", "x": cell_x, "y": cell_y, "mode": "markers", "name": f"numbers in {where}",
                  "hovertext": hover, "hoverinfo": "text", "showlegend": False,
                  "marker": {"symbol": "square", "size": CELL_HOVER_PX, "opacity": 0}}
        return hovers, {"type": "scatter", "x": xs, "y": ys, "mode": "markers", "name": f"h in {where}",
                        "hoverinfo": "skip", "showlegend": False,
                        "marker": {"symbol": "square", "size": 10, "color": values, "colorscale": RDBU,
                                   "cmin": -self.bound, "cmax": self.bound, "line": {"color": "#666", "width": 0.5}}}

    def strips(self) -> list[dict]:
        """Each cell's strip of h, and the h scale's colour bar (the middle column's are drawn with its step)."""
        hovers, squares = self.squares([(x, row, t) for row in self.rows for x, t in enumerate(self.cols)
                                        if t is not None and self.fixed(x)])
        # h is named in the first tick: a title over the bar would meet x_T
        squares["marker"]["colorbar"] = {"orientation": "h", "thickness": 10, "len": 160, "lenmode": "pixels",
                                         "x": 1.0, "xanchor": "right", "y": 0.0, "yanchor": "bottom",
                                         "tickformat": ".2~g", "tickvals": [-self.bound, 0, self.bound],
                                         "ticktext": [f"h {-self.bound:.2g}", "0", f"{self.bound:.2g}"]}
        return [hovers, squares]

    def middle_columns(self, centre: int) -> list[dict]:
        """The middle columns of a long sequence while the followed part reads `centre`, each showing its
        timestep: a grey dotted box over each cell the mask skips, the cells' h and numbers, and x_t under them
        (none for a short sequence)."""
        if not self.moving:
            return []
        shown = columns(self.T, centre, self.both)
        drawn = [(x, shown[x]) for x in self.moving]
        xs, ys = [], []
        for x, t in drawn:
            for row in self.rows if self.skipped(t) else ():
                left, right, low, high = x - HALF_W, x + HALF_W, row.y - HALF_H, row.y + HALF_H
                xs += [left, right, right, left, left, None]
                ys += [low, low, high, high, low, None]
        skipped = {"type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself", "fillcolor": "#ececec",
                   "line": {"color": FADED, "width": 1.5, "dash": "dot"}, "hoverinfo": "skip", "showlegend": False,
                   "name": "masked, in the middle columns"}
        hovers, squares = self.squares([(x, row, t) for x, t in drawn for row in self.rows], "the middle columns")
        label = {"type": "scatter", "x": [x for x, _ in drawn], "y": [0.05] * len(drawn), "mode": "text",
                 "text": [f"x<sub>{t}</sub>" for _, t in drawn], "textposition": "bottom center",
                 "hoverinfo": "skip", "showlegend": False, "name": "labels", "cliponaxis": False,
                 "textfont": {"size": 16, "color": [FADED if self.skipped(t) else DARK for _, t in drawn]}}
        return [skipped, hovers, squares, label]


def _vector(values: np.ndarray, most: int = 6) -> str:
    shown = ", ".join(f"{v:.3f}" for v in values[:most])
    return f"[{shown}{', …' if values.size > most else ''}]"


def _cell_text(run: Run, part: int, sample: int, step: int, t: int) -> str:
    """A cell's numbers at one step, for its hover: first its squares' values (h of the first STRIP units, top
    down), then the step's vectors."""
    p = run.parts[part]
    h = p.trace.h[sample, step]
    squares = ", ".join(f"{v:.4f}" for v in h[:STRIP])
    lines = [f"<b>{p.label}</b> at t={t}" + (f" (its step {step})" if p.reads_backwards else "")
             + f" reads x[{sample}, {t}]",
             f"squares, top down: h[0:{min(STRIP, h.size)}] = [{squares}]", f"h = {_vector(h)}"]
    if p.trace.c is not None:
        lines.append(f"c = {_vector(p.trace.c[sample, step])}")
    lines += [f"{gate_name(g)} = {_vector(v[sample, step], 4)}" for g, v in p.trace.gates.items()]
    return "<br>".join(lines)


def _now(picture: _Picture, step: int) -> dict[str, Any]:
    """The outline around the cells working at processing step `step` (each row reads its own x_t), the middle
    column of a long sequence showing the followed part's timestep."""
    xs, ys, tx, ty, text, places = [], [], [], [], [], []
    pad = 0.07
    centre = returned.column(picture.run, picture.part, step)
    for row in picture.rows:
        t = picture.T - 1 - step if picture.run.parts[row.part].reads_backwards else step
        x = position(picture.T, t, centre, picture.both)
        left, right, low, high = x - HALF_W - pad, x + HALF_W + pad, row.y - HALF_H - pad, row.y + HALF_H + pad
        xs += [left, right, right, left, left, None]
        ys += [low, low, high, high, low, None]
        backward = picture.run.parts[row.part].reads_backwards  # its name stands over its right end
        leaving = x == (0 if backward else len(picture.cols) - 1)  # where the final states' labels stand
        inward = backward != leaving
        tx += [left if inward else right, None]  # the labels are points of their own, not joined by a line
        ty += [high, None]
        text += [f"t={t}", ""]
        places += ["top left" if inward else "top right"] * 2
    return {"type": "scatter", "x": xs + tx, "y": ys + ty, "mode": "lines+text", "name": "now",
            "text": [""] * len(xs) + text, "textposition": ["top right"] * len(xs) + places,
            "textfont": {"size": 13, "color": STEP_TEXT},
            "line": {"color": STEP_COLOUR, "width": 4}, "hoverinfo": "skip", "showlegend": False, "cliponaxis": False}


def _follow(run: Run, part: int, sample: int, units: Sequence[int]) -> tuple[list[dict], list[str]]:
    """Under the picture: h_t of the units drawn over input time, each unit its own colour and dash (y axis y2);
    the traces and the panel's title."""
    p = run.parts[part]
    time = np.arange(run.config.timesteps)
    time = time[::-1] if p.reads_backwards else time
    traces = []
    for j, u in enumerate(units):
        style = line_style(j)
        traces.append({"type": "scatter", "x": time, "y": p.trace.h[sample][:, u], "mode": "lines",
                       "xaxis": "x2", "yaxis": "y2", "name": f"unit {u}",  # told apart by dash: markers cost time
                       "line": {"color": style["color"], "dash": style["dash"], "width": 2.5},
                       "hovertemplate": f"h_t, unit {u}<br>t %{{x}}: %{{y:.4f}}<extra></extra>"})
    return traces, ["h_t"]


def _readout(run: Run, part: int, sample: int, unit: int, step: int, at: tuple[float, float]) -> dict[str, Any]:
    """The chosen part's numbers at processing step `step`, written under the picture: c and the gates of one
    unit (h is drawn in the panel below), so they follow the play."""
    p = run.parts[part]
    t = run.config.timesteps - 1 - step if p.reads_backwards else step
    lines = [f"<b>t={t}</b>: {p.label} reads x<sub>{t}</sub>" + (f" (its step {step})" if p.reads_backwards else "")]
    if p.trace.c is not None:
        lines.append(f"c = {_vector(p.trace.c[sample, step], 4)}")
    if p.trace.gates:
        lines.append(f"unit {unit}: " + " · ".join(f"{gate_name(g)} {v[sample, step, unit]:.2f}"
                                                  for g, v in p.trace.gates.items()))
    return {"type": "scatter", "x": [at[0]], "y": [at[1]], "mode": "text", "text": ["<br>".join(lines)],
            "textposition": "bottom right", "textfont": {"size": 14, "color": DARK}, "hoverinfo": "skip",
            "showlegend": False, "name": "now, in numbers", "cliponaxis": False}


def _marker(run: Run, part: int, step: int, panels: int, bounds: list[tuple[float, float]]) -> list[dict]:
    """The current step's vertical line in each panel under the picture."""
    t = run.config.timesteps - 1 - step if run.parts[part].reads_backwards else step
    return [{"type": "scatter", "x": [t, t], "y": list(bounds[k]), "mode": "lines", "xaxis": "x2",
             "yaxis": f"y{k + 2}", "line": {"color": STEP_COLOUR, "width": 3}, "hoverinfo": "skip",
             "showlegend": False, "name": "now"} for k in range(panels)]


def _go(frame: Any, duration: int) -> list:
    return [frame, {"frame": {"duration": duration, "redraw": True}, "transition": {"duration": 0},
                    "mode": "immediate", "fromcurrent": True}]


def _menus(steps: int, step: int, below: float) -> list[dict[str, Any]]:
    """Two rows of buttons under the slider (paper height `below`: the picture's bottom), centred under the cells
    (the margins beside them, as wide as their labels, take the rows' overhang on a phone): step back, pause,
    step forward (their targets set for `step`); play at each speed."""
    row = {"type": "buttons", "direction": "right", "showactive": False, "x": 0.5, "xanchor": "center", "y": below,
           "yanchor": "top", "font": {"size": 14}, "bgcolor": "#f2f2f2", "bordercolor": "#999"}
    moves = [{"label": "◀ step", "method": "animate", "args": _go([str(max(step - 1, 0))], 0)},
             {"label": "❚❚ pause", "method": "animate", "args": _go([None], 0)},
             {"label": "step ▶", "method": "animate", "args": _go([str(min(step + 1, steps - 1))], 0)}]
    plays = [{"label": f"▶ {s:g}×", "method": "animate", "args": _go(None, int(BASE_MS / s))} for s in SPEEDS]
    return [{**row, "buttons": moves, "pad": {"t": 86, "b": 0}},  # the five speeds a little smaller: a phone's width
            {**row, "buttons": plays, "pad": {"t": 126, "b": 0}, "font": {"size": 12}}]


def _slider(run: Run, part: int, step: int, below: float) -> dict[str, Any]:
    """The slider over the processing steps, each labelled with the timestep t the followed part reads then."""
    steps = run.config.timesteps
    return {"active": step, "x": 0, "len": 1.0, "y": below, "yanchor": "top", "pad": {"t": 4, "b": 0},
            "currentvalue": {"prefix": f"{TIME}=", "font": {"size": 15}}, "font": {"size": 12},
            "steps": [{"label": str(returned.column(run, part, k)), "method": "animate", "args": _go([str(k)], 0)}
                      for k in range(steps)]}


@dataclass(frozen=True)
class Geometry:
    """Heights in pixels of the figure's plot area: the picture, the controls under it (while playing), the
    panels; and the room beside the cells that the labels reach into (left, right)."""

    picture_px: int
    panels: int
    controls_px: int = 0  # while playing: the slider, two rows of buttons, the first panel's title
    panel_px: int = 130
    gap_px: int = 56
    sides_px: tuple[int, int] = (60, 60)

    @property
    def plot_px(self) -> int:
        return self.picture_px + self.controls_px + self.panels * self.panel_px + max(self.panels - 1, 0) * self.gap_px

    @property
    def below(self) -> float:
        """The picture's bottom, in paper units."""
        return 1 - self.picture_px / self.plot_px


def _reach_px(note: dict) -> float:
    """How far a label reaches from its anchor, in pixels: its longest line."""
    lines = [re.sub(r"<[^>]+>", "", line) for line in note["text"].split("<br>")]
    return max(len(line) for line in lines) * note["font"]["size"] * CHAR_PX + 6


def _sides(picture: _Picture) -> tuple[int, int]:
    """The margins beside the cells, in pixels, that the labels anchored past the first and the last cell need
    (the cells themselves take what is left of the width, on a phone too)."""
    last = len(picture.cols) - 1
    left = [_reach_px(n) + 8 for n in picture.notes if "text" in n and n["x"] < -HALF_W + 0.01
            and n.get("xanchor") == "right"]
    right = [_reach_px(n) + 8 for n in picture.notes if "text" in n and n["x"] > last + HALF_W - 0.01
             and n.get("xanchor") == "left"]
    return int(max(left, default=30)), int(max(right, default=30))


def _figure_title(run: Run, sample: int) -> str:
    """'LSTM unrolled over 10 timesteps, sample 0', naming the layer as the code builds it."""
    config = run.config
    name = CLASS_NAMES[config.layer]
    name = f"Bidirectional({name})" if config.bidirectional else name
    name = f"{config.depth} stacked {name} layers" if config.depth > 1 else name
    return f"{name} unrolled over {config.timesteps} timesteps, sample {sample}"


def unrolled_figure(run: Run, sample: int, part: int, units: Sequence[int], unit: int, step: int,
                    play: bool = True) -> Figure:
    """The unrolled layer for one sample (the picture) at `step`, with its h colour bar under it; with `play`,
    the chosen part's c_t and gates of `unit` written out, its h_t over time, one frame per processing step and
    the controls that move all of it in the browser (they cost every change of a class exploring at once: sent
    only when asked for)."""
    picture, strips = _drawn(run, sample, part, step)
    follow, titles = _follow(run, part, sample, units) if play else ([], [])  # without play: the charts below
    bounds = [_panel_bounds(follow, k) for k in range(len(titles))]
    picture.bottom -= 0.7 * play  # the step's numbers, three lines
    geometry = Geometry(int(ROW_PX * (picture.height - picture.bottom)), len(titles), 190 * play,
                        sides_px=_sides(picture))
    lines = line_traces([n for n in picture.notes if "path" in n])
    picture.notes, texts = _text_traces([n for n in picture.notes if "path" not in n])
    moving = _Moving(picture, part, unit, len(titles), tuple(bounds), play)
    data = lines + texts + strips + follow + moving.at(step)
    first = len(data) - len(moving.at(step))
    frames = [{"name": str(k), "traces": list(range(first, len(data))), "data": moving.at(k),
               "layout": {"updatemenus": _menus(run.config.timesteps, k, geometry.below)}}
              for k in range(run.config.timesteps)] if play else []
    return _layout(run, picture, geometry, data, frames, titles, bounds, part, step)


def _drawn(run: Run, sample: int, part: int, step: int) -> tuple[_Picture, list[dict]]:
    """The picture of one sample at `step` of the followed part, and its cells' strips of h on a scale symmetric
    about zero."""
    picture = _Picture(run, sample, part, step)
    for draw in (picture.cells, picture.flow, picture.inputs, picture.masked_note, picture.outputs):
        draw()
    picture.bound = max(symmetric_bound(np.stack([run.parts[r.part].trace.h[sample] for r in picture.rows])), 1e-6)
    second = _second_call(picture, step)  # a stateful layer's next call, on one scale with the first
    return picture, picture.strips() + second


SEPARATOR = -0.75  # the height of the dashed line between a stateful layer's two calls
CALL_2 = "call 2: "


def _second_call(picture: _Picture, step: int) -> list[dict]:
    """A stateful layer's next call, under the first and drawn by the same rules from its own trace, after a
    dashed line: each row's final h (and c) carried into its first cell. Adds its shapes and notes to `picture`
    (and sets one h scale for both calls); returns its traces (its cells' strips, the middle columns of a long
    sequence at `step`, the carried states)."""
    run = picture.run
    if run.stateful is None or not run.stateful.traces:
        return []
    second = _second_run(run)
    drawn = _Picture(second, picture.sample, picture.part, step)
    for draw in (drawn.cells, drawn.flow, drawn.inputs, drawn.masked_note, drawn.outputs):
        draw()
    drawn.bound = picture.bound = max(symmetric_bound(np.stack(
        [p.trace.h[picture.sample] for p in (*run.parts, *second.parts)])), 1e-6)
    shift = SEPARATOR - 0.35 - drawn.height
    for note in drawn.notes:
        if note.get("returned"):  # its returned tensors' names say which call returned them
            note["text"] = note["text"].replace("<b>", f"<b>{CALL_2}", 1)
    picture.notes += [_moved(n, shift) for n in drawn.notes]
    picture.shapes += [_moved(s, shift) for s in drawn.shapes]
    last = len(picture.cols) - 1
    picture.shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": -REACH, "x1": last + REACH,
                           "y0": SEPARATOR, "y1": SEPARATOR, "line": {"color": DARK, "width": 1.5, "dash": "dash"}})
    picture.notes.append(_text(last / 2, SEPARATOR + 0.04, "<b>next call: state carried</b>", DARK, 14,
                               yanchor="bottom"))
    picture.bottom = picture.under = UNDER_LABELS + shift
    hovers, squares = drawn.strips()
    squares["marker"].pop("colorbar")
    traces = [hovers, squares] + drawn.middle_columns(drawn.centre)
    for trace in traces:
        trace["name"] = CALL_2 + trace["name"]
    return [_moved(t, shift) for t in traces + _carried(picture, shift)]


def _second_run(run: Run) -> Run:
    """The second call as a Run of its own: its input, what Keras returned for it, its trace."""
    stateful = run.stateful
    parts = tuple(dataclasses.replace(p, label=CALL_2 + p.label, trace=t, inputs=stateful.x_second)
                  for p, t in zip(run.parts, stateful.traces))
    mask = mask_of(stateful.x_second, run.config)
    return dataclasses.replace(run, x=stateful.x_second, returns=stateful.second, parts=parts, mask=mask,
                               stateful=None)


def _carried(picture: _Picture, shift: float) -> list[dict]:
    """Each row's final h (and c) of the first call, carried round into the first cell of the same row of the
    second call (drawn `shift` lower): the traces named "state carried into call 2", in the second call's units."""
    last = len(picture.cols) - 1
    lines = []
    states = ((-0.12, -0.12, 0.45, 0.66, 0.1), (0.12, 0.14, 0.58, 0.55, 0.2))
    for row in picture.rows:
        backward = picture.run.parts[row.part].reads_backwards
        for leave, enter, out, into, below in states[:1 + (picture.run.config.layer == "lstm")]:
            start, end = (0, last) if backward else (last, 0)
            way = -1 if backward else 1
            y1, y2, low = row.y + leave - shift, row.y + enter, SEPARATOR - below - shift
            lines.append(path([(start + way * HALF_W, y1), (start + way * out, y1), (start + way * out, low),
                                (end - way * into, low), (end - way * into, y2), (end - way * HALF_W, y2)],
                               DARK, 2.0, head=True))
    traces = line_traces(lines)
    traces[0]["name"] = "state carried into call 2"  # then its arrowheads
    return traces


def _moved(item: dict, dy: float) -> dict:
    """A note, line, shape or trace of the picture moved by dy (in the picture's units)."""
    if "path" in item:
        item["path"] = [(x, y + dy) for x, y in item["path"]]
    elif "y0" in item:
        item["y0"], item["y1"] = item["y0"] + dy, item["y1"] + dy
    elif isinstance(item.get("y"), list):
        item["y"] = [None if y is None else y + dy for y in item["y"]]
    elif "y" in item:
        item["y"] += dy
    return item


@dataclass(frozen=True)
class _Moving:
    """What moves with the step: the box round the working cells, the step's numbers (while playing), the marker
    in each panel under the picture and the middle columns of a long sequence."""

    picture: _Picture
    part: int
    unit: int
    panels: int
    bounds: tuple[tuple[float, float], ...]
    play: bool

    def at(self, step: int) -> list[dict]:
        run, sample = self.picture.run, self.picture.sample
        at = (-HALF_W - 0.1, self.picture.under)
        numbers = [_readout(run, self.part, sample, self.unit, step, at)] if self.play else []
        column = self.picture.middle_columns(returned.column(run, self.part, step))
        return ([_now(self.picture, step)] + numbers + _marker(run, self.part, step, self.panels, list(self.bounds))
                + column)


def _panel_bounds(follow: list[dict], k: int) -> tuple[float, float]:
    """The y range of the k-th panel under the picture, a little wider than its values."""
    values = np.concatenate([np.asarray(t["y"]) for t in follow if t["yaxis"] == f"y{k + 2}"])
    low, high = float(values.min()), float(values.max())
    pad = (high - low) * 0.08 or 0.1
    return low - pad, high + pad


def described(run: Run) -> str:
    """The picture in words: what each returned tensor holds, from which cells."""
    held: dict[str, list[returned.Piece]] = {}
    for piece in returned.pieces(run):
        held.setdefault(piece.name, []).append(piece)
    said = []
    for name, pieces in held.items():
        parts = sorted({run.parts[p.part].label for p in pieces})
        what = "the head on" if pieces[0].head else ("the final" if name.endswith(("_h", "_c")) else "")
        steps = f"{len({p.index for p in pieces})} timesteps" if pieces[0].index else "the last step"
        said.append(f"{name} {pieces[0].shape}: {what + ' ' if what else ''}{pieces[0].state} of {' and '.join(parts)}"
                    f" at {steps}")
    then = (" Under it the next call of the stateful layer starts from these final states and returns the same names"
            " for its own chunk." if run.stateful and run.stateful.traces else "")
    return f"Keras returns {'; '.join(said)}. Every other state is computed and thrown away.{then}"


def _layout(run: Run, picture: _Picture, geometry: Geometry, data: list[dict], frames: list[dict],
            titles: list[str], bounds: list[tuple[float, float]], part: int, step: int) -> Figure:
    """The figure: the picture on top, then (while playing) the controls and the panels; the colour bar at the
    picture's bottom right."""
    plot_px, below = geometry.plot_px, geometry.below
    left, right = geometry.sides_px
    layout: dict[str, Any] = {
        "yaxis": {"domain": [below, 1.0], "range": [picture.bottom, picture.height], "visible": False,
                  "fixedrange": True},
        "xaxis": {"range": [-REACH - 0.08, len(picture.cols) - 1 + REACH + 0.08], "visible": False,
                  "fixedrange": True}}
    notes = list(picture.notes)
    if titles:
        _panels(run, geometry, titles, bounds, part, layout, notes)
    figure = base_figure(data, _figure_title(run, picture.sample), plot_px + (190 if titles else 24),
                         subtitle="coloured: returned · grey: thrown away · hover a cell",
                         margin={"l": left, "r": right, "t": 44, "b": 60 if titles else 4},
                         annotations=notes, shapes=picture.shapes, legend={"orientation": "h", "y": -0.08, "x": 0,
                         "yanchor": "top", "groupclick": "toggleitem"}, **layout)
    bar = below + (picture.under - picture.bottom) / (picture.height - picture.bottom) * (1 - below)
    for trace in data:  # the h scale: at the picture's bottom right, under the x_t labels (over the step's numbers)
        if "colorbar" in trace.get("marker", {}):
            trace["marker"]["colorbar"].update(y=bar)
    figure["layout"]["meta"] = {"description": described(run)}
    if frames:
        figure["layout"].update(updatemenus=_menus(run.config.timesteps, step, below),
                                sliders=[_slider(run, part, step, below)])
        figure["frames"] = frames
    return figure


def _panels(run: Run, geometry: Geometry, titles: list[str], bounds: list[tuple[float, float]], part: int,
            layout: dict[str, Any], notes: list[dict]) -> None:
    """The panels under the controls, one over another on the input's time axis: their axes into `layout`,
    their titles into `notes`."""
    plot_px = geometry.plot_px
    top = geometry.below - geometry.controls_px / plot_px
    for k, title in enumerate(titles):
        lower = max(top - geometry.panel_px / plot_px, 0.0)
        layout[f"yaxis{k + 2}"] = plain_axis(None, domain=[lower, top], range=list(bounds[k]))
        notes.append({**panel_label(f"{title} ({run.parts[part].label})" if k == 0 else title, 0, top),
                      "xanchor": "left", "font": {"size": 15}})
        top = lower - geometry.gap_px / plot_px
    x_title = BACKWARDS if run.parts[part].reads_backwards else TIME
    layout["xaxis2"] = index_axis(x_title, run.config.timesteps, anchor=f"y{len(titles) + 1}")
