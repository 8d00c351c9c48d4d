"""The page's one timestep: every chart that follows the picture carries, for each processing step, the run's
own numbers at that step, and the picture shows every timestep of a long sequence in a column of its own."""

import re

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnlab import explain, figures, timestep, unrolled
from rnnlab.params import parse
from rnnlab.run import run
from ui.chart_text import describe

QUERIES = ["return_sequences=1&return_state=1&timesteps=12&units=5", "layer=gru&timesteps=6&units=3",
           "bidirectional=1&timesteps=10&units=4", "go_backwards=1&timesteps=9&units=3",
           "layer=simple_rnn&timesteps=5&units=3"]


def at(values, k: int):
    """Index k of a follow array (the step first)."""
    return np.asarray(values)[k]


def valid(spec) -> None:
    go.Figure({key: value for key, value in spec.items() if key != "follow"})


@pytest.mark.parametrize("query", QUERIES)
def test_the_states_chart_rings_the_values_of_each_step(query):
    result = run(parse(query).config)
    for part in result.parts:
        spec = timestep.states_chart(result, part, 0, (0, 2), 1)
        valid(spec)
        follow = spec["follow"]
        assert follow["steps"] == result.config.timesteps
        position, _ = figures.time_axis(result, part)
        states = [part.trace.h] + ([part.trace.c] if part.trace.c is not None else [])
        assert len(follow["data"]) == len(states)
        for entry, values in zip(follow["data"], states):
            now = spec["data"][entry["trace"]]
            np.testing.assert_array_equal(now["y"], values[0, 1][[0, 2]])  # drawn at the step asked for
            for k in range(result.config.timesteps):
                np.testing.assert_array_equal(at(entry["y"], k), values[0, k][[0, 2]])
                assert set(at(entry["x"], k)) == {position[k]}
        assert list(follow["layout"]["shapes[0].x0"]) == list(position)


@pytest.mark.parametrize("query", QUERIES)
def test_the_gates_chart_boxes_each_steps_column_and_says_its_values(query):
    result = run(parse(query).config)
    part = result.parts[-1]
    spec = timestep.gates_chart(result, part, 0, 1, 2)
    if result.config.layer == "simple_rnn":
        assert spec is None
        return
    valid(spec)
    position, title = figures.time_axis(result, part)
    assert title.startswith("timestep t")
    layout = spec["follow"]["layout"]
    for g, (gate, values) in enumerate(part.trace.gates.items()):
        heat = spec["data"][g]["z"]  # units x input timesteps
        for k in range(result.config.timesteps):
            t = position[k]
            assert at(layout[f"shapes[{g}].x0"], k) == t - 0.5 and at(layout[f"shapes[{g}].x1"], k) == t + 0.5
            np.testing.assert_array_equal(heat[:, t], values[0, k])  # the boxed column is step k's
            said = float(re.search(r"unit 1: (-?[0-9.]+)$", layout[f"annotations[{g}].text"][k]).group(1))
            assert f"t={t}," in layout[f"annotations[{g}].text"][k] and abs(said - values[0, k, 1]) <= 5e-4


@pytest.mark.parametrize("query", QUERIES)
def test_the_step_chart_carries_every_steps_vectors_and_update(query):
    result = run(parse(query).config)
    part = result.parts[0]
    spec = timestep.step_chart(result, part, 0, 1, 0)
    valid(spec)
    follow = spec["follow"]
    for k in range(result.config.timesteps):
        fixed = figures.step_figure(result, part, 0, k, 1)  # the chart the server draws at step k
        for entry in follow["data"]:
            np.testing.assert_array_equal(at(entry["z"], k), fixed["data"][entry["trace"]]["z"])
            assert at(entry["zmin"], k) == fixed["data"][entry["trace"]]["zmin"]
        assert follow["layout"]["title.text"][k] == fixed["layout"]["title"]["text"]
        text = follow["layout"]["annotations[0].text"][k]
        for line in explain.unit_update(result, part, 0, k, 1):
            for number in re.findall(r"-?\d+\.\d{4}", line):
                assert number in text


