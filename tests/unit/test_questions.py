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


# --- each question is hinted from what it is about ----------------------------------------------------------


def graded(slug: str, number: int, typed: str, tell: bool = True) -> tuple[bool, str]:
    lesson = lessons.find(slug)
    return lessons.grade_question(lesson, lesson.questions[number - 1], typed, tell)


@pytest.mark.parametrize("slug, number, typed, rule, never", [
    ("layers-around-an-lstm", 3, "(32, 10, 6)", "padding=\"valid\"", "keeps the input's length"),
    ("layers-around-an-lstm", 3, "(32, 7, 6)", "each layer does to each axis", "keeps the input's length"),
    ("layers-around-an-lstm", 2, "80", "bias", "recurrent"),
    ("layers-around-an-lstm", 2, "850", "every timestep", "recurrent"),
    ("targets", 1, "(32, 10, 1)", "trailing axis of 1", "return_sequences"),
    ("targets", 2, "(32, 10)", "class axis", "return_sequences"),
    ("text-and-any-length", 1, "(2, 6, 16)", "from the Embedding", "return_sequences"),
    ("text-and-any-length", 3, "16,016", "lookup table", "recurrent"),
    ("text-and-any-length", 3, "1,000", "output_dim", "recurrent"),
])
def test_a_snippet_question_is_hinted_from_its_own_model_never_from_the_presets_lstm(slug, number, typed, rule, never):
    right, why = graded(slug, number, typed)
    assert not right and rule in why and never not in why, why


def test_the_conv1d_question_can_tell_filters_from_timesteps():
    """With 8 filters the 8 output steps and the 8 features could not be told apart."""
    printed = lessons.snippet_output("layers-around-an-lstm", "around")
    batch, steps, filters = eval(printed["conv"])  # a tuple Keras printed
    assert steps == 10 - 3 + 1 and steps != filters


def test_merged_bidirectional_states_are_told_each_direction_returns_its_own():
    arrays = keras_returns("bidirectional=true&return_state=true")
    assert len(arrays) == 5
    right, why = graded("bidirectional", 1, ", ".join(str(arrays[0].shape) for _ in range(3)))
    assert not right and "each direction returns its own states" in why and "an LSTM has two states" not in why


# --- hidden-answer mode: the rule, never the right value ----------------------------------------------------


@pytest.mark.parametrize("number", [2, 3, 4])
def test_a_padded_step_question_without_telling_never_names_the_right_value(number):
    lesson = lessons.find("padding-and-masking")
    question = lesson.questions[number - 1]
    right = questions.expected("padded", lessons.answer_query(lesson, question))
    for wrong in set(questions.PADDED) - {right}:
        ok, why = lessons.grade_question(lesson, question, wrong, tell=False)
        rule = why.split(". ", 1)[1]  # after "Not <the learner's choice>."
        assert not ok and not any(word in rule.lower() for word in ("zero", "forward", "new value", "carr")), why


def test_a_wrong_shape_without_telling_never_names_the_tensor_keras_returns():
    """Before a Reveal, 'Tensor 1 (whole_seq)' would say that return_sequences is on."""
    right, why = questions.grade("shapes", "(32, 64), (32, 64), (32, 64)", BOTH, tell=False)
    assert not right and why.startswith("Tensor 1:") and "whole_seq" not in why, why
    assert "whole_seq" in questions.grade("shapes", "(32, 64), (32, 64), (32, 64)", BOTH, tell=True)[1]


def test_will_keras_build_it_without_telling_does_not_say_it_builds():
    right, why = questions.grade("builds", "needs_sequence", "depth=2", tell=False)
    assert not right and "builds" not in why.lower()


# --- reading typed answers ------------------------------------------------------------------------------------


def test_output_equal_to_c_is_told_why_not_that_the_shapes_differ():
    output, _, c = keras_returns(LSTM_STATE)
    assert output.shape == c.shape and not np.allclose(output, c)
    right, why = questions.grade("equal", "output = state_c", LSTM_STATE)
    assert not right and "same shape" not in why and "memory" in why


@pytest.mark.parametrize("kind, query, typed", [
    ("equal", LSTM_STATE, "output and state_h"),
    ("names", LSTM_STATE, "output, h_n, c_n"),
    ("shapes", LSTM_STATE, "3 x (32, 64)"),
    ("shapes", LSTM_STATE, "(32, 64) × 3"),
    ("params", "units=64&features=3", "17408 parameters"),
    ("params", "units=64&features=3", "17,408 params"),
])
def test_ways_learners_write_a_right_answer_are_read(kind, query, typed):
    assert questions.grade(kind, typed, query)[0], (kind, typed)


