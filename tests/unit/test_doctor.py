"""The shape doctor against the installed Keras: the learners' examples, each explanation it gives, its limits,
and its command line. Expected shapes and messages come from Keras itself, built here directly."""

from __future__ import annotations

import ast
import json
import re
import warnings
from functools import lru_cache
from pathlib import Path

import keras
import numpy as np
import pytest

from rnnlab import doctor
from rnnlab.doctor import catalogue, examples
from rnnlab.doctor.reading import MAX_CODE_CHARS, MAX_DIM, MAX_LAYERS, DoctorInputError
from rnnlab.doctor.report import text
from rnnlab.doctor.trial import unpack_error
from tests.conftest import ROOT
from tests.helpers import cli, run_fixed

L = keras.layers


def example(number: int) -> examples.Example:
    return examples.all_examples()[number - 1]


@lru_cache(maxsize=None)
def diagnosed(number: int):
    ex = example(number)
    return doctor.diagnose(ex.code, ex.x_shape, ex.y_shape, ex.loss)


def kinds(diagnosis) -> list[str]:
    return [p.kind for p in diagnosis.problems]


def problem(diagnosis, kind: str):
    return next(p for p in diagnosis.problems if p.kind == kind)


def shapes(diagnosis) -> list[list[tuple]]:
    return [list(row.shapes) if row.shapes else None for row in diagnosis.layer_shapes]


def keras_shapes(model: keras.Model) -> list[list[tuple]]:
    """Every layer's output shape(s), as Keras reports them, the input first."""
    rows = [[tuple(model.inputs[0].shape)]]
    for layer in model.layers:
        out = layer.output
        rows.append([tuple(t.shape) for t in out] if isinstance(out, (tuple, list)) else [tuple(out.shape)])
    return rows


def unnumbered(message: str) -> str:
    """Keras's message without the running numbers in layer names (lstm_12 -> lstm)."""
    return re.sub(r"(\w)_\d+\b", r"\1", message or "")


def keras_error(build) -> str:
    with pytest.raises(Exception) as caught:
        build()
    return str(caught.value)


def test_every_example_file_says_what_to_diagnose_it_against():
    found = examples.all_examples()
    assert [e.slug[:2] for e in found] == ["01", "02", "03", "04", "05"]
    for ex in found:
        assert ex.title and doctor.parse_shape(ex.x_shape)
        assert ex.code.startswith("# Shape doctor example:")


# --- 1: LSTM(return_sequences=True) -> Dense(1) against y (118, 1) -----------------------------

def test_example_1_finds_the_sequence_output_that_keras_trains_silently():
    d = diagnosed(1)
    assert d.verdict == "problem"
    assert problem(d, "last_layer_returns_sequences").line == 10
    assert problem(d, "input_shape_argument").severity == "warning"
    assert d.keras_error is None
    assert "Do not pass an `input_shape`" in " ".join(d.keras_warnings)
    assert "512 → " in " ".join(d.notes)


def test_example_1_layer_shapes_are_keras_own_at_the_learners_sizes():
    model = keras.Sequential([keras.Input((45, 2)), L.LSTM(512, return_sequences=True),
                              L.LSTM(512, return_sequences=True), L.Dense(1)])
    assert shapes(diagnosed(1)) == keras_shapes(model)


