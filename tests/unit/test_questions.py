"""Question kinds graded against the installed Keras, the rule a wrong answer broke, and the lessons' fixed errors,
each compared with what Keras itself does."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab import lessons, questions
from rnnlab.params import parse

LSTM_STATE = "units=64&timesteps=10&features=3&batch=32&return_state=true"
BOTH = "units=64&timesteps=10&features=3&batch=32&return_sequences=true&return_state=true"


def keras_returns(query: str) -> list[np.ndarray]:
    """What a Keras layer built here, outside the app, returns for the query's input (LSTM or Bidirectional)."""
    import keras

    config = parse(query).config
    layer_class = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}
    layer = layer_class[config.layer](config.units, return_sequences=config.return_sequences,
                                      return_state=config.return_state)
    if config.bidirectional:
        layer = keras.layers.Bidirectional(layer, merge_mode=None if config.merge_mode == "none" else
                                           config.merge_mode)
    out = layer(np.random.default_rng(0).normal(size=(config.batch, config.timesteps, config.features))
                .astype("float32"))
    return [np.asarray(t) for t in (out if isinstance(out, (tuple, list)) else (out,))]


# --- the myths: graded wrong, with the rule the learner broke --------------------------------------------


def test_the_state_order_myth_is_graded_wrong_although_the_shapes_are_equal():
    arrays = keras_returns(LSTM_STATE)
    assert arrays[1].shape == arrays[2].shape  # why a shapes question cannot catch it
    _, h, c = keras_returns(LSTM_STATE)
    assert not np.allclose(h, c)
    right, why = questions.grade("names", "output, c, h", LSTM_STATE)
    assert not right and "h before c" in why
    right, why = questions.grade("names", "hidden, cell, output", LSTM_STATE)
    assert not right and "output comes first" in why
    assert questions.grade("names", "output, h, c", LSTM_STATE)[0]
    assert questions.grade("names", "whole_seq_output, final_memory_state, final_carry_state", BOTH)[0]


def test_units_as_timesteps_is_graded_wrong_with_its_rule():
    shapes = [a.shape for a in keras_returns(LSTM_STATE)]
    timesteps = parse(LSTM_STATE).config.timesteps
    typed = ", ".join(str(s[:-1] + (timesteps,)) for s in shapes)
    right, why = questions.grade("shapes", typed, LSTM_STATE)
    assert not right and "units is not the number of timesteps" in why


def test_a_forgotten_batch_axis_is_named_as_such_not_as_a_timesteps_problem():
    seq = keras_returns(BOTH)[0].shape
    right, why = questions.grade("shapes", str(seq[1:]), "return_sequences=true")
    assert not right and "batch axis" in why and "timesteps axis" not in why
    config = parse(LSTM_STATE).config
    right, why = questions.grade("x", str((config.timesteps, config.features)), LSTM_STATE)
    assert not right and "batch axis" in why


def test_none_for_the_batch_is_read_as_none_not_dropped():
    from rnnlab.grading import read_shapes

    assert read_shapes("(None, 64)") == [(None, 64)]
    shapes = [a.shape for a in keras_returns(LSTM_STATE)]
    typed = ", ".join(str((None,) + s[1:]) for s in shapes).replace("(None,)", "None")
    right, why = questions.grade("shapes", typed, LSTM_STATE)
    assert not right and "None" in why and "batch size" in why


def test_a_head_count_is_not_blamed_on_return_state():
    """With return_state off, a model with a head hands back the layer's output and the prediction."""
    right, why = questions.grade("count", "3", "head=dense")
    assert not right and "prediction" in why and "adds the final states" not in why
    right, why = questions.grade("count", "1", "head=dense")
    assert not right and "prediction" in why


def test_bidirectional_width_and_count_are_blamed_on_concat_and_merge_mode():
    query = "bidirectional=true&return_state=true&units=16&batch=4&timesteps=5"
    arrays = keras_returns(query)
    assert arrays[0].shape[-1] == 2 * arrays[1].shape[-1]
    typed = ", ".join(str(a.shape[:-1] + (arrays[1].shape[-1],)) for a in arrays)
    right, why = questions.grade("shapes", typed, query)
    assert not right and "concat" in why and "2 × units" in why
    none = query + "&merge_mode=none"
    assert len(keras_returns(none)) == questions.expected("count", none)
    right, why = questions.grade("count", str(len(arrays)), none)
    assert not right and "merge_mode=None" in why and "return_state adds" not in why


