"""The unrolled picture lights up exactly what Keras returned, over the engine tests' grid of options."""

import re

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnlab import colours, figures, returned, unrolled
from rnnlab.params import PARAMS, parse
from rnnlab.run import run
from tests.unit.test_engine import GRID, config_of

LABEL = re.compile(r"^<b>([a-z_]+)</b><br>(\(.*\))$")


def picture(result, sample=0, step=0):
    return unrolled.unrolled_figure(result, sample, 0, (0,), 0, step)


def labels(spec) -> dict[str, tuple[str, str]]:
    """Every returned-tensor label of the picture: name -> (shape text, colour)."""
    found = {}
    for note in spec["layout"]["annotations"]:
        match = LABEL.match(note.get("text", ""))
        if match:
            assert match.group(1) not in found, f"{match.group(1)} labelled twice"
            found[match.group(1)] = (match.group(2), note["font"]["color"])
    return found


@pytest.mark.parametrize("query", GRID)
def test_the_picture_lights_exactly_the_tensors_keras_returned(query):
    result = run(config_of(query))
    spec = picture(result)
    assert labels(spec) == {t.name: (str(t.shape), colours.tensor_colour(t.name)) for t in result.returns}
    pieces = returned.pieces(result)
    assert [p.name for p in pieces if p.name] and {p.name for p in pieces} == {t.name for t in result.returns}
    for piece in pieces:
        if piece.head or piece.merged in ("sum", "mul", "ave"):
            continue
        value = result.returned(piece.name).value[(slice(None), *piece.index)][..., piece.channels]
        cell = getattr(result.parts[piece.part].trace, piece.state)[:, piece.step]
        if result.config.bidirectional and result.config.mask and piece.index:
            real = (result.mask[:, ::-1] if result.parts[piece.part].backward else result.mask)[:, piece.step]
            cell = np.where(real[:, None], cell, 0.0)  # Bidirectional zeroes masked steps of sequences
        np.testing.assert_allclose(value, cell, atol=1e-5, err_msg=f"{piece.name}{list(piece.index)}")


@pytest.mark.parametrize("query", GRID)
def test_every_vector_of_a_returned_tensor_comes_from_one_cell(query):
    result = run(config_of(query))
    for tensor in result.returns:
        mine = [p for p in returned.pieces(result) if p.name == tensor.name]
        owners = {(p.part, p.channels.start) for p in mine}
        indices = sorted(p.index for p in mine)
        expected = [(j,) for j in range(tensor.shape[1])] if "timesteps" in tensor.axes else [()]
        assert indices == sorted(expected * len(owners)), tensor.name
        assert all(result.parts[p.part].layer == result.config.depth - 1 for p in mine)


@pytest.mark.parametrize("query, strong", [
    ("timesteps=5", 1), ("timesteps=5&return_sequences=1", 5), ("timesteps=12&return_sequences=1", 6),
    ("timesteps=5&bidirectional=1", 2), ("timesteps=5&bidirectional=1&return_sequences=1", 5),
    ("timesteps=5&bidirectional=1&merge_mode=none&return_sequences=1", 10),
])
def test_outputs_are_strong_only_where_keras_returns_them(query, strong):
    result = run(parse(query).config)
    spec = picture(result)
    heads = next(t for t in spec["data"] if t["name"] == "arrowheads")
    top = max(heads["y"]) - 1e-9  # the arrows that leave the top row end highest
    arrows = [(y, colour) for y, colour in zip(heads["y"], heads["marker"]["color"]) if y >= top]
    assert len([a for a in arrows if a[1] != colours.FADED]) == strong
    config = result.config
    apart = config.bidirectional and (config.merge_mode == "none" or not config.return_sequences)
    assert len(arrows) == len(unrolled.columns(config.timesteps)) * (2 if apart else 1)  # one per direction


