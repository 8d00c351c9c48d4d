"""Each option's view in Streamlit's AppTest: what the page says matches what the installed Keras returns."""

import pytest

import rnnlab
from tests.app.charts import charts
from tests.app.test_playground_app import expected_shapes, open_app, page_text, shapes_listed


@pytest.mark.parametrize("query", [
    {"layer": "gru", "return_state": "true"},
    {"layer": "simple_rnn", "return_sequences": "true", "return_state": "true"},
    {"bidirectional": "true", "return_state": "true", "merge_mode": "none"},
    {"go_backwards": "true", "return_sequences": "true"},
    {"depth": "3", "return_state": "true"},
    {"head": "time_distributed", "return_sequences": "true", "head_units": "3"},
    {"lengths": "10,7,4", "mask": "true", "return_sequences": "true"},
    {"stateful": "true", "return_state": "true"},
    {"activation": "relu"},
])
def test_every_option_renders_what_keras_returns(query):
    at = open_app(query)
    assert not at.exception and not at.warning or query.get("activation")
    link = "&".join(f"{k}={v}" for k, v in query.items())
    assert shapes_listed(at) == expected_shapes(link)
    assert f"{', '.join(r['name'] for r in rnnlab.describe(link)['returns'] if r['name'] != 'prediction')} = " \
        in at.code[0].value


def test_gru_says_there_is_no_cell_state_and_draws_none():
    at = open_app({"layer": "gru", "return_state": "true"})
    assert "no cell state" in page_text(at) + "\n".join(i.value for i in at.info)
    assert at.title[0].value == "What does a Keras GRU return?"
    states = next(c for c in charts(at) if "h_t at every timestep" in c.spec)
    assert "c_t" not in states.spec.split('"title"')[1][:200]


def test_a_refused_combination_shows_keras_message_and_the_fix_button_repairs_it():
    at = open_app({"depth": "2", "inner_return_sequences": "false"}, groups_open=True)
    assert not at.exception
    assert "expected ndim=3, found ndim=2" in at.error[0].value
    fix = next(b for b in at.button if "inner_return_sequences=true" in b.label)
    fix.click().run()
    assert not at.exception and not at.error
    assert at.toggle(key="inner_return_sequences").value is True
    assert shapes_listed(at) == expected_shapes("depth=2")


def test_bidirectional_lets_the_learner_look_inside_each_direction():
    at = open_app({"bidirectional": "true", "return_sequences": "true", "depth": "2", "section": "step"})
    part = at.selectbox(key="part")
    assert list(part.options) == [
        "layer 2 of 2, forward", "layer 2 of 2, backward", "layer 1 of 2, forward", "layer 1 of 2, backward"]
    part.set_value(1).run()
    assert not at.exception
    assert any("layer 2 of 2, backward" in c.value for c in at.code)


def test_padding_is_compared_with_and_without_the_mask():
    at = open_app({"lengths": "10,6", "mask": "true"})
    text = page_text(at)
    assert "with the mask: padded output == unpadded output" in text
    assert "without the mask: padded output != unpadded output" in text


def test_stateful_shows_the_carried_state_and_the_reset():
    at = open_app({"stateful": "true"})
    assert "reset_state()" in page_text(at)
    assert "second chunk with carried state" in page_text(at)


def test_relu_shows_the_consequences():
    at = open_app({"activation": "relu"})
    assert "cuDNN" in at.warning[0].value and "Largest |h_t|" in at.warning[0].value


def test_options_that_do_not_matter_are_greyed_out():
    at = open_app(groups_open=True)
    assert at.selectbox(key="merge_mode").disabled and at.slider(key="head_units").disabled
    at.toggle(key="bidirectional").set_value(True).run()
    assert not at.selectbox(key="merge_mode").disabled
