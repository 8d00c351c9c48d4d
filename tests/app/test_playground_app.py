"""The playground page in Streamlit's AppTest: real script runs, real Keras, no browser."""

import pytest
from streamlit.testing.v1 import AppTest

import rnnlab
from rnnlab.params import parse
from rnnlab.run import run
from tests.app.charts import charts
from tests.helpers import GROUPS_OPEN, open_page, plain
from ui.controls import group_key


def open_app(query: dict[str, str] | None = None, groups_open: bool = False) -> AppTest:
    """The playground at `query`; groups_open: with the sidebar's groups opened (their controls drawn)."""
    return open_page(query=query, state=GROUPS_OPEN if groups_open else None)


def page_text(at: AppTest) -> str:
    return plain("\n".join(str(e.value) for e in (*at.markdown, *at.code, *at.caption, *at.warning)))


def shapes_listed(at: AppTest) -> list[str]:
    """The 'shape' column of the returned-tensors table, e.g. ['(32, 64)']."""
    table = next(m.value for m in at.markdown if m.value.startswith("| returned |"))
    return [row.split("|")[2].strip().strip("`") for row in table.splitlines()[2:]]


def expected_shapes(query: str) -> list[str]:
    return [str(tuple(r["shape"])) for r in rnnlab.describe(query)["returns"]]


def test_defaults_render_without_exception():
    at = open_app()
    assert not at.exception
    assert at.toggle(key="return_sequences").value is False
    assert at.slider(key="units").value == 64
    assert shapes_listed(at) == expected_shapes("")
    assert any(c.value == "output = lstm(x)" for c in at.code)
    assert [c.key for c in charts(at)] == ["chart-unrolled", "chart-input", "chart-output", "chart-states"]
    assert not at.warning


@pytest.mark.parametrize("section", ["states", "gates", "step", "weights"])
def test_only_the_chosen_section_is_drawn_and_the_choice_is_in_the_link(section):
    at = open_app({"section": section})
    assert not at.exception and not at.warning
    drawn = [f"chart-{section}"] + (["chart-cell"] if section == "step" else [])  # the step, and its cell beside
    assert [c.key for c in charts(at)] == ["chart-unrolled", "chart-input", "chart-output", *drawn]
    assert at.radio(key="section").value == section
    at.radio(key="section").set_value("weights" if section != "weights" else "gates").run()
    assert at.query_params.get("section") in ("weights", "gates")


def test_turning_play_on_makes_the_step_and_its_cell_follow_the_timestep():
    """Drawn still first, the same charts drawn again to follow the picture carry every step's numbers."""
    at = open_app({"section": "step"})
    assert [("follow" in c.figure) for c in charts(at)][-2:] == [False, False]
    at.toggle(key="play").set_value(True).run()
    assert not at.exception
    drawn = {c.key: c.figure for c in charts(at)}
    assert "follow" in drawn["chart-step"] and "follow" in drawn["chart-cell"]


def test_flipping_return_state_lists_three_tensors_and_the_checks():
    at = open_app()
    at.toggle(key="return_state").set_value(True).run()
    assert not at.exception
    assert shapes_listed(at) == expected_shapes("return_state=true")
    assert any(c.value == "output, state_h, state_c = lstm(x)" for c in at.code)
    text = page_text(at)
    assert "`output == state_h`" in text and "`state_h != state_c`" in text
    at.toggle(key="return_sequences").set_value(True).run()
    assert shapes_listed(at) == expected_shapes("return_state=true&return_sequences=true")
    assert "`whole_seq[:, -1, :] == state_h`" in page_text(at)


def test_a_link_restores_the_controls():
    query = {"return_sequences": "true", "units": "8", "timesteps": "5", "input": "sine", "seed": "4",
             "sample": "2", "step": "3", "section": "step"}
    at = open_app(query, groups_open=True)
    assert not at.exception and not at.warning
    assert at.toggle(key="return_sequences").value is True
    assert (at.slider(key="units").value, at.slider(key="timesteps").value) == (8, 5)
    assert at.selectbox(key="input").value == "sine" and at.number_input(key="seed").value == 4
    assert (at.slider(key="sample").value, at.slider(key="step").value) == (2, 3)
    assert shapes_listed(at) == expected_shapes("return_sequences=true&units=8&timesteps=5")


@pytest.mark.parametrize("query, named", [
    ({"units": "99999"}, "units"),
    ({"foo": "1"}, "'foo'"),
    ({"return_state": "maybe"}, "return_state"),
    ({"sample": "9999"}, "sample"),
    ({"batch": "256", "timesteps": "500", "units": "512"}, "batch"),
])
def test_bad_links_show_a_notice_and_fall_back(query, named):
    at = open_app(query)
    assert not at.exception
    assert len(at.warning) == 1 and named in at.warning[0].value


def test_too_large_a_batch_from_the_slider_is_lowered_with_a_notice():
    at = open_app({"timesteps": "300", "units": "512"})
    at.slider(key="batch").set_value(200).run()
    assert not at.exception
    assert at.slider(key="batch").value * 300 * 512 <= rnnlab.params.MAX_SEQUENCE_VALUES
    assert "batch" in at.warning[0].value