def test_example_1_keras_really_broadcasts_y_over_the_timesteps_under_mse():
    model = keras.Sequential([keras.Input((45, 2)), L.LSTM(8, return_sequences=True),
                              L.LSTM(8, return_sequences=True), L.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.random.default_rng(0).normal(size=(4, 45, 2)), np.random.default_rng(1).normal(size=(4, 1))
    loss = model.evaluate(x, y, verbose=0)
    prediction = model.predict(x, verbose=0)
    assert prediction.shape == (4, 45, 1)
    assert loss == pytest.approx(np.mean((prediction - y[:, None, :]) ** 2), rel=1e-4)
    assert np.isfinite(model.train_on_batch(x, y))


def test_example_1_fix_is_built_checked_and_runs_as_printed():
    d = diagnosed(1)
    assert "model.add(keras.layers.LSTM(512))  # no return_sequences" in d.fixed_code
    assert "input_shape" not in "\n".join(line.split("#")[0] for line in d.fixed_code.splitlines())
    assert d.verification.summary.startswith("built: output (None, 1) matches y (118, 1); one training step ran")
    assert d.verification.trained and d.verification.matches_y
    assert d.fixed_output_shape == [1]
    assert run_fixed(d.fixed_code, warnings_fail=True)["model"].output_shape == (None, 1)


# --- 2: the batch axis inside input_shape ---------------------------------------------------------

def test_example_2_batch_axis_in_input_shape():
    d = diagnosed(2)
    assert {"batch_in_input_shape", "last_layer_returns_sequences"} <= set(kinds(d))
    said = keras_error(lambda: keras.Sequential([L.LSTM(100, input_shape=(1, 6, 30), return_sequences=True),
                                                 L.Dense(1, activation="sigmoid")]))
    assert unnumbered(d.keras_error) == unnumbered(said)
    assert "keras.Input(shape=(6, 30))" in d.fixed_code
    assert d.verification.matches_y and d.verification.trained
    assert run_fixed(d.fixed_code, warnings_fail=True)["model"].output_shape == (None, 1)


# --- 3: LSTM -> LSTM without return_sequences ------------------------------------------------------

def test_example_3_first_lstm_must_return_sequences():
    d = diagnosed(3)
    assert problem(d, "inner_layer_needs_sequences").line == 9
    said = keras_error(lambda: keras.Sequential([keras.Input((20, 8)), L.LSTM(100), L.LSTM(100), L.Dense(1)]))
    assert unnumbered(d.keras_error) == unnumbered(said)
    assert d.layer_shapes[1].shapes == ((None, 100),) and d.layer_shapes[2].note.startswith("Keras: ")
    assert d.layer_shapes[3].note == "not reached"
    assert "keras.layers.LSTM(100, return_sequences=True)" in d.fixed_code
    assert run_fixed(d.fixed_code, warnings_fail=True)["model"].output_shape == (None, 1)


# --- 4: batch_input_shape and model.reset_states ---------------------------------------------------

def test_example_4_batch_input_shape_is_refused_by_keras_3():
    d = diagnosed(4)
    said = keras_error(lambda: L.LSTM(4, batch_input_shape=(1, 1, 7), stateful=True))
    assert d.keras_error == said
    assert {"batch_input_shape_removed", "model_reset_states"} <= set(kinds(d))
    assert "keras.Input(batch_shape=(1, 1, 7))" in d.fixed_code and "layer.reset_state()" in d.fixed_code
    assert "The loop on line 12 is read once." in d.notes
    model = run_fixed(d.fixed_code, warnings_fail=True)["model"]
    assert model.output_shape == (1, 1) and model.layers[0].stateful


def test_keras_3_models_have_no_reset_states():
    said = keras_error(lambda: keras.Sequential([keras.Input((5, 3)), L.LSTM(2)]).reset_states())
    d = doctor.diagnose("model = Sequential([Input(batch_shape=(2, 5, 3)), LSTM(4, stateful=True), Dense(1)])\n"
                        "model.reset_states()", "10,5,3", "10,1", "mse")
    assert not hasattr(keras.Model, "reset_states") and hasattr(L.LSTM, "reset_state")
    assert problem(d, "model_reset_states").line == 2
    assert d.keras_error == said


# --- 5: what Bidirectional(LSTM(return_state=True)) returns ---------------------------------------

def test_example_5_bidirectional_returns_five_tensors():
    d = diagnosed(5)
    returned = L.Bidirectional(L.LSTM(64, return_state=True), merge_mode="mul")(keras.Input((12, 50)))
    with pytest.raises(ValueError) as real:
        a, b, c = tuple(returned)
    assert d.keras_error == str(real.value)
    assert problem(d, "unpack_count").line == 7
    assert "encoder_outputs, forward_h, forward_c, backward_h, backward_c = encoder(encoder_inputs)" in d.fixed_code
    assert d.layer_shapes[1].shapes == tuple(tuple(t.shape) for t in returned)
    assert d.fixed_output_shape == [list(t.shape[1:]) for t in returned]
    assert "one training step ran" in d.verification.summary  # on targets of the outputs' own shapes
    assert len(run_fixed(d.fixed_code, warnings_fail=True)) > len(returned)


def test_unpack_errors_are_pythons_own():
    for values, count in [((1, 2, 3, 4, 5), 3), ((1, 2), 3), ((1, 2, 3), 3)]:
        try:
            exec(f"{', '.join('abcdef'[:count])} = values", {"values": values})  # Python's message to compare
            expected = None
        except ValueError as err:
            expected = str(err)
        assert unpack_error(values, count) == expected


# --- the doctor's own cases ------------------------------------------------------------------------

CORRECT = """import keras
inputs = keras.Input(shape=(45, 2))
x = keras.layers.LSTM(16)(inputs)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
"""


def test_a_correct_model_has_no_problems():
    d = doctor.diagnose(CORRECT, "118,45,2", "118,1")
    assert d.verdict == "ok" and d.problems == () and d.keras_error is None
    assert d.fixed_code is None and d.verification is None
    assert d.output_shapes == ((None, 1),) and d.notes == ()


def test_one_unit_with_a_categorical_loss():
    code = ('model = Sequential([Input(shape=(10, 3)), LSTM(8), Dense(1, activation="softmax")])\n'
            'model.compile(loss="categorical_crossentropy", optimizer="adam")')
    d = doctor.diagnose(code, "50,10,3", "50,1")
    assert kinds(d) == ["one_unit_categorical"] and d.keras_error is None
    model = keras.Sequential([keras.Input((10, 3)), L.LSTM(8), L.Dense(1, activation="softmax")])
    x = np.random.default_rng(0).normal(size=(4, 10, 3))
    np.testing.assert_allclose(model.predict(x, verbose=0), 1.0)  # a softmax over one unit is always 1
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert np.isfinite(model.train_on_batch(x, np.ones((4, 1))))  # Keras only warns
    assert "loss='binary_crossentropy'" in d.fixed_code and "activation='sigmoid'" in d.fixed_code
    assert d.verification.trained and d.verification.matches_y


def test_integer_labels_with_categorical_crossentropy():
    d = doctor.diagnose('model = Sequential([Input((18, 3)), LSTM(8), Dense(5, activation="softmax")])\n'
                        'model.compile(loss="categorical_crossentropy")', "9,18,3", "9,1")
    assert kinds(d) == ["integer_labels_with_categorical"]
    assert "sparse_categorical_crossentropy" in d.fixed_code and d.verification.trained


def test_stateful_batch_that_does_not_divide_the_samples():
    code = ("model = keras.Sequential()\nmodel.add(keras.Input(batch_shape=(4, 5, 3)))\n"
            "model.add(keras.layers.LSTM(8, stateful=True))\nmodel.add(keras.layers.Dense(1))\n"
            "model.compile(loss='mse', optimizer='adam')\nmodel.fit(X, y, batch_size=4, epochs=10, shuffle=False)")
    d = doctor.diagnose(code, "10,5,3", "10,1")
    assert kinds(d) == ["stateful_batch_does_not_divide"]
    assert "keras.Input(batch_shape=(2, 5, 3))" in d.fixed_code and "batch_size=2, shuffle=False" in d.fixed_code
    # the trial ran the last, partial batch as fit would, and Keras refused it
    assert "Incompatible shapes" in d.keras_error and "File " not in d.keras_error
    assert d.keras_error in problem(d, "stateful_batch_does_not_divide").message
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 3)), L.LSTM(8, stateful=True), L.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(Exception, match="Incompatible shapes"):
        model.fit(np.zeros((10, 5, 3)), np.zeros((10, 1)), batch_size=4, shuffle=False, verbose=0)


