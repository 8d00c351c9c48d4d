"""The playground's "start here" tour: five short steps over the unrolled layer, each naming one part of the
picture and outlining it, asking for a prediction before the learner flips the setting that changes it, the last
handing over to the first lesson.

The outline is added to the picture as it is drawn (rnnlab.unrolled), found from the picture itself: its cells are
its rectangles drawn below everything else; the inputs are under them, what leaves upwards above them, and the
final states past the row's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rnnlab.figures import Figure
from rnnlab.params import Config
from rnnlab.result import Run
from rnnlab.unrolled import unrolled_figure

OUTLINE = {"color": "#b35900", "width": 3, "dash": "dot"}  # 4.9:1 on white
FILL = "rgba(230, 159, 0, 0.14)"
PAD = 0.12  # the outline's room round what it holds, in the picture's units
UNDER_INPUTS = -0.34  # under the x_t labels
LABEL_ROOM = 0.38  # how far a final state's label (two lines) reaches past the row's cells


class Step(NamedTuple):
    title: str
    text: str  # our Markdown: one or two sentences, then the prediction asked for
    region: str  # the part of the picture outlined: inputs, flow, outputs, states ("" for none)
    flip: dict[str, str]  # the settings the step's button sets (query-string text), empty for none
    flip_label: str = ""


# The parts of the picture a step or a lesson may outline, in the words the page uses for them
REGIONS = {"inputs": "x_t entering each cell from below", "flow": "the state moving from cell to cell",
           "outputs": "what leaves each cell upwards: the outputs", "states": "the final states leaving the row's end"}
# What each layer hands from cell to cell, in Keras's names: an LSTM h and c, a GRU or SimpleRNN h alone (so that
# return_state adds one state, state_h, not two)
CARRIES = {"lstm": ("h", "c"), "gru": ("h",), "simple_rnn": ("h",)}
KERAS_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}


def steps(layer: str = "lstm", backwards: bool = False) -> tuple[Step, ...]:
    """The tour's steps in the words of `layer` (lstm, gru or simple_rnn): what it hands on and returns, and which
    way (`backwards`: a go_backwards layer, read from its last timestep, hands them leftwards)."""
    lstm = CARRIES[layer] == ("h", "c")
    way = "left" if backwards else "right"
    carried = "h and c" if lstm else "h"
    hands = ("its hidden state h and its cell state c" if lstm else
             f"its hidden state h (a {KERAS_NAMES[layer]} keeps no cell state c: h is all it carries)")
    leave = (f"the final h and c leave to the {way}: grey until they are asked for" if lstm else
             f"the final h leaves to the {way}: grey until it is asked for")
    return (
        Step("x_t enters from below",
             "Each box is the same cell at another timestep: the layer reads the input x one timestep at a time, "
             "x_0 first, each x_t entering its cell from below. **Predict:** with 4 timesteps, how many boxes will "
             "the row have?", "inputs", {"timesteps": "4"}, "Set timesteps to 4"),
        Step(f"{carried} move{'' if lstm else 's'} {way}",
             f"Each cell hands {hands} to the next one, so the last cell has read the whole sequence. "
             "**Predict:** which box's h does the layer return when nothing else is asked for? Then play the "
             f"timesteps and watch {carried} change from cell to cell.", "flow", {"play": "true"},
             "Play the timesteps"),
        Step("What return_sequences adds",
             "Above the cells, what leaves upwards: coloured is what Keras returns, grey is computed and thrown "
             "away. **Predict:** with `return_sequences=True`, which cells light up, and what is the output's "
             "shape?", "outputs", {"return_sequences": "true"}, "Turn on return_sequences"),
        Step("What return_state adds",
             f"At the row's end, {leave}. **Predict:** with `return_state=True`, how many tensors does the layer "
             "return, and in which order?", "states", {"return_state": "true"}, "Turn on return_state"),
        Step("Over to the lessons",
             "What is lit in the picture is exactly what Keras returns, its shape on its label. The lessons take "
             "each idea in turn, with questions checked against Keras; the picture stays here to try things.",
             "", {}),
    )


STEPS = steps()


def step_at(number: int, layer: str = "lstm", backwards: bool = False) -> Step | None:
    """The tour's step `number` (1 to len(STEPS)) in the words of `layer` and its direction; None for 0, off the
    tour."""
    return steps(layer, backwards)[number - 1] if 1 <= number <= len(STEPS) else None


def region_bounds(figure: Figure, region: str, backwards: bool = False, has_c: bool = True
                  ) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) of a part of the unrolled picture, in its axes' units; `backwards`: the layer reads from
    the last timestep, so its final states leave at the left; `has_c`: an LSTM's c leaves above each row's middle
    (h below it), a GRU or a SimpleRNN has no c, so their final states hold the lower half alone."""
    layout = figure["layout"]
    cells = [s for s in layout["shapes"] if s["type"] == "rect" and s.get("layer") == "below"]
    left, right = min(s["x0"] for s in cells) - PAD, max(s["x1"] for s in cells) + PAD
    low, high = min(s["y0"] for s in cells), max(s["y1"] for s in cells)
    (x_low, x_high), (_, y_high) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    if region == "inputs":
        return left, right, UNDER_INPUTS, low - 0.03
    if region == "flow":
        return left, right, low - 0.08, high + 0.08
    if region == "outputs":
        return left, right, high + 0.03, y_high
    if region == "states":
        # round the labels of the final states, each its name over its shape beside its arrow (rnnlab.unrolled)
        top = high + LABEL_ROOM if has_c else max((s["y0"] + s["y1"]) / 2 for s in cells) + 0.03
        return (x_low, left + PAD - 0.03, low - LABEL_ROOM, top) if backwards else \
            (right - PAD + 0.03, x_high, low - LABEL_ROOM, top)
    raise ValueError(f"no such part of the picture: {region}")