def test_a_closed_groups_controls_are_not_drawn_and_keep_the_links_values():
    link = {"depth": "2", "seed": "5", "head": "dense"}
    at = open_app(link)
    drawn = {w.key for w in (*at.toggle, *at.slider, *at.selectbox, *at.number_input, *at.radio)}
    assert drawn.isdisjoint(link) and {"units", "return_state"} <= drawn
    at.toggle(key="return_state").set_value(True).run()  # a change of a control that is drawn
    assert not at.exception and dict(at.query_params).items() >= link.items()
    assert shapes_listed(at) == expected_shapes("depth=2&seed=5&head=dense&return_state=true")
    at.session_state[group_key("data")] = True  # the learner opens the data group: its controls hold the link's values
    at.run()
    assert at.number_input(key="seed").value == 5 and "depth" not in {w.key for w in at.slider}


def test_new_random_data_moves_the_seed():
    at = open_app(groups_open=True)
    next(b for b in at.button if b.label == "New random data").click().run()
    assert at.number_input(key="seed").value == 1 and not at.exception


def test_looking_elsewhere_does_not_change_the_model():
    at = open_app({"return_sequences": "true", "section": "step"})
    before = shapes_listed(at)
    at.slider(key="sample").set_value(5).run()
    at.slider(key="step").set_value(9).run()
    assert not at.exception and shapes_listed(at) == before
    assert any("unit 0, t=9, reads x[5, 9]" in c.value for c in at.code)


def test_the_chosen_sample_survives_a_smaller_batch_and_is_clamped_by_a_tiny_one():
    at = open_app({"sample": "5"})
    at.slider(key="batch").set_value(16).run()
    assert at.slider(key="sample").value == 5
    at.slider(key="batch").set_value(4).run()
    assert not at.exception and at.slider(key="sample").value == 3


def test_back_from_another_page_the_playground_keeps_its_settings():
    """The site's navigation drops the address's settings, and a page not drawn loses its widgets' values."""
    at = open_app({"units": "8"})
    at.slider(key="timesteps").set_value(5).run()
    at.switch_page("pages/lessons.py").run()
    at.query_params.clear()
    at.switch_page("pages/playground.py").run()
    assert not at.exception
    assert at.slider(key="units").value == 8 and at.slider(key="timesteps").value == 5
    assert shapes_listed(at) == expected_shapes("units=8&timesteps=5")


@pytest.mark.parametrize("show", [",".join(map(str, range(16))), ",".join(["2"] * 12 + ["5"]), "-1,3,99999999999999"])
def test_a_link_drawing_many_units_keeps_the_first_allowed_ones_and_every_chart(show):
    at = open_app({"show": show})
    assert not at.exception, [e.value for e in at.exception]
    assert len(charts(at)) == 4
    assert len(at.multiselect(key="show").value) <= 10
    notice = "\n".join(w.value for w in at.warning)
    assert "show:" in notice, notice


def test_the_hint_to_turn_on_return_state_is_given_only_where_the_control_can_be_used():
    hint = "Turn on return_state"
    assert any(hint in plain(c.value) for c in open_app().caption)
    for room in ({"hide": "return_state"}, {"lock": "return_state"}):
        at = open_app(room)
        assert not at.exception
        assert not any(hint in plain(c.value) for c in at.caption), room


@pytest.mark.parametrize("query, title", [
    ({}, "What does a Keras LSTM return?"),
    ({"bidirectional": "true"}, "What does a Keras Bidirectional(LSTM) return?"),
    ({"bidirectional": "true", "layer": "gru"}, "What does a Keras Bidirectional(GRU) return?"),
])
def test_the_title_names_the_layer_as_built(query, title):
    assert open_app(query).title[0].value == title


def test_the_top_of_a_stack_reads_the_layer_below():
    at = open_app({"depth": "2", "return_state": "true"})
    assert not at.exception
    lines = next(c.value for c in at.code if "state_c = " in c.value).splitlines()
    assert lines == ["# seq_1: the sequence the layer below returns", "output, state_h, state_c = lstm(seq_1)"]
    assert "seq_1 = keras.layers.LSTM(64, return_sequences=True)(inputs)" in at.code[-1].value


def test_the_unrolled_picture_comes_first_and_the_colour_choice_is_in_the_link():
    at = open_app({"colours": "cividis", "return_sequences": "true"})
    assert not at.exception and not at.warning
    first = charts(at)[0]
    assert first.key == "chart-unrolled" and "whole_seq" in first.spec and '"frames"' not in first.spec
    at.toggle(key="play").set_value(True).run()  # the play controls, and the frames they move, come when asked for
    played = charts(at)[0]
    assert '"frames"' in played.spec and '"updatemenus"' in played.spec
    assert at.query_params.get("play") == "true"
    assert at.radio(key="colours").value == "cividis"
    assert "#fee838" in first.spec and "#b2182b" not in first.spec  # cividis, not the default scale
    at.radio(key="colours").set_value("puor").run()
    assert at.query_params.get("colours") == "puor"


def test_the_grus_two_bias_rows_are_explained_beside_its_weights():
    """Keras's GRU (reset_after=True) has a bias of two rows where the LSTM has one: the weights section says
    what each row is added to and how many numbers it holds, as the installed Keras builds it."""
    at = open_app({"layer": "gru", "units": "5", "section": "weights"})
    assert not at.exception
    bias = run(parse("layer=gru&units=5").config).parts[0].weights["bias"]
    assert bias.shape[0] == 2
    text = page_text(at)
    assert "The bias has two rows" in text and "reset_after=True" in text, text
    assert f"each row holds {bias.shape[1]:,} numbers" in text
