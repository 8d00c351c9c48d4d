"""The page's colours: the colour scales a learner picks (view parameter `colours`), and one colour per
returned tensor name, the same in every chart and in the unrolled picture.

Every scale is colour-blind safe (ColorBrewer's RdBu and PuOr, viridis, cividis). Signed values are drawn
on the diverging scale of the scheme with a range symmetric about zero; sigmoid gates (0..1) on its
sequential scale. Figures are built with the default scheme's scales (figures.DIVERGING, SEQUENTIAL) and
`recoloured` swaps them for the chosen scheme's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Scale = list[list]

RDBU = [[0.0, "#2166ac"], [0.25, "#67a9cf"], [0.5, "#f7f7f7"], [0.75, "#ef8a62"], [1.0, "#b2182b"]]
GREENS = [[0.0, "#f7fcf5"], [0.25, "#c7e9c0"], [0.5, "#74c476"], [0.75, "#238b45"], [1.0, "#00441b"]]


@dataclass(frozen=True)
class Scheme:
    """A diverging scale for signed values (its middle at zero) and a sequential one for 0..1."""

    label: str
    diverging: Scale
    sequential: Scale


SCHEMES = {
    "rdbu": Scheme("blue–red", RDBU, GREENS),
    "puor": Scheme("orange–purple",
                   [[0.0, "#b35806"], [0.25, "#f1a340"], [0.5, "#f7f7f7"], [0.75, "#998ec3"], [1.0, "#542788"]],
                   [[0.0, "#fcfbfd"], [0.25, "#dadaeb"], [0.5, "#9e9ac8"], [0.75, "#6a51a3"], [1.0, "#3f007d"]]),
    "viridis": Scheme("viridis",
                      [[0.0, "#440154"], [0.25, "#3b528b"], [0.5, "#21918c"], [0.75, "#5ec962"], [1.0, "#fde725"]],
                      [[0.0, "#440154"], [0.25, "#3b528b"], [0.5, "#21918c"], [0.75, "#5ec962"], [1.0, "#fde725"]]),
    "cividis": Scheme("cividis",
                      [[0.0, "#00224e"], [0.25, "#3b496c"], [0.5, "#707173"], [0.75, "#a59c74"], [1.0, "#fee838"]],
                      [[0.0, "#00224e"], [0.25, "#3b496c"], [0.5, "#707173"], [0.75, "#a59c74"], [1.0, "#fee838"]]),
}
DEFAULT = "rdbu"

# Okabe & Ito's colour-blind-safe palette (yellow left out: too light on white), for lines told apart also by
# their dash and marker (LINE_STYLES).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C510A")
LINE_STYLES = (("solid", "circle"), ("dash", "square"), ("dot", "diamond"), ("dashdot", "triangle-up"),
               ("longdash", "x"), ("longdashdot", "star"), ("solid", "cross"), ("dash", "triangle-down"))
FADED = "#9a9a9a"  # computed and thrown away

# One colour and one dash per returned tensor name. Names that appear together (up to six with Bidirectional,
# merge_mode=None and return_state) stay apart from each other, from the grey of what is thrown away and from the
# current step's orange box, under deuteranopia too (simulated: CIELAB distance >= 20; >= 15 under protanopia);
# their dashes differ as well, so no name is told by colour alone. forward_h and state_h never appear together
# and share one.
TENSOR_COLOURS = {
    "output": "#332288", "whole_seq": "#332288", "forward_output": "#332288", "forward_seq": "#332288",
    "backward_output": "#4422EE", "backward_seq": "#4422EE",
    "state_h": "#882255", "forward_h": "#882255", "backward_h": "#A6761D",
    "state_c": "#5A8AC6", "forward_c": "#5A8AC6", "backward_c": "#117733",
    "prediction": "#000000",
}
TENSOR_DASHES = {
    "backward_output": "longdash", "backward_seq": "longdash",
    "state_h": "dash", "forward_h": "dash", "backward_h": "dashdot",
    "state_c": "dot", "forward_c": "dot", "backward_c": "longdashdot",
}
STEP_COLOUR, STEP_TEXT = "#E69F00", "#8a5a00"  # the box round the cells working at the current step


def tensor_colour(name: str) -> str:
    """The colour of a returned tensor's name everywhere on the page."""
    return TENSOR_COLOURS.get(name, "#000000")


def tensor_dash(name: str) -> str:
    """The dash of a returned tensor's lines in the picture: a mark beside its colour."""
    return TENSOR_DASHES.get(name, "solid")


def line_style(k: int) -> dict[str, Any]:
    """The k-th line of a chart: colour, dash and marker symbol, so lines differ without colour too."""
    dash, symbol = LINE_STYLES[k % len(LINE_STYLES)]
    return {"color": PALETTE[k % len(PALETTE)], "dash": dash, "symbol": symbol}


def _swap(holder: dict, scheme: Scheme) -> dict:
    scale = holder.get("colorscale")
    if scale is RDBU:
        return {**holder, "colorscale": scheme.diverging}
    if scale is GREENS:
        return {**holder, "colorscale": scheme.sequential}
    return holder


def recoloured(figure: dict, name: str) -> dict:
    """The figure with the default scheme's scales (in traces, their markers and animation frames) replaced by
    scheme `name`'s; the figure itself is left as it was."""
    scheme = SCHEMES.get(name, SCHEMES[DEFAULT])
    if name == DEFAULT:
        return figure

    def traces(data: list[dict]) -> list[dict]:
        out = []
        for trace in data:
            trace = _swap(trace, scheme)
            if isinstance(trace.get("marker"), dict):
                trace = {**trace, "marker": _swap(trace["marker"], scheme)}
            out.append(trace)
        return out

    result = {**figure, "data": traces(figure["data"])}
    if figure.get("frames"):
        result["frames"] = [{**f, "data": traces(f.get("data", []))} for f in figure["frames"]]
    return result
