"""The doctor's trial and its repair search against the installed Keras: the trial runs small whatever the paste
(the shapes it reports stay the learner's, as Keras computes them), 'ok' means one training step ran (on
targets of the output's own shape when there is no y), code it cannot read makes it unsure, and the fixes it
finds by search build, train and give y's shape when run as printed."""

from __future__ import annotations


import keras
import numpy as np
import pytest

from rnnlab import doctor
from rnnlab.doctor import trial
from rnnlab.doctor.program import Layer
from rnnlab.doctor.reading import read
from tests.helpers import model_in, run_fixed

L = keras.layers


def trains_to_y(code: str, x: tuple, y: tuple) -> tuple:
    """The fixed model, run as printed and trained one step on zeros; its output shape without the batch axis."""
    model = model_in(run_fixed(code))
    model.train_on_batch(np.zeros((2, *x[1:]), "float32"), np.zeros((2, *y[1:]), "float32"))
    return tuple(model.outputs[0].shape[1:])


def kinds(d) -> list[str]:
    return [p.kind for p in d.problems]


# --- the trial runs small --------------------------------------------------------------------------------

def test_a_reshape_is_tried_shrunk_and_its_shapes_are_keras_own_at_the_real_sizes():
    code = "model = Sequential([Reshape((1024, 1024)), LSTM(1024), Dense(1)])"
    program = read(code, (4, 1024, 1024), (4, 1))
    shrunk = trial.shrink_map(program, trial.Data((4, 1024, 1024), (4, 1)))
    assert shrunk[1024] <= trial.LIMIT + 1
    reshape = trial.construct(program.steps[1].layer, shrunk)
    assert -1 in reshape.target_shape  # the trial's sizes multiply out whatever they are
    d = doctor.diagnose(code, "4,1024,1024", "4,1", "mse")
    real = [L.Reshape((1024, 1024)).compute_output_shape((None, 1024, 1024))]
    real.append(L.LSTM(1024).compute_output_shape(real[-1]))
    real.append(L.Dense(1).compute_output_shape(real[-1]))
    assert [row.shapes[0] for row in d.layer_shapes[1:]] == [tuple(s) for s in real]
    assert d.verdict == "ok" and any("1024 → " in note for note in d.notes)


def test_a_reshape_that_does_not_multiply_out_gets_keras_own_refusal():
    d = doctor.diagnose("model = Sequential([Input((4, 4)), Reshape((3, 5)), LSTM(2)])", "9,4,4", "9,2", "mse")
    with pytest.raises(ValueError) as real:
        L.Reshape((3, 5))(keras.Input((4, 4)))
    assert d.verdict == "problem" and d.keras_error == trial.clean(real.value)  # without colours or arguments


def test_dropout_noise_shape_is_shrunk_with_the_rest():
    layer = Layer("Dropout", (0.2,), (("noise_shape", (None, 1000, 1000)),))
    assert trial.construct(layer, {1000: trial.LIMIT + 1}).noise_shape == (None, trial.LIMIT + 1, trial.LIMIT + 1)
    d = doctor.diagnose("model = Sequential([Input((1000, 1000)), Dropout(0.2, noise_shape=(None, 1000, 1000)), "
                        "LSTM(1000), Dense(1)])", "4,1000,1000", "4,1", "mse")
    assert d.verdict == "ok" and d.layer_shapes[-1].shapes == ((None, 1),)


def test_embedding_weights_are_left_out_of_the_shrunk_trial():
    layer = Layer("Embedding", (500_000, 300), (("weights", ((0.0,),)),))
    built = trial.construct(layer, {500_000: trial.LIMIT + 2, 300: trial.LIMIT + 1})
    assert (built.input_dim, built.output_dim) == (trial.LIMIT + 2, trial.LIMIT + 1)
    d = doctor.diagnose("m = np.zeros((500000, 300))\nmodel = Sequential([Input((1000,)), "
                        "Embedding(500000, 300, weights=[m]), LSTM(1000), Dense(1)])", "4,1000", "4,1", "mse")
    assert d.verdict == "ok"


@pytest.mark.parametrize("x", [(4, 100, 100, 100), (4, 60, 60, 60, 60)])
def test_every_axis_of_a_4d_or_5d_x_is_shrunk(x):
    sample = x[1:]
    code = f"model = Sequential([Input({sample}), TimeDistributed(Flatten()), LSTM(8), Dense(1)])"
    program = read(code, x, (4, 1))
    shrunk = trial.shrink_map(program, trial.Data(x, (4, 1)))
    assert np.prod([shrunk.get(d, d) for d in sample]) <= 2 * trial.SAMPLE_BUDGET
    d = doctor.diagnose(code, ",".join(map(str, x)), "4,1", "mse")
    assert d.verdict == "ok" and d.layer_shapes[0].shapes == ((None, *sample),)


