"""The shape doctor on what learners really paste: Keras 1/2 calls read as the Keras 3 call they meant (with
Keras's own refusal of the call as written, asked of the installed Keras here), plain expressions where a value
goes, losses given as objects or functions; and a failure of the doctor's own is an 'unsure' naming the line,
never an exception."""

from __future__ import annotations

import json

import keras
import pytest

import rnnlab.doctor.rules_output
from rnnlab import doctor
from tests.helpers import cli

HEAD = "from keras.models import Sequential, Model\nfrom keras.layers import *\nimport keras\n"


def diagnose(body: str, x: str = "32,10,3", y: str | None = "32,1", loss: str | None = None):
    return doctor.diagnose(HEAD + body, x, y, loss)


def kinds(d) -> list[str]:
    return [p.kind for p in d.problems]


def problem(d, kind: str):
    return next(p for p in d.problems if p.kind == kind)


def keras_says(call) -> str:
    """The installed Keras's message for a call it refuses."""
    with pytest.raises(Exception) as caught:
        call()
    return str(caught.value)


# --- Keras 1 and 2 --------------------------------------------------------------------------------------

def test_keras1_merge_is_read_as_the_keras3_merge_it_meant_with_keras_refusal():
    d = diagnose("a = Input(shape=(10, 3))\nx1 = LSTM(8, return_sequences=True)(a)\nx2 = LSTM(8, "
                 "return_sequences=True)(a)\nm = merge([x1, x2], mode='sum')\nout = Dense(1)(m)\n"
                 "model = Model(inputs=a, outputs=out)\nmodel.compile(loss='mse', optimizer='adam')")
    said = problem(d, "keras1_merge")
    assert said.line == 7 and "keras.layers.add" in said.message
    assert keras_says(lambda: keras.layers.merge) in said.message
    # and the shape diagnosis goes on: the sum of two sequences is a sequence, y is one value per sample
    assert [r.layer for r in d.layer_shapes if r.line == 7] and \
        next(r for r in d.layer_shapes if r.line == 7).shapes == ((None, 10, 8),)
    assert "last_layer_returns_sequences" in kinds(d) or "output_vs_target" in kinds(d)
    assert d.verification and d.verification.verified and "merge(" not in d.fixed_code


def test_keras1_merge_concat_keeps_its_axis():
    d = diagnose("a = Input(shape=(10, 3))\nx1 = LSTM(8)(a)\nx2 = LSTM(4)(a)\n"
                 "m = merge([x1, x2], mode='concat', concat_axis=-1)\nout = Dense(1)(m)\nmodel = Model(a, out)")
    assert "keras1_merge" in kinds(d)
    assert next(r for r in d.layer_shapes if r.line == 7).shapes == ((None, 12),)
    assert d.output_shapes == ((None, 1),)


def test_model_input_output_keywords_are_read_and_keras3s_refusal_quoted():
    d = diagnose("a = Input(shape=(10, 3))\nx = LSTM(8, return_sequences=True)(a)\nout = Dense(1)(x)\n"
                 "model = Model(input=a, output=out)\nmodel.compile(loss='mse', optimizer='adam')")
    said = problem(d, "keras1_model_arguments")
    given = keras.Input((1,))
    refused = keras_says(lambda: keras.Model(input=given, output=given))
    assert said.line == 7 and refused.split(":")[0] in said.message
    assert not d.unread_model and "last_layer_returns_sequences" in kinds(d)
    assert "keras.Model(a, out)" in d.fixed_code and d.verification.verified


@pytest.mark.parametrize("importing", ["from keras.layers.recurrent import LSTM",
                                       "from tensorflow.keras.layers.recurrent import LSTM"])
def test_keras2_module_paths_are_named_with_keras3s_refusal(importing):
    d = doctor.diagnose(f"from keras.models import Sequential\n{importing}\nfrom keras.layers.core import Dense\n"
                        "model = Sequential([Input((10, 3)), LSTM(8), Dense(1)])", "32,10,3", "32,1")
    paths = [p for p in d.problems if p.kind == "old_module_path"]
    assert [p.line for p in paths] == [2, 3]
    assert keras_says(lambda: keras.layers.recurrent) in paths[0].message
    assert d.output_shapes == ((None, 1),) and d.verification.verified