def test_which_tensors_are_equal_is_graded_from_keras_numbers():
    output, h, c = keras_returns(LSTM_STATE)
    assert np.allclose(output, h) and not np.allclose(h, c)
    assert questions.grade("equal", "output = state_h", LSTM_STATE)[0]
    right, why = questions.grade("equal", "state_h = state_c", LSTM_STATE)
    assert not right and "h and c are different" in why
    right, why = questions.grade("equal", "none", LSTM_STATE)
    assert not right and "last h" in why
    seq, h, _ = keras_returns(BOTH)
    assert np.allclose(seq[:, -1], h)
    assert questions.grade("equal", "none", BOTH)[0]
    right, why = questions.grade("equal", "whole_seq = state_h", BOTH)
    assert not right and "whole_seq[:, -1, :] == state_h" in why


def test_parameter_counts_are_graded_against_count_params_with_the_rule_of_a_typical_mistake():
    import keras

    layer = keras.layers.LSTM(64)
    layer(np.zeros((1, 10, 3), "float32"))
    assert questions.grade("params", f"{layer.count_params():,}", "units=64&features=3")[0]
    no_bias = layer.count_params() - layer.weights[2].shape[0]
    right, why = questions.grade("params", str(no_bias), "units=64&features=3")
    assert not right and "bias" in why


def test_will_keras_build_it_names_the_rule():
    assert questions.expected("builds", "depth=2&inner_return_sequences=false") == "needs_sequence"
    right, why = questions.grade("builds", "builds", "depth=2&inner_return_sequences=false")
    assert not right and "sequence" in why
    right, why = questions.grade("builds", "needs_sequence", "depth=2")
    assert not right and "Keras builds this" in why
    assert questions.grade("builds", "yes", "depth=2")[0]


@pytest.mark.parametrize("padding, mask", [("post", True), ("pre", True), ("pre", False), ("post", False)])
def test_the_value_at_a_padded_step_is_what_keras_computes(padding, mask):
    """Keras outside the app: pad_sequences, Masking, LSTM; the padded step of the shortest row."""
    import keras

    rng = np.random.default_rng(0)
    rows = [rng.normal(size=(n, 3)).astype("float32") + 2 for n in (10, 4)]
    x = keras.utils.pad_sequences(rows, padding=padding, dtype="float32")
    layers = [keras.layers.Masking()] if mask else []
    seq = np.asarray(keras.Sequential([keras.Input((10, 3)), *layers,
                                       keras.layers.LSTM(8, return_sequences=True)])(x))
    pad_step, last_real = (9, 3) if padding == "post" else (0, None)
    at_pad = seq[1, pad_step]
    keras_says = ("zeros" if np.allclose(at_pad, 0, atol=1e-6) else
                  "repeat" if last_real is not None and np.allclose(at_pad, seq[1, last_real], atol=1e-6) else "new")
    query = f"lengths=10,4&padding={padding}&mask={str(mask).lower()}&return_sequences=true&units=8"
    assert questions.expected("padded", query) == keras_says
    wrong = next(k for k in questions.PADDED if k != keras_says)
    right, why = questions.grade("padded", wrong, query)
    assert not right and ("mask" in why)


@pytest.mark.parametrize("kind", questions.KINDS)
@pytest.mark.parametrize("typed", ["", "abc", "((", "![x](http://e.vil/a.png)", "9" * 600, "None, None", ":-1",
                                   "output = = =", "[[[", "1e9"])
def test_bad_typed_answers_get_a_clear_message_never_an_exception(kind, typed):
    right, why = questions.grade(kind, typed, LSTM_STATE + "&return_sequences=true&lengths=10,4")
    assert isinstance(why, str) and why and (not right or typed.strip())
    import re

    outside_code = re.sub(r"`[^`]*`", "", why)  # a learner's text is shown only inside a code span
    assert "](" not in why and "http" not in outside_code and "e.vil" not in outside_code


# --- the lessons' errors, fixed, each against Keras ---------------------------------------------------------


def test_lesson_01_grades_the_shape_of_x_not_the_layers_output():
    from rnnlab.run import run

    lesson = lessons.find("the-input")
    question = lesson.questions[0]
    query = lessons.answer_query(lesson, question)
    x_shape = run(parse(query).config).x.shape  # the array fed to Keras
    assert lessons.grade_question(lesson, question, str(x_shape))[0]
    output = lessons.shapes_of(query)[0]
    right, _ = lessons.grade_question(lesson, question, str(output))
    assert not right