# --- ok means it trains; without y it trains on targets of its own output shape ---------------------------

DECODER = """import keras
enc_in = keras.Input(shape=(None, 20))
enc = keras.layers.LSTM(64, return_state=True)(enc_in)
states = enc[1:]
dec_in = keras.Input(shape=(None, 30))
dec = keras.layers.LSTM({units}, return_sequences=True)(dec_in, initial_state=states)
out = keras.layers.Dense(30, activation="softmax")(dec)
model = keras.Model([enc_in, dec_in], out)
model.compile(loss="categorical_crossentropy", optimizer="adam")
"""


def test_without_y_a_decoder_narrower_than_its_states_fails_in_training_as_keras_does():
    d = doctor.diagnose(DECODER.format(units=32), "100,12,20")
    model = model_in(run_fixed(DECODER.format(units=32)))
    feeds = [np.zeros((2, 12, 20), "float32"), np.zeros((2, 12, 30), "float32")]
    with pytest.raises(Exception):
        model.train_on_batch(feeds, np.zeros((2, 12, 30), "float32"))
    assert d.verdict == "problem" and d.keras_error and not d.not_read
    assert "LSTM(64)" in d.fix_what and d.verification.verified
    fixed = model_in(run_fixed(d.fixed_code))
    fixed.train_on_batch(feeds, np.zeros((2, 12, 30), "float32"))


def test_without_y_a_matching_decoder_is_ok_after_one_training_step():
    d = doctor.diagnose(DECODER.format(units=64), "100,12,20")
    assert d.verdict == "ok" and not d.untested and not d.not_read


def test_a_trailing_comma_makes_a_tuple_keras_refuses():
    code = "inp = keras.Input((10, 3))\nx = keras.layers.LSTM(16)(inp),\nout = keras.layers.Dense(1)(x)\n" \
           "model = keras.Model(inp, out)"
    with pytest.raises(Exception) as real:
        L.Dense(1)((L.LSTM(16)(keras.Input((10, 3))),))
    d = doctor.diagnose(code, "32,10,3", "32,1", "mse")
    assert kinds(d) == ["trailing_comma_tuple"] and d.problems[0].line == 2
    assert str(real.value).split("(")[0] in d.problems[0].message
    assert trains_to_y(d.fixed_code, (32, 10, 3), (32, 1)) == (1,)


def test_lines_that_build_the_model_and_are_not_read_make_the_doctor_unsure():
    code = "inp = Input((10, 3))\nx = LSTM(8, return_sequences=True)(inp)\nx = MyAttention(8)(x)\n" \
           "out = Dense(1)(x)\nmodel = Model(inp, out)"
    d = doctor.diagnose(code, "32,10,3", "32,1", "mse")
    assert d.verdict == "unsure" and [n.line for n in d.unread_model][0] == 3  # and the lines that use it


# --- repair by search ----------------------------------------------------------------------------------

@pytest.mark.parametrize("code, x, y, loss", [
    ("model = Sequential([Input((30, 2)), LSTM(16), Dense(1)])", (64, 30, 2), (64, 5), "mse"),
    ("model = Sequential([Input((30, 2)), LSTM(16)])", (64, 30, 2), (64, 1), "binary_crossentropy"),
    ("model = Sequential([Input((30, 2)), LSTM(16), Dense(1)])", (64, 30, 2), (64, 7, 2), "mse"),
    ("model = Sequential([Input((30, 2)), LSTM(16), Dense(3)])", (64, 30, 2), (64, 10, 3), "mse"),
    ("model = Sequential([Input((30, 2)), LSTM(16), Dense(1)])", (64, 30, 2), (64, 30, 1), "mse"),
])
def test_the_search_finds_a_fix_that_gives_y_shape(code, x, y, loss):
    d = doctor.diagnose(code, ",".join(map(str, x)), ",".join(map(str, y)), loss)
    assert d.verdict == "problem" and d.verification.verified and d.verification.matches_y
    out = trains_to_y(d.fixed_code, x, y)
    assert out == y[1:] or out[:-1] == y[1:] and out[-1] == 1
    for other in d.alternatives:
        assert other.verification.verified