def test_stateful_last_batch_of_one_sample_runs_silently():
    d = doctor.diagnose("model = Sequential([Input(batch_shape=(2, 5, 3)), LSTM(8, stateful=True), Dense(1)])",
                        "5,5,3", "5,1", "mse")
    assert kinds(d) == ["stateful_batch_does_not_divide"] and d.keras_error is None
    assert "without an error" in d.problems[0].message
    model = keras.Sequential([keras.Input(batch_shape=(2, 5, 3)), L.LSTM(8, stateful=True), L.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((5, 5, 3)), np.zeros((5, 1)), batch_size=2, shuffle=False, verbose=0)
    assert model.predict(np.zeros((5, 5, 3)), batch_size=2, verbose=0).shape == (6, 1)  # one row too many


def test_stateful_without_a_fixed_batch_size():
    d = doctor.diagnose("model = Sequential([Input((5, 3)), GRU(8, stateful=True), Dense(1)])\n"
                        "model.fit(X, y, batch_size=5)", "20,5,3", "20,1", "mse")
    said = keras_error(lambda: keras.Sequential([keras.Input((5, 3)), L.GRU(8, stateful=True)]))
    assert unnumbered(d.keras_error) == unnumbered(said)
    assert {"stateful_needs_batch_size", "stateful_shuffle"} <= set(kinds(d))
    assert "keras.Input(batch_shape=(5, 5, 3))" in d.fixed_code and d.verification.trained


@pytest.mark.parametrize("name", sorted(set(catalogue.RENAMED) | set(catalogue.MISSPELT)))
def test_keras_3_refuses_every_old_argument_name_the_doctor_translates(name):
    with pytest.raises((ValueError, TypeError)):
        L.LSTM(**({} if name == "output_dim" else {"units": 4}), **{name: 1})


def test_keras_1_arguments_are_translated_and_the_result_checked():
    code = ("model = Sequential()\n"
            "model.add(LSTM(output_dim=32, input_dim=3, input_length=10, return_sequence=True, dropout_W=0.2, "
            "dropout_U=0.2, init='glorot_uniform'))\n"
            "model.add(TimeDistributed(Dense(1)))\n"
            "model.compile(loss='mse', optimizer=Adam(lr=0.001))")
    d = doctor.diagnose(code, "20,10,3", "20,10,1")
    assert {"keras1_argument", "misspelt_argument", "input_argument_removed", "optimizer_lr_removed"} <= set(kinds(d))
    assert unnumbered(d.keras_error) == unnumbered(keras_error(lambda: L.LSTM(output_dim=32)))
    model = run_fixed(d.fixed_code, warnings_fail=True)["model"]
    lstm = model.layers[0]
    assert (lstm.units, lstm.return_sequences, lstm.dropout, lstm.recurrent_dropout) == (32, True, 0.2, 0.2)
    assert d.verification.matches_y and d.verification.trained


def test_input_dim_on_an_lstm_becomes_a_sample_without_a_time_axis():
    said = keras_error(lambda: keras.Sequential([L.LSTM(4, input_dim=7), L.Dense(1)]))
    assert "ndim=2" in said
    d = doctor.diagnose("model = Sequential([LSTM(4, input_dim=7), Dense(1)])", "100,1,7", "100,1", "mse")
    assert kinds(d) == ["input_argument_removed"] and "keras.Input(shape=(1, 7))" in d.fixed_code


@pytest.mark.parametrize("layer, names", [("GRU", "out, h"), ("LSTM", "out, h, c"), ("SimpleRNN", "out, h")])
def test_unpacking_the_right_number_of_names(layer, names):
    returned = getattr(L, layer)(4, return_state=True)(keras.Input((5, 3)))
    assert len(returned) == len(names.split(", "))
    code = f"inp = Input((5, 3))\n{names} = {layer}(4, return_state=True)(inp)\nmodel = Model(inp, Dense(1)(out))"
    d = doctor.diagnose(code, "7,5,3", "7,1", "mse")
    assert d.problems == () and d.layer_shapes[1].shapes == tuple(tuple(t.shape) for t in returned)


def test_unpacking_the_wrong_number_of_names():
    code = ("inp = Input(shape=(5, 3))\nout, h, c = GRU(4, return_state=True)(inp)\n"
            "o2, s2, c2 = LSTM(4)(inp)\nmodel = Model(inp, Dense(1)(out))")
    d = doctor.diagnose(code, "7,5,3", "7,1", "mse")
    assert [(p.kind, p.line) for p in d.problems] == [("unpack_count", 2), ("unpack_count", 3)]
    assert "out, h = keras.layers.GRU(4, return_state=True)(inp)" in d.fixed_code
    assert "o2, s2, c2 = keras.layers.LSTM(4, return_state=True)(inp)" in d.fixed_code
    assert d.keras_error == "not enough values to unpack (expected 3, got 2)"
    run_fixed(d.fixed_code, warnings_fail=True)


def test_go_backwards_outputs_merged_without_flipping():
    code = ("inp = keras.Input(shape=(6, 2))\nfwd = layers.LSTM(4, return_sequences=True)(inp)\n"
            "bwd = layers.LSTM(4, return_sequences=True, go_backwards=True)(inp)\n"
            "merged = layers.add([fwd, bwd])\nout = layers.TimeDistributed(layers.Dense(1))(merged)\n"
            "model = keras.Model(inp, out)")
    d = doctor.diagnose(code, "9,6,2", "9,6,1", "mse")
    assert kinds(d) == ["go_backwards_not_flipped"] and problem(d, "go_backwards_not_flipped").line == 4
    assert "bwd_flipped = keras.ops.flip(bwd, axis=1)" in d.fixed_code and d.verification.trained
    # what the message says: unflipped, the sum is not what Bidirectional computes; flipped, it is
    x = np.random.default_rng(0).normal(size=(3, 6, 2)).astype("float32")
    forward, backward = L.LSTM(4, return_sequences=True), L.LSTM(4, return_sequences=True, go_backwards=True)
    both = L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode="sum")
    f, b, expected = forward(x), backward(x), both(x)
    both.forward_layer.set_weights(forward.get_weights())
    both.backward_layer.set_weights(backward.get_weights())
    expected = np.asarray(both(x))
    assert not np.allclose(np.asarray(f + b), expected, atol=1e-5)
    np.testing.assert_allclose(np.asarray(f + keras.ops.flip(b, axis=1)), expected, atol=1e-5)


