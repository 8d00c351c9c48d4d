"""The start-here tour: its steps, their flips, and the outline each puts round the part of the picture it names."""

from __future__ import annotations

from functools import cache

import pytest

from rnnlab import tour, unrolled
from rnnlab.params import PARAMS, parse
from rnnlab.run import run

QUERY = "units=8&timesteps=5&features=3&batch=4"


@cache
def run_of(query: str):
    return run(parse(query).strict().config)


def figure_of(query: str, region: str = "") -> dict:
    return tour.tour_figure(run_of(query), region, 0, 0, (0,), 0, 0, False)


def inside(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    x0, x1, y0, y1 = box
    return x0 <= x <= x1 and y0 <= y <= y1


def test_the_tour_setting_reaches_every_step_and_each_flip_is_a_valid_setting():
    assert PARAMS["tour"].high == len(tour.STEPS) and tour.step_at(0) is None
    assert [tour.step_at(k) for k in range(1, len(tour.STEPS) + 1)] == list(tour.STEPS)
    for step in tour.STEPS:
        if step.flip:
            parsed = parse("&".join(f"{k}={v}" for k, v in step.flip.items()))
            assert not parsed.notices and step.flip_label, step.title
    assert not tour.STEPS[-1].region and not tour.STEPS[-1].flip  # the hand-over: nothing left to flip


def test_the_tour_flips_what_its_steps_name():
    named = {step.region: step.flip for step in tour.STEPS}
    assert named["outputs"] == {"return_sequences": "true"} and named["states"] == {"return_state": "true"}


def test_each_outline_holds_the_part_its_step_names_and_no_other():
    plain = figure_of(QUERY)
    cells = [s for s in plain["layout"]["shapes"] if s["type"] == "rect" and s.get("layer") == "below"]
    texts = next(t for t in plain["data"] if t.get("name") == "labels")
    inputs = [(x, y) for x, y, text in zip(texts["x"], texts["y"], texts["text"]) if text.startswith("x<sub>")]
    finals = [(x, y) for x, y, text in zip(texts["x"], texts["y"], texts["text"]) if "<sub>T</sub>" in text]
    returned_labels = [(a["x"], a["y"]) for a in plain["layout"]["annotations"] if a["text"].startswith("<b>")]
    assert len(inputs) == 5 and len(cells) == 5 and finals and returned_labels
    box = {region: tour.region_bounds(plain, region) for region in ("inputs", "flow", "outputs", "states")}
    centres = [((c["x0"] + c["x1"]) / 2, (c["y0"] + c["y1"]) / 2) for c in cells]
    assert all(inside(box["inputs"], *p) for p in inputs) and not any(inside(box["inputs"], *c) for c in centres)
    assert all(inside(box["flow"], *c) for c in centres) and not any(inside(box["flow"], *p) for p in inputs)
    assert all(inside(box["outputs"], *p) for p in returned_labels)
    assert not any(inside(box["outputs"], *c) for c in centres)
    assert all(inside(box["states"], x, y) for x, y in finals)
    assert not any(inside(box["states"], *c) for c in centres)


@pytest.mark.parametrize("region", ["inputs", "flow", "outputs", "states"])
def test_the_outline_is_added_to_the_picture_and_the_picture_is_left_as_it_was(region):
    plain = unrolled.unrolled_figure(run_of(QUERY), 0, 0, (0,), 0, 0, False)
    before = list(plain["layout"]["shapes"])
    shown = tour.highlighted(plain, region)
    added = [s for s in shown["layout"]["shapes"] if s.get("name", "").startswith("tour-")]
    assert [s["name"] for s in added] == [f"tour-{region}"]
    pieces = 2 if region == "states" else 1  # the final states' outline reaches across the margin of their labels
    assert shown["layout"]["shapes"][:-pieces] == before == plain["layout"]["shapes"]
    assert shown["data"] is plain["data"] and len(shown["layout"]["shapes"]) == len(before) + pieces
    assert "tour-" not in str(figure_of(QUERY)["layout"]["shapes"])  # off the tour, no outline


def test_reading_backwards_the_final_states_are_outlined_at_the_left():
    query = QUERY + "&go_backwards=true"
    figure = figure_of(query)
    cells = [s for s in figure["layout"]["shapes"] if s["type"] == "rect" and s.get("layer") == "below"]
    x0, x1, _, _ = tour.region_bounds(figure, "states", backwards=True)
    assert x1 < min(c["x0"] for c in cells)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_the_tours_words_say_which_way_the_states_go_as_the_picture_draws_them(bidirectional):
    """A go_backwards layer's picture runs right to left, its final states at the left end, and the tour says so;
    a Bidirectional layer's picture runs rightwards (its backward half beside the forward one)."""
    config = parse(QUERY + f"&go_backwards=true&bidirectional={str(bidirectional).lower()}").strict().config
    way = "right" if bidirectional else "left"
    moving, leaving = tour.step_at(2, "lstm", tour.leftwards(config)), tour.step_at(4, "lstm", tour.leftwards(config))
    assert moving.title == f"h and c move {way}" and f"leave to the {way}" in leaving.text


@pytest.mark.parametrize("layer", ["lstm", "gru", "simple_rnn"])
def test_the_tours_words_name_the_states_keras_returns_for_each_layer(layer):
    """What the steps say moves along the row and leaves its end is what the installed Keras returns as states
    with return_state=True: h and c for an LSTM, h alone for a GRU or a SimpleRNN."""
    returned = [r.name for r in run_of(f"{QUERY}&layer={layer}&return_state=true").returns]
    states = [name.removeprefix("state_") for name in returned if name.startswith("state_")]
    assert returned[0] == "output" and states == list(tour.CARRIES[layer]), returned
    carried = " and ".join(states)
    moving, leaving = tour.step_at(2, layer), tour.step_at(4, layer)
    assert moving.title == f"{carried} move{'s' * (len(states) == 1)} right"
    assert f"watch {carried} change" in moving.text and f"the final {carried} leave" in leaving.text
    assert ("cell state c to the next" in moving.text) == ("c" in states)  # an LSTM hands on c; the others keep none
    if "c" not in states:
        assert "keeps no cell state c" in moving.text and " c " not in leaving.text
    assert [s.region for s in tour.steps(layer)] == [s.region for s in tour.STEPS]


@pytest.mark.parametrize("layer", ["lstm", "gru", "simple_rnn"])
def test_the_outline_of_the_final_states_holds_each_state_keras_returns_and_nothing_where_none_is(layer):
    """With return_state=True, every returned state's label in the picture stands in the outline of step 4; for a
    layer without c, the outline covers no room where a c would leave."""
    query = f"{QUERY}&layer={layer}&return_state=true"
    figure = figure_of(query, "states")
    outline = next(s for s in figure["layout"]["shapes"] if s.get("name") == "tour-states")
    box = (outline["x0"], outline["x1"], outline["y0"], outline["y1"])
    labels = [a for a in figure["layout"]["annotations"] if a["text"].startswith("<b>state_")]
    assert sorted(a["text"][len("<b>"):].split("<")[0] for a in labels) == sorted(
        r.name for r in run_of(query).returns if r.name.startswith("state_"))
    assert all(inside(box, a["x"], a["y"]) for a in labels), (box, [(a["x"], a["y"]) for a in labels])
    cells = [s for s in figure["layout"]["shapes"] if s["type"] == "rect" and s.get("layer") == "below"]
    top = max(c["y1"] for c in cells)
    assert (box[3] >= top) == (layer == "lstm")  # c leaves above the row's middle; h below it


def test_the_final_states_outline_reaches_across_the_margin_where_their_labels_stand():
    """The labels of the final states stand past the axes' end, in a margin sized in pixels: the outline's second
    piece spans that margin, at the height of the first, and the two pieces are open where they meet."""
    figure = figure_of(QUERY + "&return_state=true", "states")
    on_axes, across = figure["layout"]["shapes"][-2:]
    layout = figure["layout"]
    assert on_axes["name"] == "tour-states" and across["xref"] == "x domain" and across["xanchor"] == 1
    reach = layout["margin"]["r"] - 4
    low, high = layout["yaxis"]["range"]
    y0, y1 = ((y - low) / (high - low) for y in (on_axes["y0"], on_axes["y1"]))
    assert across["path"] == f"M0,{y0} L{reach},{y0} L{reach},{y1} L0,{y1}" and reach > 40
    x_end = layout["xaxis"]["range"][1]
    assert on_axes["path"].startswith(f"M{x_end},") and on_axes["path"].count(f"L{x_end},") == 1  # open at the end
    labels = [a for a in layout["annotations"] if a["text"].startswith("<b>state_")]
    assert labels and all(a["xanchor"] == "left" and on_axes["x0"] < a["x"] <= x_end for a in labels)