def highlighted(figure: Figure, region: str, backwards: bool = False, has_c: bool = True) -> Figure:
    """The figure with `region` outlined (a shape named tour-<region>); the figure itself is left as it was.

    The final states' labels stand in the picture's side margin (sized in pixels, rnnlab.unrolled), out of the
    axes' reach: their outline is drawn in two pieces, on the axes and across the margin, each open where they
    meet."""
    x0, x1, y0, y1 = region_bounds(figure, region, backwards, has_c)
    look = {"layer": "above", "line": OUTLINE, "fillcolor": FILL}
    if region != "states":
        added = [{"type": "rect", "xref": "x", "yref": "y", "x0": x0, "x1": x1, "y0": y0, "y1": y1, **look,
                  "name": f"tour-{region}"}]
    else:
        inner, outer = (x1, x0) if backwards else (x0, x1)
        low, high = figure["layout"]["yaxis"]["range"]
        f0, f1 = ((y - low) / (high - low) for y in (y0, y1))
        reach = (4 - figure["layout"]["margin"]["l"]) if backwards else figure["layout"]["margin"]["r"] - 4
        added = [{"type": "path", "xref": "x", "yref": "y", "x0": x0, "x1": x1, "y0": y0, "y1": y1, **look,
                  "path": f"M{outer},{y0} L{inner},{y0} L{inner},{y1} L{outer},{y1}", "name": "tour-states"},
                 {"type": "path", "xref": "x domain", "yref": "y domain", "xsizemode": "pixel",
                  "xanchor": 0 if backwards else 1, **look, "path": f"M0,{f0} L{reach},{f0} L{reach},{f1} L0,{f1}",
                  "name": "margin of tour-states"}]
    return {**figure, "layout": {**figure["layout"], "shapes": [*figure["layout"]["shapes"], *added]}}


def tour_figure(run: Run, region: str, sample: int, part: int, units: Sequence[int], unit: int, step: int,
                play: bool = True) -> Figure:
    """The unrolled layer (rnnlab.unrolled.unrolled_figure) with the tour's region outlined."""
    figure = unrolled_figure(run, sample, part, units, unit, step, play)
    return highlighted(figure, region, leftwards(run.config), "c" in CARRIES[run.config.layer]) if region else figure


def leftwards(config: Config) -> bool:
    """Whether the picture's row runs right to left: a go_backwards layer on its own (a Bidirectional layer's
    backward half is drawn beside its forward one, which runs rightwards)."""
    return config.go_backwards and not config.bidirectional
