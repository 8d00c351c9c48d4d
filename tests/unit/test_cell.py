"""The cell drawn with its gates: at every timestep it writes the trace's numbers of one unit, its h_t and c_t are
Keras's own where Keras returns them, and what the browser picks for a step is what the server draws at it."""

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnlab import cell, colours
from rnnlab.params import parse
from rnnlab.run import run

EVERYTHING = "return_sequences=true&return_state=true&timesteps=7&units=5&batch=3"
LAYERS = ("lstm", "gru", "simple_rnn")
SAMPLE, UNIT = 2, 3
GATES = {"lstm": {"f_t": "f", "i_t": "i", "g_t": "g", "o_t": "o"}, "gru": {"z_t": "z", "r_t": "r", "h̃_t": "h~"},
         "simple_rnn": {}}


@pytest.fixture(scope="module", params=LAYERS)
def result(request):
    return run(parse(f"layer={request.param}&{EVERYTHING}").config)


def expected(result, part, step: int) -> dict[str, float]:
    """Every number the cell should show at a step, read from the trace's arrays."""
    steps = part.trace
    values = {"h_t": steps.h[SAMPLE, step, UNIT],
              "h_(t-1)": steps.h[SAMPLE, step - 1, UNIT] if step else 0.0}
    if steps.c is not None:
        values |= {"c_t": steps.c[SAMPLE, step, UNIT], "c_(t-1)": steps.c[SAMPLE, step - 1, UNIT] if step else 0.0}
    for name, gate in GATES[result.config.layer].items():
        values[name] = steps.gates[gate][SAMPLE, step, UNIT]
    return values


def written(figure) -> dict[str, str]:
    """The numbers the figure writes, by name."""
    return {note["name"]: note["text"] for note in figure["layout"]["annotations"] if note.get("name")}


def beads(figure) -> dict[str, float]:
    """The values the beads are coloured by, by name."""
    return {name: value for trace in figure["data"] if trace.get("customdata")
            for name, value in zip(trace["customdata"], trace["marker"]["color"])}


def test_at_every_step_the_cell_writes_the_traces_numbers_of_the_unit(result):
    part = result.parts[0]
    for step in range(result.config.timesteps):
        figure = cell.cell_figure(result, part, SAMPLE, UNIT, step)
        go.Figure(figure)  # a valid Plotly figure
        want = expected(result, part, step)
        shown = written(figure)
        x = result.x[SAMPLE, step]
        assert shown.pop("x_t") == "= [" + ", ".join(f"{v:.3f}" for v in x) + "]"
        assert shown == {name: f"{value:.3f}" for name, value in want.items()}
        assert beads(figure) == pytest.approx(want, abs=0)
        assert f"at t={step}: unit {UNIT}" in figure["layout"]["title"]["text"]


def test_h_t_and_c_t_drawn_are_what_keras_returns(result):
    """whole_seq holds h_t at every step; state_h and state_c the last step's."""
    part, last = result.parts[0], result.config.timesteps - 1
    assert result.confirmed  # the returned values are Keras's own forward pass
    whole_seq, state_h = result.returned("whole_seq").value, result.returned("state_h").value
    for step in range(result.config.timesteps):
        figure = cell.cell_figure(result, part, SAMPLE, UNIT, step)
        keras = {"h_t": whole_seq[SAMPLE, step, UNIT]}
        if step == last:
            keras["h_t"] = state_h[SAMPLE, UNIT]
            if result.config.layer == "lstm":
                keras["c_t"] = result.returned("state_c").value[SAMPLE, UNIT]
        for name, value in keras.items():
            assert beads(figure)[name] == pytest.approx(value, abs=1e-5), (step, name)
            assert abs(float(written(figure)[name]) - value) <= 5e-4 + 1e-5, (step, name)


def test_the_browser_picks_for_each_step_what_the_server_draws_at_it(result):
    """Following the picture's timestep, entry k of every array the chart carries is the figure at step k."""
    part, steps = result.parts[0], result.config.timesteps
    chart = cell.cell_chart(result, part, SAMPLE, UNIT, 0)
    follow = chart["follow"]
    assert follow["steps"] == steps
    for step in range(steps):
        drawn = cell.cell_figure(result, part, SAMPLE, UNIT, step)
        for key, values in follow["layout"].items():
            if key == "title.text":
                assert values[step] == drawn["layout"]["title"]["text"]
            else:
                k = int(key.removeprefix("annotations[").removesuffix("].text"))
                assert values[step] == drawn["layout"]["annotations"][k]["text"], key
        for entry in follow["data"]:
            picked = np.asarray(entry["marker.color"])[step]
            np.testing.assert_array_equal(picked, drawn["data"][entry["trace"]]["marker"]["color"])
    assert len(follow["layout"]) == len(written(chart)) + 1  # every number, and the title


def test_a_part_reading_backwards_shows_the_input_timestep_each_step_read():
    result = run(parse("go_backwards=true&timesteps=5&units=3&features=2").config)
    part = result.parts[0]
    figure = cell.cell_figure(result, part, 0, 1, 1)
    assert "t=3" in figure["layout"]["title"]["text"]  # its step 1 read timestep 3
    assert written(figure)["x_t"] == "= [" + ", ".join(f"{v:.3f}" for v in result.x[0, 3]) + "]"
    assert written(figure)["h_t"] == f"{part.trace.h[0, 1, 1]:.3f}"


def test_a_masked_step_says_its_states_carry_over():
    result = run(parse("lengths=4,2&timesteps=4&mask=true&units=3").config)
    part = result.parts[0]
    assert "carry over" in cell.cell_figure(result, part, 1, 0, 3)["layout"]["title"]["text"]
    assert "carry over" not in cell.cell_figure(result, part, 1, 0, 1)["layout"]["title"]["text"]
    assert "carry over" not in cell.cell_figure(result, part, 0, 0, 3)["layout"]["title"]["text"]


def test_a_long_input_is_written_in_part_and_the_chosen_colours_reach_the_beads():
    result = run(parse("features=9&timesteps=3&units=2").config)
    figure = cell.cell_figure(result, result.parts[0], 0, 0, 0)
    assert written(figure)["x_t"].endswith(", … (9 in all)]")
    recoloured = colours.recoloured(figure, "viridis")
    scales = [t["marker"]["colorscale"] for t in recoloured["data"] if t.get("customdata")]
    assert scales == [colours.SCHEMES["viridis"].sequential, colours.SCHEMES["viridis"].diverging]


@pytest.mark.parametrize("query", ["bidirectional=true&depth=2&timesteps=4&units=3",
                                   "layer=gru&activation=relu&go_backwards=true&timesteps=3&units=2",
                                   "layer=simple_rnn&activation=linear&bidirectional=true&timesteps=3&units=2",
                                   "activation=sigmoid&stateful=true&timesteps=3&units=2&batch=2"])
def test_every_part_of_a_stack_draws_its_own_cell(query):
    """Each layer and direction: its own x_t (the layer below's h above the first), its own trace."""
    result = run(parse(query).config)
    for part in result.parts:
        chart = cell.cell_chart(result, part, 0, 1, 2)
        go.Figure({key: value for key, value in chart.items() if key != "follow"})
        assert part.label in chart["layout"]["title"]["text"].replace("<br>", " ")
        assert written(chart)["h_t"] == f"{part.trace.h[0, 2, 1]:.3f}"
        x = part.inputs[0, result.config.timesteps - 3 if part.reads_backwards else 2]
        assert written(chart)["x_t"].startswith("= [" + ", ".join(f"{v:.3f}" for v in x[:3]))