def test_two_equalities_joined_by_and_stay_two_groups():
    from rnnlab.grading import read_groups
    from rnnlab.params import parse

    config = parse("bidirectional=true&return_state=true&merge_mode=none").config
    assert len(read_groups("forward_output = forward_h and backward_h = backward_output", config)) == 2


def test_timesteps_in_the_parameter_formula_is_named():
    import keras

    layer = keras.layers.LSTM(64)
    layer(np.zeros((1, 500, 3), "float32"))
    scaled = layer.count_params() * 50  # "10 steps hold 17,408, so 500 hold 50 times as many"
    right, why = questions.grade("params", f"{scaled:,}", "units=64&features=3&timesteps=500")
    assert not right and "do not depend on timesteps" in why


# --- sentences re-measured on the installed Keras -----------------------------------------------------------


def test_an_untrained_lstm_keeps_a_zero_state_because_g_is_zero_not_because_every_bias_is():
    import keras

    layer = keras.layers.LSTM(4, return_sequences=True)
    out = np.asarray(layer(np.zeros((1, 5, 3), "float32")))
    bias = np.asarray(layer.weights[2])
    assert np.all(out == 0) and np.all(bias[4:8] == 1) and np.all(bias[:4] == 0) and np.all(bias[8:12] == 0)
    lesson = lessons.find("padding-and-masking")
    text = lessons.render(lesson, text=lesson.questions[3].explain, query=lessons.answer_query(lesson, lesson.questions[3]))
    assert "zero\nbiases" not in text and "zero biases" not in text and "forget gate's bias starts at 1" in text
    why = graded("padding-and-masking", 4, "new")[1]
    assert "zero biases" not in why and "forget bias starts at 1" in why


def test_inside_bidirectional_a_masked_step_reads_zeros_and_the_lesson_says_so():
    import keras

    x = keras.utils.pad_sequences([np.ones((10, 3)), np.ones((4, 3))], padding="post", dtype="float32")
    seq = np.asarray(keras.Sequential([keras.Input((10, 3)), keras.layers.Masking(),
                                      keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True))])(x))
    assert np.all(seq[1, -1] == 0)
    lesson = lessons.find("padding-and-masking")
    text = lessons.render(lesson, text=lesson.questions[1].explain)
    assert "zero_output_for_mask" in text and "reads Zeros" in " ".join(text.split())


def test_targets_say_broadcasting_happens_only_where_shapes_can_broadcast():
    printed = lessons.snippet_output("targets", "targets")
    assert "Incompatible shapes" in printed["unbroadcastable"]
    assert printed["trailing_one_loss"] == printed["sparse_loss"]
    text = lessons.render(lessons.find("targets"))
    assert "cannot be broadcast" in text and printed["unbroadcastable"] in text


def test_myths_say_how_c_grows_with_tanh_and_how_h_grows_with_relu():
    printed = lessons.snippet_output("myths", "bound")
    assert float(printed["max_h"]) < 1 and 1 < float(printed["c"]) <= 200  # at most one a step with tanh
    assert float(printed["relu_h_10"]) > 1000 and printed["relu_h_200"] == "inf"
    text = " ".join(lessons.render(lessons.find("myths")).split())
    assert "tanh or relu alike" not in text and f"h = {printed['relu_h_10']} at step 10" in text


def test_hidden_cell_is_kerass_state_order_and_the_lesson_does_not_call_it_wrong():
    _, h, c = keras_returns(LSTM_STATE)
    assert questions.grade("names", "output, hidden, cell", LSTM_STATE)[0]
    lesson = lessons.find("return-state")
    text = " ".join(lessons.render(lesson, text=lesson.questions[0].explain).split())
    assert '"hidden, cell" is Keras\'s order' in text and '"hidden, cell, output"' in text


def test_stacking_explains_both_layers_in_its_total():
    import keras

    first, second = keras.layers.LSTM(64, return_sequences=True), keras.layers.LSTM(64)
    second(first(np.zeros((1, 10, 3), "float32")))
    total = first.count_params() + second.count_params()
    assert questions.expected("params", "depth=2&return_state=true") == total
    lesson = lessons.find("stacking")
    text = lessons.render(lesson, text=lesson.questions[2].explain)
    assert f"{total:,}" in text and "features × units" in text and "units × units + units × units" in text


