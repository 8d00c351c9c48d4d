"""Figures show the run's own numbers, on the right axes, and are valid Plotly figures."""

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnlab import explain, figures, unrolled
from rnnlab.params import parse
from rnnlab.run import run

QUERIES = ["", "return_sequences=1", "return_state=1", "return_sequences=1&return_state=1&units=5&timesteps=6",
           "units=200&features=2&batch=2", "layer=gru&bidirectional=1&return_sequences=1&return_state=1",
           "layer=simple_rnn&go_backwards=1&depth=2", "lengths=10,4&mask=1&bidirectional=1&merge_mode=none",
           "head=dense&head_units=3&return_sequences=1", "stateful=1&return_state=1", "input=sine&features=2",
           "input=steps&features=12&activation=relu"]


def heading(spec) -> str:
    """A figure's title and subtitle as one line of text."""
    title = spec["layout"]["title"]
    return " ".join(f"{title['text']} {title.get('subtitle', {}).get('text', '')}".replace("<br>", " ").split())


def all_figures(result, part, sample=0):
    return {
        "input": figures.input_figure(result, sample),
        "output": figures.output_figure(result, sample),
        "states": figures.states_figure(result, part, sample, [0, result.config.units - 1]),
        "gates": figures.gates_figure(result, part, sample),
        "step": figures.step_figure(result, part, sample, result.config.timesteps - 1, 0),
        "weights": figures.weights_figure(result, part),
    }


def every_figure(query: str):
    """(run, name, spec) for every figure of every part of the run for query (spec None: not drawn)."""
    result = run(parse(query).config)
    return [(result, name, spec) for part in result.parts for name, spec in all_figures(result, part).items()]


@pytest.mark.parametrize("query", QUERIES)
def test_every_figure_passes_plotly_validation(query):
    for result, name, spec in every_figure(query):
        if spec is None:
            assert name == "gates" and result.config.layer == "simple_rnn"
            continue
        go.Figure(spec)  # full validation: raises on any invalid property
        go.Figure(figures.enlarged(spec, 1.4))
        assert spec["data"], name


def test_input_heatmap_is_the_sample_with_time_across():
    result = run(parse("timesteps=6&features=2&batch=3").config)
    spec = figures.input_figure(result, 2)
    np.testing.assert_array_equal(spec["data"][0]["z"], result.x[2].T)
    assert "(6, 2)" in spec["layout"]["title"]["text"]


def test_output_is_a_heatmap_of_the_sequence_or_bars_of_the_last_vector():
    seq = run(parse("return_sequences=1&units=4&timesteps=5").config)
    spec = figures.output_figure(seq, 1)
    assert spec["data"][0]["type"] == "heatmap"
    np.testing.assert_array_equal(spec["data"][0]["z"], seq.returns[0].value[1].T)
    assert spec["layout"]["title"]["text"].startswith("whole_seq[1]")
    last = run(parse("units=4&timesteps=5").config)
    spec = figures.output_figure(last, 1)
    assert spec["data"][0]["type"] == "bar"
    np.testing.assert_array_equal(spec["data"][0]["y"], last.returns[0].value[1])


@pytest.mark.parametrize("query, h_steps, c_steps", [
    ("timesteps=5", [4], []),
    ("timesteps=5&return_state=1", [4], [4]),
    ("timesteps=5&return_sequences=1", [0, 1, 2, 3, 4], []),
    ("timesteps=5&return_sequences=1&return_state=1", [0, 1, 2, 3, 4], [4]),
])
def test_states_chart_draws_solid_exactly_what_keras_returns(query, h_steps, c_steps):
    result = run(parse(query).config)
    spec = figures.states_figure(result, result.parts[0], 0, [2])
    solid = {t["yaxis"]: t for t in spec["data"] if t["legendgroup"] != "faded"}
    assert list(solid.get("y", {}).get("x", [])) == h_steps
    assert list(solid.get("y2", {}).get("x", [])) == c_steps
    if h_steps:
        first = result.returns[0].value[0]
        expected = first[h_steps, 2] if first.ndim == 2 else [first[2]]
        np.testing.assert_array_equal(solid["y"]["y"], expected)
    if c_steps:
        assert solid["y2"]["y"] == [result.returned("state_c").value[0, 2]]
    faded = [t for t in spec["data"] if t["legendgroup"] == "faded"]
    np.testing.assert_array_equal(faded[1]["y"], result.trace.c[0, :, 2])