def test_keras1_output_dim_init_and_lr_still_get_the_shape_diagnosis():
    d = diagnose("model = Sequential()\nmodel.add(Input((10, 3)))\nmodel.add(LSTM(8, return_sequences=True))\n"
                 "model.add(Dense(output_dim=1, init='orthogonal'))\n"
                 "model.compile(loss='mse', optimizer=keras.optimizers.Adam(lr=0.01))")
    assert {"keras1_argument", "optimizer_lr_removed", "last_layer_returns_sequences"} <= set(kinds(d))
    assert d.verification.verified and d.fixed_output_shape == [1]


MERGED_SEQUENTIALS = ("left = Sequential()\nleft.add(LSTM(16, input_shape=(10, 8)))\nright = Sequential()\n"
                      "right.add(LSTM(16, input_shape=(10, 8), go_backwards=True))\nmodel = Sequential()\n"
                      "model.add(Merge([left, right], mode='concat'))\nmodel.add(Dense(1))\n"
                      "model.compile(loss='mse', optimizer='adam')")


def test_keras1_merge_of_sequentials_is_read_as_two_branches_joined_by_concatenate():
    d = diagnose(MERGED_SEQUENTIALS, x="32,10,8")
    said = problem(d, "keras1_merge")
    assert said.line == 9 and "keras.layers.concatenate" in said.message
    assert keras_says(lambda: keras.layers.Merge) in said.message
    assert not d.unread_model and d.verdict == "problem"
    # each branch from its own input; the concatenated last outputs (16 + 16) then Dense(1)
    assert next(r for r in d.layer_shapes if r.line == 9).shapes == ((None, 32),)
    assert d.output_shapes == ((None, 1),)
    assert d.verification.verified and d.fixed_output_shape == [1]
    assert "keras.layers.concatenate([" in d.fixed_code and "Merge" not in d.fixed_code


# --- plain expressions where a value goes -----------------------------------------------------------------

def test_plain_expressions_are_evaluated_from_the_ast():
    d = diagnose("units = 16\nn_steps, n_features = 10, 3\nshape = (n_steps, n_features)\n"
                 "model = Sequential([Input(shape=shape), LSTM(int(100), return_sequences=True), "
                 "LSTM(2 * units), Dense(n_steps * n_features - 29)])", y="32,1")
    assert not d.not_read
    assert [r.shapes for r in d.layer_shapes[1:]] == [((None, 10, 100),), ((None, 32),), ((None, 1),)]
    assert d.verdict == "ok"


# --- losses as objects or functions -----------------------------------------------------------------------

@pytest.mark.parametrize("compiled", [
    "loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\nmodel.compile(loss=loss_fn, "
    "optimizer='adam', metrics=[keras.metrics.SparseCategoricalAccuracy()])",
    "from keras.losses import SparseCategoricalCrossentropy\nmodel.compile(loss=SparseCategoricalCrossentropy())",
    "from keras.losses import sparse_categorical_crossentropy\nmodel.compile(loss=sparse_categorical_crossentropy)",
])
def test_a_loss_given_as_an_object_or_function_is_read(compiled):
    d = diagnose("model = Sequential([Input((10, 3)), LSTM(8, return_sequences=True), Dense(5, "
                 "activation='softmax')])\n" + compiled, y="32,1")
    assert not d.not_read and not any("No loss given" in n for n in d.notes)
    # the fix is trained under the learner's sparse loss: five classes, one class number per sample
    assert "sparsecategoricalcrossentropy" in d.fixed_code.lower().replace("_", "")
    assert d.verification.verified and d.fixed_output_shape == [5]


# --- never crash ------------------------------------------------------------------------------------------

def break_the_one_unit_rule(monkeypatch):
    def broken(c):
        return ()[0]
    monkeypatch.setattr(rnnlab.doctor.rules_output, "_COMPARISONS",
                        (broken,) + rnnlab.doctor.rules_output._COMPARISONS[1:])


PER_STEP_ONE_UNIT = ("model = Sequential([Input((10, 3)), LSTM(8, return_sequences=True), "
                     "TimeDistributed(Dense(1, activation='softmax'))])\n"
                     "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')")


def test_a_failure_of_the_doctors_own_is_unsure_naming_the_line(monkeypatch):
    break_the_one_unit_rule(monkeypatch)
    d = diagnose(PER_STEP_ONE_UNIT, y="32,10")
    assert d.verdict == "unsure" and not d.problems
    named = d.unread_model[-1]
    assert named.line == 4 and "IndexError" in named.reason and named.code.startswith("model = Sequential")