@pytest.mark.parametrize("query", ["", "return_sequences=1&return_state=1", "layer=gru&bidirectional=1&depth=2",
                                   "layer=simple_rnn&go_backwards=1&return_sequences=1", "timesteps=40&mask=1&"
                                   "lengths=40,20", "head=time_distributed&return_sequences=1&head_units=3"])
def test_the_picture_is_a_valid_animated_figure_with_one_frame_per_step(query):
    result = run(parse(query).config)
    spec = picture(result, step=min(3, result.config.timesteps - 1))
    go.Figure(spec)
    go.Figure(figures.enlarged(spec, 1.4))
    frames = spec["frames"]
    assert [f["name"] for f in frames] == [str(k) for k in range(result.config.timesteps)]
    slider = spec["layout"]["sliders"][0]
    assert slider["active"] == min(3, result.config.timesteps - 1) and len(slider["steps"]) == len(frames)
    labels_ = [b["label"] for menu in spec["layout"]["updatemenus"] for b in menu["buttons"]]
    assert labels_ == ["◀ step", "❚❚ pause", "step ▶", "▶ 0.5×", "▶ 1×", "▶ 2×", "▶ 4×", "▶ 8×"]
    for k, frame in enumerate(frames):  # each frame sends the step buttons to its neighbours
        moves = frame["layout"]["updatemenus"][0]["buttons"]
        assert moves[0]["args"][0] == [str(max(k - 1, 0))] and moves[2]["args"][0] == [
            str(min(k + 1, len(frames) - 1))]


def test_the_current_step_moves_in_opposite_directions_in_a_bidirectional_layer():
    result = run(parse("bidirectional=1&timesteps=5").config)
    spec = picture(result)
    now = spec["frames"][1]["data"][0]
    assert [t for t in now["text"] if t] == ["t=1", "t=3"]  # forward reads x_1 at step 1, backward x_3


def test_masked_steps_are_marked():
    result = run(parse("lengths=10,4&mask=1").config)
    spec = picture(result, sample=1)
    text = " ".join(t for trace in spec["data"] if trace["name"] == "labels" for t in trace["text"])
    assert text.count("masked: skipped") == 1  # under x_8 and x_9 of the second sequence (length 4)
    dashed = [s for s in picture(result, sample=1)["layout"]["shapes"] if s.get("fillcolor") == "#ececec"]
    assert len(dashed) == 2 and all(s["line"]["dash"] == "dot" for s in dashed)


def test_the_colour_choice_swaps_every_scale_and_leaves_the_figure_alone():
    result = run(parse("return_sequences=1").config)
    spec = picture(result)
    cells = [k for k, t in enumerate(spec["data"]) if t["name"] == "h in each cell"]
    puor = colours.recoloured(spec, "puor")
    assert [puor["data"][k]["marker"]["colorscale"] for k in cells] == [colours.SCHEMES["puor"].diverging]
    assert spec["data"][cells[0]]["marker"]["colorscale"] is colours.RDBU
    gates = colours.recoloured(figures.gates_figure(result, result.parts[0], 0), "cividis")
    assert {str(t["colorscale"]) for t in gates["data"]} == {str(colours.SCHEMES["cividis"].sequential),
                                                             str(colours.SCHEMES["cividis"].diverging)}
    heat = figures.output_figure(result, 0)["data"][0]
    assert heat["zmin"] == -heat["zmax"]  # signed values: centred on zero whatever the scale


def test_the_colour_choice_is_a_view_parameter_with_a_notice_for_bad_values():
    assert parse("colours=viridis").view.colours == "viridis"
    bad = parse("colours=rainbow")
    assert bad.view.colours == colours.DEFAULT and "colours" in str(bad.notices[0])
    assert PARAMS["colours"].choices == tuple(colours.SCHEMES)