@pytest.mark.parametrize("layer, gates", [("lstm", ["i", "f", "g", "o"]), ("gru", ["z", "r", "h~"])])
def test_gates_chart_has_the_gates_in_keras_order(layer, gates):
    result = run(parse(f"units=3&layer={layer}").config)
    spec = figures.gates_figure(result, result.parts[0], 0)
    assert [t["name"] for t in spec["data"]] == [figures.gate_name(g) for g in gates]
    np.testing.assert_array_equal(spec["data"][1]["z"], result.trace.gates[gates[1]][0].T)


def test_simple_rnn_has_no_gates_and_no_cell_state():
    result = run(parse("layer=simple_rnn&return_state=1").config)
    assert figures.gates_figure(result, result.parts[0], 0) is None
    spec = figures.states_figure(result, result.parts[0], 0, [0])
    assert {t["yaxis"] for t in spec["data"]} == {"y"}


@pytest.mark.parametrize("layer, shapes, lines", [("lstm", [(2, 12), (3, 12), (1, 12)], [2.5, 5.5, 8.5]),
                                                  ("gru", [(2, 9), (3, 9), (2, 9)], [2.5, 5.5])])
def test_weights_chart_splits_the_blocks_of_units(layer, shapes, lines):
    result = run(parse(f"units=3&features=2&layer={layer}").config)
    spec = figures.weights_figure(result, result.parts[0])
    assert [t["z"].shape for t in spec["data"]] == shapes
    assert sorted({s["x0"] for s in spec["layout"]["shapes"]}) == lines


def test_backward_parts_are_drawn_against_the_input_time_they_read():
    result = run(parse("bidirectional=1&return_sequences=1&units=3&timesteps=5").config)
    backward = result.parts[1]
    spec = figures.states_figure(result, backward, 0, [1])
    solid = next(t for t in spec["data"] if t["legendgroup"] != "faded" and t["yaxis"] == "y")
    # the returned sequence's backward half at input time t is the backward copy's state after reading t
    np.testing.assert_array_equal(solid["x"], [4, 3, 2, 1, 0])
    np.testing.assert_array_equal(solid["y"], result.returns[0].value[0, ::-1, 3 + 1])


def test_large_weights_are_shown_in_part_and_say_so():
    result = run(parse("units=200&features=2&batch=2").config)
    spec = figures.weights_figure(result, result.parts[0])
    assert spec["data"][1]["z"].shape == (figures.MAX_WEIGHT_UNITS, 4 * figures.MAX_WEIGHT_UNITS)
    assert "first 128 of 200" in heading(spec)


def test_one_unit_update_is_written_with_the_trace_numbers():
    result = run(parse("return_sequences=1").config)
    cell, hidden = explain.unit_update(result, result.parts[0], 1, 3, 2)
    assert cell.endswith(f"= {result.trace.c[1, 3, 2]:.4f}")
    assert hidden.endswith(f"= {result.returns[0].value[1, 3, 2]:.4f}")


@pytest.mark.parametrize("query", QUERIES)
def test_every_unit_update_is_written_at_every_step(query):
    result = run(parse(query).config)
    for part in result.parts:
        for step in (0, result.config.timesteps - 1):
            lines = explain.unit_update(result, part, 0, step, 0)
            assert lines[0].endswith(f"{(part.trace.c if part.trace.c is not None else part.trace.h)[0, step, 0]:.4f}")


@pytest.mark.parametrize("query", QUERIES)
def test_parameter_formulas_add_up_to_count_params(query):
    result = run(parse(query).config)
    terms = explain.param_terms(result)
    assert sum(count for _, count in terms) == result.params
    assert all(text.endswith(f"{count:,}") for text, count in terms)


@pytest.mark.parametrize("pattern, shape", [("sine", "linear"), ("steps", "hv")])
def test_patterned_inputs_are_drawn_as_one_line_per_feature(pattern, shape):
    result = run(parse(f"input={pattern}&features=2&timesteps=12").config)
    spec = figures.input_figure(result, 1)
    assert [t["type"] for t in spec["data"]] == ["scatter", "scatter"]
    for feature, trace in enumerate(spec["data"]):
        np.testing.assert_array_equal(trace["x"], np.arange(12))
        np.testing.assert_array_equal(trace["y"], result.x[1, :, feature])
        assert trace["name"] == f"feature {feature}" and trace["line"]["shape"] == shape
    assert "(12, 2)" in spec["layout"]["title"]["text"]