def test_a_conv1d_drops_the_mask_and_a_dense_keeps_it_as_the_lessons_say():
    printed = lessons.snippet_output("layers-around-an-lstm", "around")
    assert (printed["conv_mask"], printed["dense_mask"]) == ("False", "True")
    masks = lessons.snippet_output("masks-through-layers", "masks")
    assert (masks["conv_keeps"], masks["flatten_keeps"], masks["dense_keeps"]) == ("False", "False", "True")
    assert float(masks["pooled_difference"]) == 0


def test_why_return_the_states_says_when_the_decoder_doubles_and_how_inference_loops():
    text = " ".join(lessons.render(lessons.find("why-return-the-states")).split())
    assert "started from the concatenated states must have twice" in text and "one step at a time" in text


def test_windowing_pairs_each_window_with_the_steps_after_it_and_a_per_step_head_does_not_fit_a_horizon():
    import keras

    series = np.arange(30, dtype="float32").reshape(-1, 1)
    windows = keras.utils.timeseries_dataset_from_array(series[:-10], series[10:, 0], sequence_length=10,
                                                        batch_size=64)
    x, y = next(iter(windows))
    assert tuple(x.shape) == (11, 10, 1) and float(y[0]) == 10.0  # the step right after the first window
    printed = lessons.snippet_output("windowing-a-series", "windows")
    assert printed["x"] == "(32, 10, 1)" and printed["windows"] == str(100 - 2 * 10 + 1)
    assert printed["target_check"] == "True" and "Incompatible shapes" in printed["every_fit"]
    assert printed["last"] == printed["horizon_y"] != printed["every"]
    right, why = graded("windowing-a-series", 3, "(32, 3)")
    assert not right and "Dense acts at every step" in why


def test_the_inference_loop_reuses_the_trained_layers_and_reproduces_teacher_forcing():
    printed = lessons.snippet_output("encoder-decoder-inference", "inference")
    assert printed["params"] == printed["decoder_params"]  # the same layers, not a copy
    assert float(printed["same_as_training"]) <= 1e-5
    assert printed["step_returns"].startswith("(4, 1, 1)") and printed["predicted"] == "(4, 6, 1)"
    right, why = graded("encoder-decoder-inference", 3, "8,770")
    assert not right and "same weights" in why


def test_pooling_reads_any_length_flatten_one_and_attention_weights_sum_to_one():
    printed = lessons.snippet_output("what-to-do-with-whole-seq", "whole")
    assert printed["pooled"] == printed["pooled_longer"] == "(4, 16)"
    assert printed["flat_longer"].startswith("ValueError") and printed["flat_head_params"] == str(10 * 16 + 1)
    assert printed["scores"] == "(4, 1, 10)" and float(printed["scores_sum"]) == 1.0
    right, why = graded("what-to-do-with-whole-seq", 2, "17")
    assert not right and "side by side" in why


def test_a_pytorch_learner_is_read_and_told_pytorchs_second_bias():
    import keras

    layer = keras.layers.LSTM(64)
    layer(np.zeros((1, 10, 3), "float32"))
    assert [w.shape for w in layer.weights][2] == (4 * 64,)  # one bias vector, four blocks
    two_biases = layer.count_params() + 4 * 64  # PyTorch's documented bias_ih + bias_hh
    right, why = graded("from-pytorch", 1, f"{two_biases:,}")
    assert not right and "one bias per block" in why
    assert graded("from-pytorch", 2, "out, h_n, c_n")[0]


# the layers a class is shown most, with each flag either way: the hints without telling are swept over them
SWEPT = [f"layer={layer}&units=8&timesteps=5&features=3&batch=4&return_sequences={seq}&return_state={state}{more}"
         for layer in ("lstm", "gru") for seq in ("true", "false") for state in ("true", "false")
         for more in ("", "&bidirectional=true")] + [f"{LSTM_STATE}&head=dense&head_units=2"]