def test_without_play_the_picture_sends_no_frames_and_no_controls():
    result = run(parse("return_sequences=1").config)
    still = unrolled.unrolled_figure(result, 0, 0, (0, 1, 2, 3), 0, 4, play=False)
    go.Figure(still)
    assert "frames" not in still and not {"sliders", "updatemenus"} & set(still["layout"])
    played = unrolled.unrolled_figure(result, 0, 0, (0, 1, 2, 3), 0, 4, play=True)
    assert labels(still) == labels(played) == {t.name: (str(t.shape), colours.tensor_colour(t.name))
                                               for t in result.returns}  # the same picture


def _holds(result, vector) -> bool:
    """Whether any returned tensor (the head's prediction aside) holds this (units,) vector of sample 0."""
    units = vector.shape[-1]
    for tensor in result.returns:
        if tensor.name == "prediction":
            continue
        value = tensor.value[0] if "timesteps" in tensor.axes else tensor.value[:1]
        for step in range(value.shape[0]):
            for start in range(0, value.shape[-1] - units + 1, units):
                if np.allclose(value[step, start:start + units], vector, atol=1e-5):
                    return True
    return False


@pytest.mark.parametrize("query", GRID)
def test_the_final_h_is_drawn_as_returned_exactly_when_keras_returns_it(query):
    result = run(config_of(query))
    spec = picture(result)
    texts = [note.get("text", "") for note in spec["layout"]["annotations"]]
    texts += [str(text) for trace in spec["data"] if "text" in trace.get("mode", "") for text in trace["text"]]
    top = [part for part in result.parts if part.layer == result.config.depth - 1]
    not_returned = [part for part in top if not _holds(result, part.trace.h[0, -1])]
    assert sum(text == "h<sub>T</sub><br>not returned" for text in texts) == len(not_returned), texts
    if not result.config.return_state and not result.config.bidirectional:
        said = "output" if not result.config.return_sequences else "whole_seq"
        assert any(text.startswith("h<sub>T</sub><br>= ") and said in text for text in texts)  # under both its names


# Machado, Oliveira & Fernandes (2009), full deuteranopia and protanopia, on linear RGB
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])
TOGETHER = [("output", "state_h", "state_c", "prediction"),
            ("forward_output", "backward_output", "forward_h", "forward_c", "backward_h", "backward_c")]