@pytest.mark.parametrize("query", ["input=sine&features=9", "input=uniform&features=2", "input=normal"])
def test_many_features_or_random_inputs_stay_a_heatmap(query):
    result = run(parse(query).config)
    spec = figures.input_figure(result, 0)
    assert [t["type"] for t in spec["data"]] == ["heatmap"]
    np.testing.assert_array_equal(spec["data"][0]["z"], result.x[0].T)


INDEX_TITLES = {"timestep t", "feature", "unit", "step"}


def index_axes(spec):
    """Every axis of a figure that counts positions (timesteps, features, units, steps), by layout key."""
    layout = spec["layout"]
    named = {k: a for k, a in layout.items() if k[1:5] == "axis" and a.get("title", {}).get("text") in INDEX_TITLES}
    # axes tied to a named one (the gate rows share the step axis) count too
    return named | {k: a for k, a in layout.items() if k[1:5] == "axis" and a.get("matches") and
                    f"{a['matches'][0]}axis{a['matches'][1:]}" in named}


@pytest.mark.parametrize("query", ["features=2&units=3&timesteps=5", "units=200&timesteps=60&features=2&batch=2",
                                   "return_sequences=1&units=7&timesteps=13", "layer=gru&units=2&features=1",
                                   "input=sine&features=2&timesteps=4"])
def test_axes_that_count_positions_tick_on_whole_numbers_only(query):
    result = run(parse(query).config)
    for name, spec in all_figures(result, result.parts[0]).items():
        axes = index_axes(spec)
        assert axes or name == "weights", name
        for key, axis in axes.items():
            assert axis["tickmode"] == "linear" and axis["tick0"] == 0, (name, key)
            assert isinstance(axis["dtick"], int) and axis["dtick"] >= 1, (name, key)
    # with 2 features the feature axis shows 0 and 1, not -0.5, 0.5, 1.5
    spec = figures.input_figure(run(parse("features=2").config), 0)
    assert spec["layout"]["yaxis"]["dtick"] == 1
    weights = figures.weights_figure(result, result.parts[0])
    assert all(weights["layout"][f"yaxis{k}"]["dtick"] >= 1 for k in ("", "2", "3"))


@pytest.mark.parametrize("layer, sigmoid, candidate", [("lstm", ["i", "f", "o"], "g"), ("gru", ["z", "r"], "h~")])
def test_sigmoid_gates_are_drawn_from_zero_to_one_and_the_candidate_about_zero(layer, sigmoid, candidate):
    result = run(parse(f"layer={layer}&units=5").config)
    spec = figures.gates_figure(result, result.parts[0], 0)
    traces = {t["name"]: t for t in spec["data"]}
    candidate = figures.gate_name(candidate)  # the page writes the GRU's h~ as h̃
    for gate in sigmoid:
        assert (traces[gate]["zmin"], traces[gate]["zmax"]) == (0.0, 1.0)
        assert traces[gate]["colorscale"] == figures.SEQUENTIAL
        assert 0 <= np.min(traces[gate]["z"]) and np.max(traces[gate]["z"]) <= 1
    assert (traces[candidate]["zmin"], traces[candidate]["zmax"]) == (-1.0, 1.0)
    assert traces[candidate]["colorscale"] == figures.DIVERGING
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    title = next(t for g, t in figures.GATE_TITLES.items() if figures.gate_name(g) == candidate)
    assert f"<b>{title}</b>" in titles and "candidate" in title


def test_a_relu_candidate_keeps_its_values_on_a_scale_about_zero():
    result = run(parse("activation=relu&units=5&input=normal").config)
    spec = figures.gates_figure(result, result.parts[0], 0)
    g = next(t for t in spec["data"] if t["name"] == "g")
    assert g["zmax"] == -g["zmin"] >= max(1.0, np.max(np.abs(g["z"])))


def test_one_step_draws_the_sigmoid_gates_on_their_own_scale():
    result = run(parse("units=4&timesteps=3").config)
    spec = figures.step_figure(result, result.parts[0], 0, 2, 1)
    values, gates = spec["data"]
    names = list(figures.step_vectors(result.parts[0], 0, 2))
    assert values["y"] == names == gates["y"] == spec["layout"]["yaxis"]["categoryarray"]
    gated = [n in ("i_t", "f_t", "o_t") for n in names]
    assert (gates["zmin"], gates["zmax"], gates["colorscale"]) == (0.0, 1.0, figures.SEQUENTIAL)
    assert values["colorscale"] == figures.DIVERGING and values["zmin"] == -values["zmax"]
    expected = np.stack(list(figures.step_vectors(result.parts[0], 0, 2).values()))
    for row, is_gate in enumerate(gated):  # every row is drawn by exactly one of the two
        shown, empty = (gates, values) if is_gate else (values, gates)
        np.testing.assert_allclose(shown["z"][row], expected[row], rtol=0, atol=1e-7)
        assert np.isnan(empty["z"][row]).all()