def test_return_state_inside_a_sequential():
    d = doctor.diagnose("model = Sequential()\nmodel.add(LSTM(64, input_shape=(10, 3), return_state=True))\n"
                        "model.add(Dense(1))", "9,10,3", "9,1", "mse")
    assert "states_into_layer" in kinds(d) and "expects 1 input(s)" in d.keras_error
    assert "model.add(keras.layers.LSTM(64))  #" in d.fixed_code and d.verification.trained


def test_y_with_a_time_axis_and_an_output_without():
    d = doctor.diagnose("model = Sequential([Input((18, 3)), LSTM(8), Dense(1)])", "9,18,3", "9,18,1", "mse")
    assert kinds(d) == ["target_is_a_sequence"] and d.verification.matches_y
    model = keras.Sequential([keras.Input((18, 3)), L.LSTM(8), L.Dense(1)])
    model.compile(loss="mse")
    assert np.isfinite(model.train_on_batch(np.zeros((2, 18, 3)), np.zeros((2, 18, 1))))  # silent in Keras 3


def test_x_with_other_timesteps_than_the_input():
    d = doctor.diagnose("model = Sequential([Input((15, 2)), LSTM(8), Dense(1)])", "9,16,2", "9,1", "mse")
    assert kinds(d) == ["input_vs_x"] and "keras.Input(shape=(16, 2))" in d.fixed_code


def test_every_layer_the_doctor_reads_gets_keras_own_shape():
    code = """from keras import layers
inp = layers.Input(shape=(20, 3))
m = layers.Masking(mask_value=0.0)(inp)
enc = layers.LSTM(16)(m)
rep = layers.RepeatVector(5)(enc)
dec = layers.SimpleRNN(16, return_sequences=True)(rep)
act = layers.Activation("tanh")(dec)
drop = layers.Dropout(0.1)(act)
both = layers.Concatenate()([drop, layers.TimeDistributed(layers.Dense(4))(drop)])
summed = layers.Add()([both, both])
flat = layers.Flatten()(summed)
twice = layers.concatenate([flat, flat])
out = layers.Dense(1)(twice)
model = keras.Model(inp, out)
"""
    d = doctor.diagnose(code, "30,20,3", "30,1", "mse")
    assert d.problems == () and not d.not_read
    namespace = {"keras": keras}
    exec(compile(code, "<test model>", "exec"), namespace)  # the test's own model, built to compare with
    model = namespace["model"]
    assert [row.shapes[0] for row in d.layer_shapes] == [tuple(layer.output.shape) for layer in model.layers]


def test_input_shape_on_a_later_layer_is_ignored_by_keras():
    d = doctor.diagnose("model = Sequential([Input((7,)), Embedding(500, 10), LSTM(20, input_shape=(32, 1)), "
                        "Dense(1)])", "16,7", "16,1", "mse")
    assert kinds(d) == ["ignored_input_shape"] and d.verdict == "ok"
    model = keras.Sequential([keras.Input((7,)), L.Embedding(500, 10), L.LSTM(20, input_shape=(32, 1)), L.Dense(1)])
    assert model.layers[1].get_weights()[0].shape == (10, 4 * 20)  # built on the Embedding's output, not (32, 1)


def test_merge_mode_none_and_go_backwards_inside_bidirectional():
    d = doctor.diagnose("model = Sequential([Input((20, 4)), Bidirectional(LSTM(8, go_backwards=True), "
                        "merge_mode=None), Dense(1)])", "10,20,4", "10,1", "mse")
    assert kinds(d) == ["go_backwards_in_bidirectional", "merge_mode_none_into_layer"]
    assert "keras.layers.Bidirectional(keras.layers.LSTM(8))" in d.fixed_code and d.verification.trained
    said = keras_error(lambda: L.Bidirectional(L.LSTM(8, go_backwards=True))(keras.Input((20, 4))))
    assert unnumbered(d.keras_error) == unnumbered(said)


def test_the_last_timestep_taken_by_slicing():
    code = ("inp = Input((20, 4))\nseq = LSTM(8, return_sequences=True)(inp)\nlast = seq[:, -1, :]\n"
            "model = Model(inp, Dense(1)(last))")
    d = doctor.diagnose(code, "10,20,4", "10,1", "mse")
    inp = keras.Input((20, 4))
    last = L.LSTM(8, return_sequences=True)(inp)[:, -1, :]
    assert d.problems == () and d.layer_shapes[2].shapes == (tuple(last.shape),)


def test_embedding_with_input_length_and_sparse_labels():
    code = ("model = Sequential()\nmodel.add(Embedding(5000, 64, input_length=100))\n"
            "model.add(Bidirectional(LSTM(32)))\nmodel.add(Dense(3, activation='softmax'))\n"
            "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')")
    d = doctor.diagnose(code, "64,100", "64")
    assert d.verdict == "ok" and kinds(d) == ["input_shape_argument"]
    model = keras.Sequential([keras.Input((100,)), L.Embedding(5000, 64), L.Bidirectional(L.LSTM(32)),
                              L.Dense(3, activation="softmax")])
    assert shapes(d) == keras_shapes(model)
    assert d.verification.trained and d.verification.matches_y