def _lab(hex_colour: str, seen: np.ndarray) -> np.ndarray:
    """CIELAB of a colour as a viewer with that vision sees it."""
    srgb = np.array([int(hex_colour[k:k + 2], 16) / 255 for k in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(
        seen @ linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("seen, least", [(np.eye(3), 20), (DEUTERANOPIA, 20), (PROTANOPIA, 15)],
                         ids=["normal", "deuteranopia", "protanopia"])
def test_returned_tensors_keep_colours_apart_under_colour_blindness_and_differ_by_dash_too(seen, least):
    """state_c never looks like the grey of what is thrown away, backward_h like backward_c, forward_h like the
    current step's box; and no two names shown together share a dash."""
    for names in TOGETHER:
        others = [(n, colours.tensor_colour(n)) for n in names] + [("thrown away", colours.FADED),
                                                                 ("the step's box", colours.STEP_COLOUR)]
        for k, (one, a) in enumerate(others):
            for other, b in others[k + 1:]:
                distance = float(np.linalg.norm(_lab(a, seen) - _lab(b, seen)))
                assert distance >= least, (one, other, round(distance, 1))
        dashes = [colours.tensor_dash(n) for n in names if n != "prediction"]
        assert len(set(dashes)) == len(dashes), dict(zip(names, dashes))


def test_the_pictures_title_names_the_layer_as_built():
    result = run(parse("bidirectional=true").config)
    assert picture(result)["layout"]["title"]["text"].startswith("Bidirectional(LSTM) unrolled")
    assert picture(run(parse("layer=gru").config))["layout"]["title"]["text"].startswith("GRU unrolled")


@pytest.mark.parametrize("query", ["head=dense", "head=time_distributed&return_sequences=true"])
def test_every_head_box_is_fed_by_an_arrow_from_the_tensor_it_reads(query):
    result = run(parse(query).config)
    spec = picture(result)
    boxes = [s for s in spec["layout"]["shapes"] if s["type"] == "rect" and s["y0"] > 1.5]
    heads = next(t for t in spec["data"] if t.get("name") == "arrowheads")
    tips = dict(zip(zip(heads["x"], heads["y"]), heads["marker"]["color"]))
    assert boxes and all(((b["x0"] + b["x1"]) / 2, b["y0"]) in tips for b in boxes), (boxes, tips)
    reads = result.returns[0].name  # what the head reads: the layer's output, as Keras names it
    assert reads != "prediction" and reads in ("output", "whole_seq")
    assert {tips[((b["x0"] + b["x1"]) / 2, b["y0"])] for b in boxes} == {colours.tensor_colour(reads)}


def _floats(text: str, name: str) -> np.ndarray:
    """The numbers of the line of a cell's hover that starts with `name`."""
    line = next(line for line in text.split("<br>") if line.startswith(name))
    return np.array([float(v) for v in re.findall(r"-?\d+\.\d+", line.split("=", 1)[1])])


@pytest.mark.parametrize("query", ["stateful=1&return_sequences=1&return_state=1&timesteps=5",
                                   "stateful=1&return_state=1", "stateful=1&layer=gru&return_sequences=1"])
def test_a_stateful_picture_draws_the_second_call_fed_by_the_first_calls_final_states(query):
    result = run(parse(query).config)
    spec = picture(result)
    traces = {t["name"]: t for t in spec["data"] if t.get("name")}
    cols = unrolled.columns(result.config.timesteps)
    cells = [s for s in spec["layout"]["shapes"] if s["type"] == "rect" and s["x1"] - s["x0"] < 1]
    assert len(cells) == 2 * len(cols)  # both calls' cells
    second = traces["call 2: numbers in each cell"]
    first = traces["numbers in each cell"]
    y1, y2 = first["y"][0], second["y"][0]
    assert y2 < y1 - 1  # the second call under the first
    # the final h (and c) of the first call's last cell feeds the second call's first cell
    carried = traces["state carried into call 2"]
    paths, path = [], []
    for x, y in zip(carried["x"], carried["y"]):
        if x is None:
            paths.append(path)
            path = []
        else:
            path.append((x, y))
    last = len(cols) - 1 + unrolled.HALF_W
    states = 2 if result.config.layer == "lstm" else 1
    assert len(paths) == states
    for path in paths:
        assert path[0][0] == pytest.approx(last) and abs(path[0][1] - y1) < unrolled.HALF_H
        assert path[-1][0] == pytest.approx(-unrolled.HALF_W) and abs(path[-1][1] - y2) < unrolled.HALF_H
    # what the second call's cells hold is what Keras returned for it
    keras = {t.name: t.value for t in result.stateful.second}
    by_t = {int(re.search(r"at t=(\d+)", text).group(1)): text for text in second["hovertext"]}
    final = by_t[result.config.timesteps - 1]
    h_final = keras["state_h"] if "state_h" in keras else keras.get("output", keras["whole_seq"][:, -1])
    assert np.allclose(_floats(final, "squares"), h_final[0, :unrolled.STRIP], atol=1e-4)
    if "state_c" in keras:
        assert np.allclose(_floats(final, "c ="), keras["state_c"][0, :6], atol=1e-3)
    if "whole_seq" in keras:
        for t, text in by_t.items():
            assert np.allclose(_floats(text, "squares"), keras["whole_seq"][0, t, :unrolled.STRIP], atol=1e-4)
    labels_ = [n["text"] for n in spec["layout"]["annotations"]]
    assert {f"<b>call 2: {t.name}</b><br>{t.shape}" for t in result.stateful.second} <= set(labels_)
