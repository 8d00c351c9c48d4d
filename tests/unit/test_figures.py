"""Figures show the run's own numbers, on the right axes, and are valid Plotly figures."""

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnlab import explain, figures
from rnnlab.params import parse
from rnnlab.run import run

QUERIES = ["", "return_sequences=1", "return_state=1", "return_sequences=1&return_state=1&units=5&timesteps=6",
           "units=200&features=2&batch=2", "layer=gru&bidirectional=1&return_sequences=1&return_state=1",
           "layer=simple_rnn&go_backwards=1&depth=2", "lengths=10,4&mask=1&bidirectional=1&merge_mode=none",
           "head=dense&head_units=3&return_sequences=1", "stateful=1&return_state=1"]


def all_figures(result, part, sample=0):
    return {
        "input": figures.input_figure(result, sample),
        "output": figures.output_figure(result, sample),
        "states": figures.states_figure(result, part, sample, [0, result.config.units - 1]),
        "gates": figures.gates_figure(result, part, sample),
        "step": figures.step_figure(result, part, sample, result.config.timesteps - 1, 0),
        "weights": figures.weights_figure(result, part),
    }


@pytest.mark.parametrize("query", QUERIES)
def test_every_figure_passes_plotly_validation(query):
    result = run(parse(query).config)
    for part in result.parts:
        for name, spec in all_figures(result, part).items():
            if spec is None:
                assert name == "gates" and result.config.layer == "simple_rnn"
                continue
            go.Figure(spec)  # full validation: raises on any invalid property
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
    solid = {t["yaxis"]: t for t in spec["data"] if t["mode"] == "lines+markers"}
    assert list(solid.get("y", {}).get("x", [])) == h_steps
    assert list(solid.get("y2", {}).get("x", [])) == c_steps
    if h_steps:
        first = result.returns[0].value[0]
        expected = first[h_steps, 2] if first.ndim == 2 else [first[2]]
        np.testing.assert_array_equal(solid["y"]["y"], expected)
    if c_steps:
        assert solid["y2"]["y"] == [result.returned("state_c").value[0, 2]]
    faded = [t for t in spec["data"] if t["mode"] == "lines"]
    np.testing.assert_array_equal(faded[1]["y"], result.trace.c[0, :, 2])


@pytest.mark.parametrize("layer, gates", [("lstm", ["i", "f", "g", "o"]), ("gru", ["z", "r", "h~"])])
def test_gates_chart_has_the_gates_in_keras_order(layer, gates):
    result = run(parse(f"units=3&layer={layer}").config)
    spec = figures.gates_figure(result, result.parts[0], 0)
    assert [t["name"] for t in spec["data"]] == gates
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
    solid = next(t for t in spec["data"] if t["mode"] == "lines+markers" and t["yaxis"] == "y")
    # the returned sequence's backward half at input time t is the backward copy's state after reading t
    np.testing.assert_array_equal(solid["x"], [4, 3, 2, 1, 0])
    np.testing.assert_array_equal(solid["y"], result.returns[0].value[0, ::-1, 3 + 1])


def test_large_weights_are_shown_in_part_and_say_so():
    result = run(parse("units=200&features=2&batch=2").config)
    spec = figures.weights_figure(result, result.parts[0])
    assert spec["data"][1]["z"].shape == (figures.MAX_WEIGHT_UNITS, 4 * figures.MAX_WEIGHT_UNITS)
    assert "first 128 of 200" in spec["layout"]["title"]["text"]


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