@pytest.mark.parametrize("prefix", ["", "layers.", "keras.layers.", "tf.keras.layers.", "tensorflow.keras.layers."])
def test_the_prefixes_learners_use(prefix):
    code = (f"model = {prefix.replace('layers.', 'models.') or ''}Sequential()\n"
            f"model.add({prefix}LSTM(8, input_shape=(5, 3), return_sequences=True))\nmodel.add({prefix}Dense(1))")
    d = doctor.diagnose(code, "9,5,3", "9,1", "mse")
    assert kinds(d) == ["input_shape_argument", "last_layer_returns_sequences"]


def test_a_model_built_in_a_function_is_read_with_its_default_arguments():
    code = ("def build_model(units=32, steps=10):\n    model = Sequential()\n"
            "    model.add(LSTM(units, input_shape=(steps, 4)))\n    model.add(Dense(1))\n    return model\n")
    d = doctor.diagnose(code, "9,10,4", "9,1", "mse")
    assert d.layer_shapes[1].layer == "LSTM(32)" and d.verdict == "ok"


# --- pasted code is read, never run ------------------------------------------------------------------

def test_pasted_commands_are_reported_and_never_run(tmp_path: Path):
    marks = [tmp_path / f"ran-{i}" for i in range(5)]
    code = f"""import os, subprocess
os.system("touch {marks[0]}")
open("{marks[1]}", "w").write("x")
__import__("os").system("touch {marks[2]}")
exec("open('{marks[3]}', 'w')")
subprocess.run(["touch", "{marks[4]}"])
model = Sequential()
model.add(LSTM(100, input_shape=(20, 8)))
model.add(LSTM(100))
model.add(Dense(1))
"""
    d = doctor.diagnose(code, "64,20,8", "64,1", "mse")
    assert not any(mark.exists() for mark in marks)
    assert [n.line for n in d.not_read] == [2, 3, 4, 5, 6]
    assert all("never runs it" in n.reason for n in d.not_read)
    assert "inner_layer_needs_sequences" in kinds(d)  # the rest is still diagnosed


def test_the_doctor_has_no_way_to_run_code():
    for path in (ROOT / "rnnlab" / "doctor").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                    for a in n.names} | {n.module.split(".")[0] for n in ast.walk(tree)
                                         if isinstance(n, ast.ImportFrom) and n.module}
        assert not called & {"exec", "eval", "compile", "__import__", "open"}, path
        assert not imported & {"pickle", "marshal", "subprocess", "os", "importlib", "runpy"}, path


# --- unusable input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code, x, y, loss, reason", [
    ("model = Sequential([LSTM(3), Dense(1)", "9,5,3", None, None, "line 1"),
    ("x = 1\ny = (\n", "9,5,3", None, None, "line 2"),
    ("   \n", "9,5,3", None, None, "empty"),
    ("a = 1\n" * (MAX_CODE_CHARS // 6 + 1), "9,5,3", None, None, "characters"),
    ("model = Sequential([" + "Dense(4), " * (MAX_LAYERS + 1) + "])", "9,5", None, None, "layers"),
    (f"model = Sequential([LSTM({MAX_DIM + 1})])", "9,5,3", None, None, "size"),
    ("print('hello')", "9,5,3", None, None, "no Keras layers"),
    (CORRECT, "118", None, None, "axes"),
    (CORRECT, "118,45,x", None, None, "whole numbers"),
    (CORRECT, "118,0,2", None, None, "between"),
    (CORRECT, "118,45,2", "118,1", "mean_sqared_error", "not a Keras loss"),
])
def test_unusable_input_is_refused_with_a_reason(code, x, y, loss, reason):
    with pytest.raises(DoctorInputError, match=reason):
        doctor.diagnose(code, x, y, loss)


def test_the_report_reads_like_the_json():
    d = diagnosed(1)
    report = text(d)
    assert report.startswith("Verdict: problem (1 problem, 1 warning)")
    assert "last_layer_returns_sequences (line 10)" in report and d.verification.summary in report
    assert "(None, 45, 512)" in report


# --- the command line -----------------------------------------------------------------------------