def _wrong_answers(kind: str, query: str, right) -> list[str]:
    """Typical wrong answers of a kind: every other count, the same layer's shapes with the flags flipped, the
    names reordered or cut, a count off by a plain layer's usual mistakes."""
    if kind == "count":
        return [str(n) for n in range(1, 8) if n != right]
    if kind == "names":
        return [", ".join(order) for order in (right[::-1], right[:1], right[:-1], [right[0], *right[1:][::-1]])
                if list(order) != right]
    if kind == "params":
        return [str(n) for n in (right * 2, right // 2, right + 8 * 4, right + 8, right * 5) if n != right]
    flipped = (lessons.combine(query, f"return_sequences={seq}&return_state={state}")
               for seq in ("true", "false") for state in ("true", "false"))
    return [questions.written("shapes", questions.expected("shapes", q)) for q in flipped] + [
        questions.written("shapes", [s[1:] for s in right])]


@pytest.mark.parametrize("kind", ["count", "names", "params", "shapes"])
def test_no_hint_without_telling_says_how_many_the_order_or_a_number_of_the_answer(kind):
    checked = 0
    for query in SWEPT:
        right = questions.expected(kind, query)
        for wrong in _wrong_answers(kind, query, right):
            ok, hidden = questions.grade(kind, wrong, query, tell=False)
            if ok:
                continue
            checked += 1
            assert questions.implied(kind, hidden, wrong, right) == "", (query, wrong, hidden)
    assert checked >= 40


def test_a_count_hint_without_telling_names_the_rule_but_no_quantity():
    right, hidden = questions.grade("count", "2", LSTM_STATE, tell=False)
    assert not right and "return_state" in hidden and "state" in hidden
    assert not questions.NUMBER_WORDS.search(hidden.replace("not 2:", "")), hidden
    assert "two states" in questions.grade("count", "2", LSTM_STATE)[1]  # told after the reveal


@pytest.mark.parametrize("kind, hint, typed, right, found", [
    ("count", "Not 2: an LSTM has two states, h and c, and return_state returns both.", "2", 3, "how many"),
    ("names", "Keras returns h before c.", "output, state_c, state_h", ["output", "state_h", "state_c"], "order"),
    ("shapes", "Not (32, 10, 16). Dense(5) replaces the last axis with its 5 units.", "(32, 10, 16)", [(32, 10, 5)],
     "names 5"),
    ("params", "Every block has a bias too: + blocks × units.", "1536", 1568, "by how much"),
    ("shapes", "Not (32, 10, 16). Dense replaces the last axis with its own units.", "(32, 10, 16)", [(32, 10, 5)],
     ""),
])
def test_implied_finds_a_hint_that_gives_the_answer_away(kind, hint, typed, right, found):
    said = questions.implied(kind, hint, typed, right)
    assert (found in said) if found else said == ""


def test_a_bidirectional_grus_states_in_the_wrong_order_are_told_the_directions_rule():
    query = "layer=gru&bidirectional=true&return_state=true"
    assert questions.expected("names", query) == ["output", "forward_h", "backward_h"]
    for tell in (True, False):
        right, why = questions.grade("names", "output, backward_h, forward_h", query, tell=tell)
        assert not right and ("directions" in why or "direction's" in why)


def test_padding_lesson_says_cudnn_takes_only_right_padded_masks_as_keras_checks_them():
    import importlib

    import keras

    tf_rnn = importlib.import_module("keras.src.backend.tensorflow.rnn")
    sequences = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]]
    pre, post = (keras.utils.pad_sequences(sequences, padding=p) != 0 for p in ("pre", "post"))
    assert (keras.utils.pad_sequences(sequences) != 0).tolist() == pre.tolist()  # pre-padding is the default
    assert not bool(tf_rnn._is_sequence_right_padded(pre)) and bool(tf_rnn._is_sequence_right_padded(post))
    quoted = "inputs, if use masking, are strictly right-padded"
    assert quoted in " ".join(keras.layers.LSTM.__doc__.split()).lower()
    text = " ".join(lessons.render(lessons.find("padding-and-masking")).split())
    assert quoted in text and "the default of `pad_sequences`" in text and 'padding="post"' in text


def test_a_malformed_equality_answer_is_told_the_format_not_the_answer():
    """One name alone gets the format, never an example that is the right answer itself."""
    right = questions.expected("equal", "return_state=true")
    told = questions.typed("equal", "output", right, parse("return_state=true").config)
    assert isinstance(told, str) and "=" in told
    assert right and all(" = ".join(group) not in told for group in right)