def test_the_command_line_prints_json_when_the_doctor_itself_fails(monkeypatch, tmp_path):
    break_the_one_unit_rule(monkeypatch)
    path = tmp_path / "model.py"
    path.write_text(HEAD + PER_STEP_ONE_UNIT)
    done = cli("doctor", "--x-shape", "32,10,3", "--y-shape", "32,10", "--code-file", str(path), "--json", here=True)
    printed, said = done.stdout, done.stderr
    assert "Traceback" not in said
    assert json.loads(printed)["verdict"] == "unsure"


def test_per_step_one_unit_softmax_under_a_sparse_loss_is_explained():
    d = diagnose(PER_STEP_ONE_UNIT, y="32,10")
    assert "one_unit_categorical" in kinds(d) and d.verdict == "problem"


# --- lines left unread do not stop the fix search ---------------------------------------------------------

def test_unread_lines_and_keras_error_still_get_a_fix_on_the_part_read():
    d = diagnose("model = Sequential()\nmodel.add(Input((10, 3)))\nmodel.add(LSTM(8, return_sequences=True))\n"
                 "model.add(LSTM(config.units, return_sequences=True))\nfor i in range(n_layers):\n"
                 "    model.add(LSTM(8, return_sequences=True))\nmodel.add(LSTM(8))\nmodel.add(Dense(4))\n"
                 "model.compile(loss='mse', optimizer='adam')", y="32,10,1")
    assert len(d.unread_model) == 2 and d.keras_error and d.verdict == "unsure"
    assert d.fix_what and d.verification.verified and d.fixed_output_shape == [10, 1]
    assert any("part of the model the doctor read" in n for n in d.notes)


# --- Lambda layers ----------------------------------------------------------------------------------------

def test_a_lambda_taking_the_last_step_is_read_in_a_sequential_model():
    d = diagnose("model = Sequential([Input((10, 3)), LSTM(8, return_sequences=True), "
                 "Lambda(lambda x: x[:, -1, :]), Dense(1)])\nmodel.compile(loss='mse', optimizer='adam')")
    assert not d.not_read and d.verdict == "ok"
    assert d.output_shapes == ((None, 1),)


@pytest.mark.parametrize("applied", [
    "last = Lambda(lambda t: t[:, -1])(h)",
    "def last_step(x):\n    return x[:, -1, :]\nlast = Lambda(last_step)(h)",
])
def test_a_lambda_applied_to_a_tensor_is_read_through_its_function(applied):
    d = diagnose(f"inp = Input((10, 3))\nh = LSTM(8, return_sequences=True)(inp)\n{applied}\n"
                 "model = Model(inp, Dense(2)(last))\nmodel.compile(loss='mse', optimizer='adam')", y="32,2")
    assert not d.not_read and d.verdict == "ok" and d.output_shapes == ((None, 2),)


def test_a_lambda_the_doctor_cannot_read_is_unsure_naming_its_line_and_body():
    d = diagnose("model = Sequential()\nmodel.add(LSTM(16, input_shape=(10, 3), return_sequences=True))\n"
                 "model.add(Lambda(lambda x: K.mean(x, axis=1)))\nmodel.add(Dense(1))")
    named = d.unread_model[-1]
    assert d.verdict == "unsure" and named.line == 6 and named.reason.startswith("Lambda: `K.mean(x, axis=1)`")


# --- any layer of keras.layers ----------------------------------------------------------------------------

def test_any_keras_layer_before_and_after_the_recurrent_part_is_built_by_keras():
    d = doctor.diagnose(
        "from keras.models import Sequential\nfrom keras.layers import LSTM, Dense, Input, TimeDistributed, "
        "Conv2D, MaxPooling2D, Flatten\nfrom tensorflow.keras import layers\nmodel = Sequential()\n"
        "model.add(Input(shape=(10, 8, 8, 1)))\nmodel.add(TimeDistributed(Conv2D(4, (3, 3), activation='relu')))\n"
        "model.add(TimeDistributed(MaxPooling2D((2, 2))))\nmodel.add(TimeDistributed(Flatten()))\n"
        "model.add(LSTM(8, return_sequences=True))\nmodel.add(layers.GaussianNoise(0.1))\nmodel.add(Dense(1))\n"
        "model.compile(loss='mse', optimizer='adam')", "32,10,8,8,1", "32,1")
    L = keras.layers
    model = keras.Sequential([keras.Input((10, 8, 8, 1)), L.TimeDistributed(L.Conv2D(4, (3, 3))),
                              L.TimeDistributed(L.MaxPooling2D((2, 2))), L.TimeDistributed(L.Flatten()),
                              L.LSTM(8, return_sequences=True), L.GaussianNoise(0.1), L.Dense(1)])
    assert not d.not_read
    assert [r.shapes[0] for r in d.layer_shapes[1:]] == [tuple(layer.output.shape) for layer in model.layers]
    assert d.verdict == "problem" and d.verification.verified and d.fixed_output_shape == [1]