def test_cli_json_for_example_1():
    path = example(1)
    proc = cli("doctor", "--x-shape", "118,45,2", "--y-shape", "118,1", "--loss", "mse", "--code-file",
               str(examples.EXAMPLES / f"{path.slug}.py"), "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert {"verdict", "problems", "keras_error", "layer_shapes", "fixed_code", "fixed_output_shape"} <= set(result)
    assert result["verdict"] == "problem" and result["keras_error"] is None
    assert {"kind": "last_layer_returns_sequences", "line": 10} in [{k: p[k] for k in ("kind", "line")}
                                                                    for p in result["problems"]]
    assert all(set(p) >= {"kind", "message", "line"} for p in result["problems"])
    assert result["layer_shapes"][-1]["output_shapes"] == [[None, 45, 1]]
    assert result["fixed_output_shape"] == [1] and "keras.Input(shape=(45, 2))" in result["fixed_code"]
    assert result["fix"] == "; ".join(p["fix"] for p in result["problems"])  # the rules' repairs, named


def test_a_fixed_code_always_says_what_changed():
    for n in range(1, len(examples.all_examples()) + 1):
        d = diagnosed(n)
        assert not d.fixed_code or d.fix_what, n


def test_the_check_of_a_fix_says_in_plain_words_what_ran():
    summary = diagnosed(1).verification.summary
    assert re.search(r"one training step ran on zeros shaped like X and y \(loss [-0-9.e]+\): it checks that "
                     "Keras can train the model, not what the model learns", summary)
    assert "with smaller sizes to stay quick (512 → 129), every axis kept" in summary
    note = next(n for n in diagnosed(1).notes if "512 → " in n)
    assert "with its largest sizes made smaller (512 → 129) and every axis kept" in note and "at your sizes" in note


def test_keras_warnings_are_shown_with_the_code_they_are_about():
    d = diagnosed(1)
    assert any("input_shape" in w for w in d.keras_warnings) and d.verification.warnings == ()
    report = text(d)
    assert report.index("Keras warns about your code: ") < report.index("Fixed code (")
    assert "Keras warns about the fixed code" not in report


def test_cli_reads_code_from_stdin_and_prints_a_report():
    proc = cli("doctor", "--x-shape", "64,20,8", "--y-shape", "64,1", "--code-file", "-", stdin=example(3).code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("Verdict: problem") and "inner_layer_needs_sequences (line 9)" in proc.stdout


@pytest.mark.parametrize("args, stdin", [
    (("--x-shape", "118,a,2", "--code", "model = Sequential([Dense(1)])"), None),
    (("--x-shape", "118,45,2", "--code-file", "/no/such/file.py"), None),
    (("--x-shape", "118,45,2", "--code", ""), None),
    (("--x-shape", "118,45,2", "--code-file", "-"), "a = 1\n" * (MAX_CODE_CHARS // 6 + 1)),
    (("--x-shape", "118,45,2", "--code", "model = Sequential([LSTM(3)"), None),
    (("--x-shape", "118,45,2"), None),
])
def test_cli_exits_2_on_unusable_input_without_a_traceback(args, stdin):
    proc = cli("doctor", *args, stdin=stdin)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert proc.stderr.strip()


# --- mistakes from the measured learner cases (benchmarks/doctor_cases/) ----------------------------

CASES = ROOT / "benchmarks" / "doctor_cases"


def diagnosed_case(slug: str):
    ex = examples.read(CASES / f"{slug}.py")
    return doctor.diagnose(ex.code, ex.x_shape, ex.y_shape, ex.loss)


def test_merge_of_branches_with_different_units():
    code = ("inp = Input(shape=(12, 8))\na = LSTM(32)(inp)\nb = LSTM(64)(inp)\nmerged = add([a, b])\n"
            "model = Model(inp, Dense(1)(merged))")
    d = doctor.diagnose(code, "256,12,8", "256,1", "mse")
    inp = keras.Input((12, 8))
    said = keras_error(lambda: L.add([L.LSTM(32)(inp), L.LSTM(64)(inp)]))
    assert kinds(d) == ["merge_shapes_differ"] and unnumbered(d.keras_error) == unnumbered(said)
    assert "(None, 32), (None, 64)" in d.problems[0].message
    assert "b = keras.layers.LSTM(32)(inp)" in d.fixed_code and d.verification.verified
    assert run_fixed(d.fixed_code, warnings_fail=True)["model"].output_shape == (None, 1)


@pytest.mark.parametrize("y, changed", [("256,1", "seq = keras.layers.LSTM(32)(inp)"),
                                        ("256,12,1", "last = keras.layers.LSTM(32, return_sequences=True)(inp)")])
def test_concatenating_a_sequence_with_a_last_output(y, changed):
    code = ("inp = Input(shape=(12, 8))\nseq = LSTM(32, return_sequences=True)(inp)\nlast = LSTM(32)(inp)\n"
            "both = concatenate([seq, last])\nmodel = Model(inp, Dense(1)(both))")
    d = doctor.diagnose(code, "256,12,8", y, "mse")
    inp = keras.Input((12, 8))
    said = keras_error(lambda: L.concatenate([L.LSTM(32, return_sequences=True)(inp), L.LSTM(32)(inp)]))
    assert kinds(d) == ["merge_shapes_differ"] and unnumbered(d.keras_error) == unnumbered(said)
    assert changed in d.fixed_code and d.verification.verified


def test_one_hot_labels_with_a_sparse_loss():
    d = doctor.diagnose("model = Sequential([Input((30, 5)), GRU(8), Dense(4, activation='softmax')])",
                        "60,30,5", "60,4", "sparse_categorical_crossentropy")
    model = keras.Sequential([keras.Input((30, 5)), L.GRU(8), L.Dense(4, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy")
    said = keras_error(lambda: model.train_on_batch(np.zeros((2, 30, 5)), np.eye(4)[[0, 1]]))
    assert kinds(d) == ["one_hot_labels_with_sparse"] and d.keras_error == said.replace("(2, 4)", "(4, 4)")
    assert "loss='categorical_crossentropy'" in d.fixed_code and d.verification.verified


def test_a_2d_x_into_an_lstm_needs_a_feature_axis():
    d = doctor.diagnose("model = Sequential([Input((30,)), LSTM(50), Dense(1)])", "1000,30", "1000,1", "mse")
    said = keras_error(lambda: keras.Sequential([keras.Input((30,)), L.LSTM(50)]))
    assert "x_needs_feature_axis" in kinds(d) and unnumbered(d.keras_error) == unnumbered(said)
    assert "X.reshape((1000, 30, 1))" in problem(d, "x_needs_feature_axis").fix
    assert "keras.Input(shape=(30, 1))" in d.fixed_code and d.verification.verified
    model = run_fixed(d.fixed_code, warnings_fail=True)["model"]
    model.compile(loss="mse")
    assert np.isfinite(model.train_on_batch(np.zeros((4, 30)), np.zeros((4, 1))))  # Keras adds the axis of 1


def test_x_with_a_trailing_axis_of_one_is_only_a_warning():
    d = doctor.diagnose("model = Sequential([Input((100,)), Embedding(500, 8), LSTM(4), Dense(1)])",
                        "50,100,1", "50,1", "mse")
    assert kinds(d) == ["x_with_extra_axis"] and d.verdict == "ok"
    model = keras.Sequential([keras.Input((100,)), L.Embedding(500, 8), L.LSTM(4), L.Dense(1)])
    model.compile(loss="mse")
    x = np.random.default_rng(0).integers(0, 500, size=(4, 100, 1))
    assert np.isfinite(model.train_on_batch(x, np.zeros((4, 1))))  # Keras drops the axis of 1 itself


def test_fixed_unpacking_keeps_each_name_on_its_tensor():
    d = diagnosed_case("10_bidirectional_gru_five_names")
    assert kinds(d) == ["unpack_count"]
    assert "encoder_outputs, forward_h, backward_h = encoder(encoder_inputs)" in d.fixed_code
    assert "keras.layers.Concatenate()([forward_h, backward_h])" in d.fixed_code
    assert d.verification.verified and run_fixed(d.fixed_code, warnings_fail=True)["state_h"].shape == (None, 256)


def test_merge_mode_none_unpacked_into_one_layer_is_merged_where_it_was_used():
    code = ("inp = Input((10, 3))\nfwd, bwd = Bidirectional(LSTM(8), merge_mode=None)(inp)\n"
            "model = Model(inp, Dense(1)((fwd, bwd)))")
    d = doctor.diagnose(code, "32,10,3", "32,1", "mse")
    assert kinds(d) == ["merge_mode_none_into_layer"]
    assert "fwd = keras.layers.Bidirectional(keras.layers.LSTM(8))(inp)" in d.fixed_code
    assert "keras.layers.Dense(1)(fwd)" in d.fixed_code and d.verification.verified


def test_a_stateful_batch_of_no_samples_is_a_finding_not_a_crash():
    d = doctor.diagnose("model = Sequential([Input(batch_shape=(0, 10, 3)), LSTM(4, stateful=True), Dense(1)])\n"
                        "model.fit(X, y, batch_size=0, shuffle=False)", "32,10,3", "32,1", "mse")
    assert kinds(d) == ["stateful_needs_batch_size"] and "fixes it at `0`" in d.problems[0].message
    assert "keras.Input(batch_shape=(32, 10, 3))" in d.fixed_code and d.verification.verified


@pytest.mark.parametrize("cls", sorted(set(catalogue.POSITIONAL) - set(catalogue.REMOVED_LAYERS)))
def test_the_positional_arguments_the_doctor_reads_are_keras_own(cls):
    import inspect

    made = keras.Input if cls == "Input" else getattr(L, cls).__init__
    names = [p.name for p in inspect.signature(made).parameters.values()
             if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert tuple(names[:len(catalogue.POSITIONAL[cls])]) == catalogue.POSITIONAL[cls]


def test_more_positional_arguments_than_the_doctor_knows_are_noted_not_guessed():
    code = ("model = Sequential([Input(0, 0, 0, 0), LSTM(4, 'relu', input_shape=(10, 3)), "
            "Dense(1, 'relu', False, 'zeros')])")
    d = doctor.diagnose(code, "32,10,3", "32,1", "mse")
    reasons = {n.code: n.reason for n in d.not_read[::-1]}
    assert reasons["Input(0, 0, 0, 0)"].endswith("at most 3 arguments by position (shape, batch_size, dtype); give the "
                                                 "others by name")
    dense = reasons["Dense(1, 'relu', False, 'zeros')"]
    assert "at most 3 arguments by position (units, activation, use_bias)" in dense
    assert [row.layer for row in d.layer_shapes] == ["Input(shape=(10, 3))", "LSTM(4, 'relu')"]  # the rest is read


def test_a_fix_keras_cannot_build_says_so():
    code = "inp = Input((10, 3))\nout, h, c = GRU(4, return_state=True)(inp)\nmodel = Model(inp, Dense(1)(c))"
    d = doctor.diagnose(code, "32,10,3", "32,1", "mse")
    assert kinds(d) == ["unpack_count"] and not d.verification.verified
    assert d.verification.summary.startswith("not built")


def test_every_measured_case_says_what_the_doctor_must_report():
    found = [examples.read(path) for path in sorted(CASES.glob("*.py"))]
    assert len(found) >= 45
    for case in found:
        assert (case.expect or case.verdict in ("problem", "unsure")) and doctor.parse_shape(case.x_shape), case.slug
        if int(case.slug.split("_")[0]) > 25:  # collected from public questions: where each was asked
            assert case.source.startswith("https://"), case.slug
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", kind) for kind in case.expect), case.slug


# --- a model assembled from the parameter table ------------------------------------------------------

def test_an_assembled_model_is_the_playgrounds_layers_with_a_learners_output():
    from rnnlab import codegen
    from rnnlab.doctor import assemble

    config = assemble.config({"units": 8, "return_sequences": True, "head": "dense", "depth": 2, "mask": True})
    code = assemble.code(config, "mse")
    assert code.splitlines()[2:-2] == codegen.model_lines(config)[:-1]
    assert code.splitlines()[-2:] == ["model = keras.Model(inputs, prediction)",
                                      "model.compile(optimizer='adam', loss='mse')"]
    assert run_fixed(code, warnings_fail=True)["model"].output_shape == (None, 10, 1)
    d = doctor.diagnose(code, assemble.x_shape(config, 40), "40,1", "mse")
    pasted = doctor.diagnose("model = Sequential([Input((10, 3)), Masking(0.0), LSTM(8, return_sequences=True), "
                             "LSTM(8, return_sequences=True), Dense(1)])", "40,10,3", "40,1", "mse")
    assert kinds(d) == kinds(pasted) == ["last_layer_returns_sequences"]
    assert d.problems[0].line == code.splitlines().index("whole_seq = lstm(seq_1)") + 1


def test_assembled_widgets_and_x_shape_come_from_the_parameter_table():
    from rnnlab.doctor import assemble
    from rnnlab.params import MODEL_PARAMS

    assert {p.name for p in assemble.PARAMS} | assemble.DATA_ONLY == {p.name for p in MODEL_PARAMS}
    assert not assemble.matters("merge_mode", {"bidirectional": False})
    assert assemble.matters("merge_mode", {"bidirectional": True}) and assemble.matters("units", {})
    assert not assemble.matters("batch", {"stateful": False}) and assemble.matters("batch", {"stateful": True})
    assert assemble.samples("nonsense", "64,1", default=32) == 64 and assemble.samples("", "", default=32) == 32
    assert assemble.sequence_axes("118,45,2") == {"timesteps": 45, "features": 2}
    assert assemble.sequence_axes("118,45,2000") == {} and assemble.sequence_axes("118,45") == {}
    with pytest.raises(DoctorInputError, match="units"):
        assemble.config({"units": 0})


def test_a_loop_over_unknown_values_that_makes_layers_leaves_the_verdict_unsure():
    code = ("model = Sequential([Input((5, 3))])\nfor _ in range(depth):\n    model.add(LSTM(8, return_sequences=True))\n"
            "model.add(Dense(1))\nfor epoch in range(1000):\n    model.fit(X, y)\n")
    d = doctor.diagnose(code, "10,5,3", "10,5,1", "mse")
    assert d.verdict == "unsure" and [n.line for n in d.unread_model] == [2]
    assert "The loop on line 5 is read once." in d.notes  # a loop over epochs makes no layer: read once, no doubt


def test_every_rule_speaks_through_the_wordings_table():
    from rnnlab.doctor.wording import WORDINGS

    for path in (ROOT / "rnnlab" / "doctor").glob("rules*.py"):
        assert "Problem(" not in path.read_text(), path.name  # rules find facts; what is said lives in WORDINGS

    def pattern(template: str) -> str:
        return ".*".join(map(re.escape, re.split(r"\{\w+\}", template)))

    said = {w.partition(":")[0]: [] for w in WORDINGS}
    for wording, (message, fix) in WORDINGS.items():
        said[wording.partition(":")[0]].append((pattern(message), pattern(fix)))
    problems = [p for n in range(1, len(examples.all_examples()) + 1) for p in diagnosed(n).problems]
    assert len({p.kind for p in problems}) > 5
    for p in problems:
        assert any(re.fullmatch(m, p.message, re.S) and re.fullmatch(f, p.fix, re.S) for m, f in said[p.kind]), p


# --- fixes that give y's own shape, and train as printed ------------------------------------------

def trains_as_printed(d, x: tuple, y: tuple | None = None) -> keras.Model:
    """The fixed code run as printed, one training step on zeros of X's (and y's) shapes at 2 samples."""
    model = run_fixed(d.fixed_code)["model"]
    xs = np.zeros((2, *x[1:]), "float32")
    ys = np.zeros((2, *y[1:]) if y else model(xs).shape, "float32")
    assert np.isfinite(np.ravel(model.train_on_batch(xs, ys))[0])
    return model


def test_open_timesteps_are_not_taken_for_y_axis_of_one():
    code = "model = Sequential([Input((None, 3)), LSTM(4, return_sequences=True), Dense(1)])\n" \
           "model.compile(loss='mse', optimizer='adam')"
    d = doctor.diagnose(code, "8,5,3", "8,1", "mse")
    assert d.verdict == "problem"  # (None, None, 1) against (8, 1): Keras broadcasts, one prediction per step
    assert trains_as_printed(d, (8, 5, 3), (8, 1)).output_shape == (None, 1)


def test_a_paste_without_compile_gets_a_fix_that_compiles_with_the_loss_the_doctor_assumed():
    code = "model = Sequential()\nmodel.add(LSTM(10, input_shape=(None, 2)))\nmodel.add(Dense(1))"
    d = doctor.diagnose(code, "4,7,2", "4,7", None)
    assert "model.compile(optimizer='adam', loss='mse')  # no loss given: the doctor trained it with mse" \
        in d.fixed_code
    trains_as_printed(d, (4, 7, 2), (4, 7))


def test_one_unit_under_categorical_crossentropy_is_found_without_y_and_never_proposed():
    code = "model = Sequential([Input((5, 3)), LSTM(1)])\nmodel.compile(loss='categorical_crossentropy')"
    d = doctor.diagnose(code, "8,5,3", "", None)
    assert "one_unit_categorical" in kinds(d)
    assert "loss='binary_crossentropy'" in d.fixed_code
    trains_as_printed(d, (8, 5, 3))


def test_an_image_given_to_an_lstm_is_read_row_by_row():
    code = "model = Sequential()\nmodel.add(LSTM(16, input_shape=(28, 20, 3)))\nmodel.add(Dense(1))"
    d = doctor.diagnose(code, "8,28,20,3", "8,1", "mse")
    assert d.verdict == "problem" and d.verification.verified
    assert "Reshape((28, 60))" in d.fixed_code or "TimeDistributed(keras.layers.Flatten())" in d.fixed_code
    assert trains_as_printed(d, (8, 28, 20, 3), (8, 1)).output_shape == (None, 1)


def test_channels_first_images_are_moved_to_channels_last_for_keras_3_convolutions():
    code = "from keras.layers import Conv2D\nmodel = Sequential()\n" \
           "model.add(TimeDistributed(Conv2D(8, (3, 3)), input_shape=(4, 1, 20, 12)))\n" \
           "model.add(TimeDistributed(Flatten()))\nmodel.add(LSTM(5))\nmodel.add(Dense(10, activation='softmax'))"
    d = doctor.diagnose(code, "6,4,1,20,12", "6,10", "categorical_crossentropy")
    assert d.verdict == "problem" and "Permute((1, 3, 4, 2))" in d.fixed_code
    assert trains_as_printed(d, (6, 4, 1, 20, 12), (6, 10)).output_shape == (None, 10)


def test_a_misspelt_name_is_read_as_the_name_defined_above_it_with_a_warning():
    code = "steps = 30\ninp = Input(shape=(step, 4))\nx = LSTM(8)(inp),\nout = Dense(2)(x)\nmodel = Model(inp, out)"
    d = doctor.diagnose(code, "16,30,4", "16,2", "mse")
    said = problem(d, "misspelt_name")
    assert said.line == 2 and "`step`" in said.message and "`steps`" in said.fix
    assert "trailing_comma_tuple" in kinds(d)
    assert trains_as_printed(d, (16, 30, 4), (16, 2)).output_shape == (None, 2)