def test_the_candidate_is_g_in_the_weights_as_in_the_gates_and_the_update():
    result = run(parse("units=3&features=2").config)
    part = result.parts[0]
    spec = figures.weights_figure(result, part)
    blocks = [a["text"] for a in spec["layout"]["annotations"] if a.get("xref") == "x"]
    assert blocks == ["<b>i</b>", "<b>f</b>", "<b>g</b>", "<b>o</b>"]
    assert "i | f | g | o" in heading(spec) and "g (candidate) is the block Keras calls c" in heading(spec)
    assert "g (candidate)" in [a["text"].strip("<b/>") for a in figures.gates_figure(result, part, 0)["layout"][
        "annotations"]]
    assert "g_t" in explain.unit_update(result, part, 0, 1, 0)[0] and "g_t" in figures.step_vectors(part, 0, 1)
    gru = run(parse("units=3&layer=gru").config)
    gru_spec = figures.weights_figure(gru, gru.parts[0])
    assert [a["text"] for a in gru_spec["layout"]["annotations"] if a.get("xref") == "x"] == [
        "<b>z</b>", "<b>r</b>", "<b>h̃</b>"]
    assert "h̃ (candidate) is the block Keras calls h" in heading(gru_spec)


@pytest.mark.parametrize("query", QUERIES)
def test_titles_are_wrapped_to_fit_a_phone(query):
    for _, name, spec in every_figure(query):
        if spec is None:
            continue
        title = spec["layout"]["title"]
        for line in title["text"].split("<br>"):
            assert len(line) <= figures.TITLE_CHARS or " " not in line, (name, line)
        for line in title.get("subtitle", {}).get("text", "").split("<br>"):
            assert len(line) <= figures.SUBTITLE_CHARS or " " not in line, (name, line)


def test_a_longer_title_gets_its_own_room():
    result = run(parse("return_sequences=1&bidirectional=1").config)
    one = figures.output_figure(run(parse("").config), 0)["layout"]
    two = figures.output_figure(result, 0)["layout"]  # whole_seq[0]: (timesteps, 2 × units) = (10, 128): two lines
    assert one["title"]["text"].count("<br>") == 0 and two["title"]["text"].count("<br>") == 1
    assert two["height"] - one["height"] == two["margin"]["t"] - one["margin"]["t"] == figures.TITLE_LINE


def test_an_enlarged_figure_is_the_same_chart_with_every_length_in_pixels_scaled():
    result = run(parse("return_sequences=1&units=4").config)
    spec = figures.weights_figure(result, result.parts[0])
    big = figures.enlarged(spec, 1.5)
    layout, large = spec["layout"], big["layout"]
    assert large["height"] == 1.5 * layout["height"] and large["font"]["size"] == 1.5 * layout["font"]["size"]
    assert large["margin"] == {k: 1.5 * v for k, v in layout["margin"].items()}
    assert large["title"]["font"]["size"] == 1.5 * layout["title"]["font"]["size"]
    assert [a["font"]["size"] for a in large["annotations"]] == [1.5 * a["font"]["size"] for a in layout["annotations"]]
    assert large["yaxis2"]["domain"] == layout["yaxis2"]["domain"] and large["xaxis"]["dtick"] == layout["xaxis"]["dtick"]
    assert big["data"][0]["colorbar"]["thickness"] == 1.5 * spec["data"][0]["colorbar"]["thickness"]
    assert big["data"][0]["z"] is spec["data"][0]["z"]  # the numbers are not copied
    assert spec["layout"]["height"] == layout["height"]  # the original is left as it was


def test_the_grus_candidate_is_written_h_tilde_never_h_twiddle():
    result = run(parse("layer=gru&units=4&return_state=true").config)
    part = result.parts[0]
    texts = [str(figures.weights_figure(result, part)), str(figures.gates_figure(result, part, 0)),
             str(list(figures.step_vectors(part, 0, 1))), " ".join(explain.unit_update(result, part, 0, 1, 0)),
             str(unrolled.unrolled_figure(result, 0, 0, (0,), 0, 1))]
    assert not [t for t in texts if "h~" in t] and all("h̃" in t for t in texts)