def test_a_custom_layer_under_a_star_import_is_left_unread_not_blamed_on_keras():
    d = diagnose("model = Sequential([Input((10, 3)), LSTM(8, return_sequences=True), MyAttention(8), Dense(1)])")
    assert [n.line for n in d.not_read] == [4] and not d.keras_error


def test_a_keras_layer_under_a_star_import_is_built_by_keras():
    d = diagnose("model = Sequential([Input((10, 3)), GaussianNoise(0.1), LSTM(8), Dense(1)])\n"
                 "model.compile(loss='mse', optimizer='adam')")
    assert not d.not_read and d.verdict == "ok"
    assert [r.shapes[0] for r in d.layer_shapes[1:]] == [(None, 10, 3), (None, 8), (None, 1)]


@pytest.mark.parametrize("y", ["32,10", "32,10,1"])
@pytest.mark.parametrize("head", ["Dense(1)", "TimeDistributed(Dense(1))", "Dense(1, activation='softmax')"])
def test_a_per_step_classifier_with_one_unit_and_sparse_labels_is_explained(y, head):
    d = diagnose(f"model = Sequential()\nmodel.add(LSTM(8, input_shape=(10, 8), return_sequences=True))\n"
                 f"model.add({head})\nmodel.compile(loss='sparse_categorical_crossentropy', optimizer='adam')",
                 x="32,10,8", y=y)
    assert d.verdict == "problem" and "one_unit_categorical" in kinds(d)
    assert not [n for n in d.not_read if "doctor itself" in n.reason]


# --- sizes, old names and shapes Keras does not give ------------------------------------------------------

def test_sizes_taken_from_a_list_are_read():
    d = diagnose("sizes = [3, 16, 1]\nmodel = Sequential([Input((10, sizes[0])), LSTM(sizes[1]), Dense(sizes[-1])])\n"
                 "model.compile(loss='mse', optimizer='adam')")
    assert not d.not_read and d.verdict == "ok" and d.output_shapes == ((None, 1),)


def test_keras1_convolution1d_input_dim_is_the_features_of_each_step():
    d = diagnose("model = Sequential()\nmodel.add(Convolution1D(input_dim=3, nb_filter=4, filter_length=3, "
                 "border_mode='same'))\nmodel.add(LSTM(8))\nmodel.add(Dense(1))", x="32,10,3")
    assert d.layer_shapes[0].shapes == ((None, 10, 3),)
    assert d.verification.verified and d.fixed_output_shape == [1]


def test_a_model_that_pools_time_is_tried_at_sizes_that_keep_it_equal_to_y():
    # shrunk for the trial, 200 steps pooled to 100 would no longer meet y's 100
    d = diagnose("model = Sequential([Input((200, 5)), Conv1D(5, 3, padding='same'), MaxPooling1D(2), "
                 "TimeDistributed(Dense(5))])\nmodel.compile(loss='mse', optimizer='adam')",
                 x="128,200,5", y="128,100,5")
    assert d.verdict == "ok" and not d.keras_error


def test_a_layer_keras_refuses_to_build_inside_time_distributed_is_explained_not_a_failure_of_the_doctor():
    d = diagnose("model = Sequential()\nmodel.add(TimeDistributed(Convolution2D(8, 3, 3, border_mode='valid'), "
                 "input_shape=[4, 1, 56, 14]))\nmodel.add(TimeDistributed(Flatten()))\nmodel.add(LSTM(5))\n"
                 "model.add(Dense(10))\nmodel.add(Activation('softmax'))\n"
                 "model.compile(loss='categorical_crossentropy', optimizer='adam')", x="64,4,1,56,14", y="64,10")
    assert d.verdict == "problem" and "keras1_argument" in kinds(d)
    assert not [n for n in d.not_read if "doctor itself" in n.reason]
