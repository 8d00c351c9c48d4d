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
from rnnlab.result import Run
from rnnlab.unrolled import unrolled_figure

OUTLINE = {"color": "#b35900", "width": 3, "dash": "dot"}  # 4.9:1 on white
FILL = "rgba(230, 159, 0, 0.14)"
PAD = 0.12  # the outline's room round what it holds, in the picture's units
UNDER_INPUTS = -0.34  # under the x_t labels


class Step(NamedTuple):
    title: str
    text: str  # our Markdown: one or two sentences, then the prediction asked for
    region: str  # the part of the picture outlined: inputs, flow, outputs, states ("" for none)
    flip: dict[str, str]  # the settings the step's button sets (query-string text), empty for none
    flip_label: str = ""


STEPS = (
    Step("x_t enters from below",
         "Each box is the same cell at another timestep: the layer reads the input x one timestep at a time, "
         "x_0 first, each x_t entering its cell from below. **Predict:** with 4 timesteps, how many boxes will the "
         "row have?", "inputs", {"timesteps": "4"}, "Set timesteps to 4"),
    Step("h and c move right",
         "Each cell hands its hidden state h and its cell state c to the next one, so the last cell has read the "
         "whole sequence. **Predict:** which box's h does the layer return when nothing else is asked for? Then "
         "play the timesteps and watch h and c change from cell to cell.", "flow", {"play": "true"},
         "Play the timesteps"),
    Step("What return_sequences adds",
         "Above the cells, what leaves upwards: coloured is what Keras returns, grey is computed and thrown away. "
         "**Predict:** with `return_sequences=True`, which cells light up, and what is the output's shape?",
         "outputs", {"return_sequences": "true"}, "Turn on return_sequences"),
    Step("What return_state adds",
         "At the row's end, the final h and c leave to the right: grey until they are asked for. **Predict:** "
         "with `return_state=True`, how many tensors does the layer return, and in which order?",
         "states", {"return_state": "true"}, "Turn on return_state"),
    Step("Over to the lessons",
         "What is lit in the picture is exactly what Keras returns, its shape on its label. The lessons take "
         "each idea in turn, with questions checked against Keras; the picture stays here to try things.",
         "", {}),
)


def step_at(number: int) -> Step | None:
    """The tour's step `number` (1 to len(STEPS)); None for 0, off the tour."""
    return STEPS[number - 1] if 1 <= number <= len(STEPS) else None


def region_bounds(figure: Figure, region: str, backwards: bool = False) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) of a part of the unrolled picture, in its axes' units; `backwards`: the layer reads from
    the last timestep, so its final states leave at the left."""
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
        return (x_low, left + PAD - 0.03, low - 0.12, high + 0.12) if backwards else \
            (right - PAD + 0.03, x_high, low - 0.12, high + 0.12)
    raise ValueError(f"no such part of the picture: {region}")


def highlighted(figure: Figure, region: str, backwards: bool = False) -> Figure:
    """The figure with `region` outlined (a shape named tour-<region>); the figure itself is left as it was."""
    x0, x1, y0, y1 = region_bounds(figure, region, backwards)
    outline = {"type": "rect", "xref": "x", "yref": "y", "x0": x0, "x1": x1, "y0": y0, "y1": y1, "layer": "above",
               "line": OUTLINE, "fillcolor": FILL, "name": f"tour-{region}"}
    return {**figure, "layout": {**figure["layout"], "shapes": [*figure["layout"]["shapes"], outline]}}


def tour_figure(run: Run, region: str, sample: int, part: int, units: Sequence[int], unit: int, step: int,
                play: bool = True) -> Figure:
    """The unrolled layer (rnnlab.unrolled.unrolled_figure) with the tour's region outlined."""
    figure = unrolled_figure(run, sample, part, units, unit, step, play)
    backwards = run.config.go_backwards and not run.config.bidirectional
    return highlighted(figure, region, backwards) if region else figure