def test_time_is_called_timestep_t_on_every_chart_and_control():
    result = run(parse("timesteps=12&units=3").config)
    part = result.parts[0]
    spec = unrolled.unrolled_figure(result, 0, 0, (0,), 0, 0)
    assert spec["layout"]["sliders"][0]["currentvalue"]["prefix"] == "timestep t="
    for chart in (spec, figures.gates_figure(result, part, 0), figures.states_figure(result, part, 0, [0])):
        axes = [v.get("title", {}).get("text", "") for k, v in chart["layout"].items() if k.startswith("xaxis")]
        assert [a for a in axes if a] and all(a.startswith("timestep t") for a in axes if a), axes
    text = str(spec) + str(timestep.step_chart(result, part, 0, 0, 4)["follow"]["layout"])
    assert "processing step" not in text and "step 4" not in text


def test_a_backward_layers_slider_is_labelled_with_the_timestep_it_reads():
    result = run(parse("go_backwards=1&timesteps=5&units=2").config)
    slider = unrolled.unrolled_figure(result, 0, 0, (0,), 0, 0)["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == ["4", "3", "2", "1", "0"]


def test_the_speeds_run_from_half_to_eight_times():
    result = run(parse("timesteps=6&units=2").config)
    plays = unrolled.unrolled_figure(result, 0, 0, (0,), 0, 0)["layout"]["updatemenus"][1]["buttons"]
    assert [b["label"] for b in plays] == ["▶ 0.5×", "▶ 1×", "▶ 2×", "▶ 4×", "▶ 8×"]
    assert [b["args"][1]["frame"]["duration"] for b in plays] == [int(unrolled.BASE_MS / s)
                                                                   for s in (0.5, 1, 2, 4, 8)]


def _column_labels(traces) -> dict[float, str]:
    """x -> the x_t label under that column (or the ellipsis)."""
    labels = {}
    for trace in traces:
        if trace.get("name") == "labels":
            for x, y, text in zip(trace["x"], trace["y"], trace["text"]):
                if y == 0.05 and (text.startswith("x<sub>") or text == "⋯"):
                    labels[x] = text
    return labels


@pytest.mark.parametrize("query", ["timesteps=20&units=3", "timesteps=20&units=3&go_backwards=1",
                                   "timesteps=9&units=3&lengths=9,4&mask=1&sample=1"])
def test_every_timestep_of_a_long_sequence_is_drawn_when_it_is_current(query):
    parsed = parse(query)
    result = run(parsed.config)
    spec = unrolled.unrolled_figure(result, parsed.view.sample, 0, (0,), 0, 0)
    fixed = _column_labels(spec["data"])
    for k, frame in enumerate(spec["frames"]):
        t = result.config.timesteps - 1 - k if result.parts[0].reads_backwards else k
        labels = {**fixed, **_column_labels(frame["data"])}
        now = next(trace for trace in frame["data"] if trace["name"] == "now" and trace.get("text"))
        left, right = now["x"][0], now["x"][1]
        assert labels[round((left + right) / 2, 6)] == f"x<sub>{t}</sub>", (k, labels)
        assert f"t={t}" in now["text"]
    assert sorted(fixed) == list(range(8))  # eight columns, each labelled: the middle one with the current step


def test_long_sequences_show_the_first_steps_the_current_one_between_ellipses_and_the_last_two():
    assert unrolled.columns(6) == [0, 1, 2, 3, 4, 5]
    assert unrolled.columns(50, 30) == [0, 1, 2, None, 30, None, 48, 49]
    assert unrolled.columns(50, 3) == [0, 1, 2, None, 3, None, 48, 49]
    assert unrolled.columns(50, 0) == unrolled.columns(50, 49) == [0, 1, 2, None, 25, None, 48, 49]
    for timesteps in range(9, 40):  # while t has a column of its own, each ellipsis leaves a timestep out
        for t in (0, 1, 2, timesteps - 2, timesteps - 1):
            shown = unrolled.columns(timesteps, t)
            assert shown[2] + 1 < shown[4] < shown[6] - 1, (timesteps, t, shown)
    assert [unrolled.position(50, t, 30) for t in (0, 2, 3, 29, 30, 31, 47, 48, 49)] == [0, 2, 3, 3, 4, 5, 5, 6, 7]


def test_a_chart_that_follows_the_timestep_is_described_in_words_that_hold_at_every_step():
    """The words under the step chart (its caption) do not describe the step the server drew while the
    picture's play moves the chart in the browser: the same words at every step, the range over every step."""
    result = run(parse("timesteps=6&units=5").config)
    part = result.parts[0]
    said = {describe(timestep.step_chart(result, part, 0, 1, k)) for k in range(6)}
    assert len(said) == 1, said
    grids = [figures.step_grids(result, part, 0, k, 1) for k in range(6)]
    every = np.concatenate([np.ravel(g.values) for g in grids] + [np.ravel(g.gates) for g in grids])
    every = every[np.isfinite(every)].astype(np.float32)
    assert f"Values over every timestep from {every.min():.3g} to {every.max():.3g}." in said.pop()
    assert "over every timestep" not in describe(figures.step_figure(result, part, 0, 2, 1))  # the server's step


def test_the_step_chart_while_playing_sends_a_window_of_units_and_says_which():
    """Every step's grids go to the browser at once: for a long sequence they cover fewer units round the unit
    looked at (at most 32 at the largest, 500 timesteps, where 128 units weighed 5.6 MB), and the chart says which;
    a short one keeps every unit a still chart draws."""
    assert timestep.play_units(500) <= 32 and timestep.play_units(10) == figures.MAX_DRAWN_UNITS
    result = run(parse("timesteps=300&units=100").config)
    part = result.parts[0]
    spec = timestep.step_chart(result, part, 0, 90, 3)
    most = timestep.play_units(300)
    assert most < 100 and np.asarray(spec["follow"]["data"][0]["z"]).shape == (300, 8, most)
    start = 100 - most  # the window reaches the last unit: 90 stands in it
    assert f"(units {start}–99 of 100)" in str(spec["layout"]["title"])
    expected = np.stack(list(figures.step_vectors(part, 0, 3).values()))[:, start:]
    shown = np.asarray(spec["follow"]["data"][0]["z"])[3]
    np.testing.assert_allclose(np.where(np.isnan(shown), np.asarray(spec["follow"]["data"][1]["z"])[3], shown),
                               expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("query", ["bidirectional=1&timesteps=20&units=3", "bidirectional=1&timesteps=15&units=3",
                                   "bidirectional=1&timesteps=12&units=3&depth=2&return_sequences=1"])
@pytest.mark.parametrize("part", [0, 1])
def test_both_directions_of_a_long_bidirectional_layer_are_boxed_over_their_own_timestep_at_every_step(query, part):
    """Each direction reads its own timestep at a step (the backward one T-1-k): every row's box stands over the
    column labelled with the timestep that row reads, never over an ellipsis, whichever direction is followed."""
    result = run(parse(query).config)
    spec = unrolled.unrolled_figure(result, 0, part, (0,), 0, 0)
    fixed = _column_labels(spec["data"])
    rows = unrolled._rows(result)[0]
    for k, frame in enumerate(spec["frames"]):
        labels = {**fixed, **_column_labels(frame["data"])}
        now = next(trace for trace in frame["data"] if trace["name"] == "now" and trace.get("text"))
        for r, row in enumerate(rows):
            t = result.config.timesteps - 1 - k if result.parts[row.part].reads_backwards else k
            left, right = now["x"][6 * r], now["x"][6 * r + 1]
            assert labels[round((left + right) / 2, 6)] == f"x<sub>{t}</sub>", (k, row.label, labels)
            assert f"t={t}" in now["text"]