def test_lesson_01_says_when_a_2d_array_is_enough_with_keras_own_numbers():
    import keras

    univariate = keras.Sequential([keras.Input((10, 1)), keras.layers.LSTM(4)])
    shape = univariate.predict(np.zeros((32, 10), "float32"), verbose=0).shape
    lesson = lessons.find("the-input")
    assert lessons.snippet_output("the-input", "two_d")["expanded"] == str(shape)
    text = lessons.render(lesson)
    assert "When is a 2-D array enough" in text and "never" not in text.split("When is")[0]
    assert "Embedding -> LSTM" in text


def test_lesson_08_teaches_pre_padding_the_default_of_pad_sequences():
    import keras

    padded = keras.utils.pad_sequences([[1, 2, 3], [4, 5, 6, 7, 8], [9]])
    assert padded[0, 0] == 0  # Keras pads at the start by default
    lesson = lessons.find("padding-and-masking")
    text = lessons.render(lesson)
    assert 'padding="pre"' in text and lessons.snippet_output(lesson.slug, "pad")["pre"] == str(padded.tolist())
    kinds = {lessons.answer_query(lesson, q): lessons.right_answer(lesson, q) for q in lesson.questions
             if q.kind == "padded"}
    assert any("padding=pre" in q and "mask=false" in q for q in kinds)  # without the mask, pre-padded
    assert any("padding=pre" in q and "mask=false" not in q for q in kinds)  # with the mask, pre-padded


def test_every_check_label_says_what_it_asserts():
    from rnnlab.run import run

    for query in ["lengths=10,6&mask=true&return_state=true", "lengths=10,6&mask=true&padding=pre&return_state=true",
                  LSTM_STATE, BOTH, "bidirectional=true&return_state=true&return_sequences=true",
                  "stateful=true&return_state=true&batch=4"]:
        result = run(parse(query).config)
        for check in result.all_checks:
            assert ("!=" in check.claim) == (not check.expect_equal), check.claim
    texts = [c.claim for c in run(parse("lengths=10,6&mask=true&return_state=true").config).all_checks]
    assert "without the mask: padded output != unpadded output" in texts


def test_lesson_02_calls_g_the_candidate_in_kerass_block_order():
    import keras

    layer = keras.layers.LSTM(4)
    layer(np.zeros((1, 2, 3), "float32"))
    bias = layer.weights[2].numpy()
    assert np.all(bias[4:8] == 1) and np.all(bias[:4] == 0) and np.all(bias[8:] == 0)  # f is the 2nd block
    text = lessons.render(lessons.find("units"))
    assert "**i, f, c, o**" in text and "The candidate is not a gate" in text
    cell = lessons.snippet_output("inside-the-cell", "cell")  # i, f, g (tanh), o recompute Keras's h and c
    assert cell["c"] == cell["c_keras"] and cell["h"] == cell["h_keras"]


def test_lesson_09_gives_the_gru_bias_rows_to_reset_after():
    import keras

    counts = {}
    for reset_after in (True, False):
        gru = keras.layers.GRU(64, reset_after=reset_after)
        gru(np.zeros((1, 10, 3), "float32"))
        counts[reset_after] = gru.count_params()
    assert keras.layers.GRU(4).reset_after is True
    lesson = lessons.find("gru-and-simplernn")
    out = lessons.snippet_output(lesson.slug, "gru")
    assert out["reset_after_False"] == f"{counts[False]:,}" and out["reset_after_True"] == f"{counts[True]:,}"
    assert lessons.right_answer(lesson, lesson.questions[3]) == f"{counts[True]:,}"
    assert "reset_after=True" in lesson.questions[3].explain


def test_lesson_12_says_tanh_bounds_h_only():
    out = lessons.snippet_output("myths", "bound")
    assert float(out["max_h"]) < 1 < float(out["c"])
    assert "bounds **h** only" in lessons.render(lessons.find("myths"))


def test_lesson_11_carries_state_per_row_with_shuffle_off_and_whole_batches():
    text = lessons.render(lessons.find("stateful"))
    assert "row i of" in text and "shuffle=False" in text and "divisible by the batch size" in text
