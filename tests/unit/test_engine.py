"""run(config) against the installed Keras: names, shapes, order, identities and the NumPy trace."""

import itertools

import keras
import numpy as np
import pytest

from rnnlab.params import parse
from rnnlab.run import TOLERANCE, run

FLAGS = list(itertools.product([False, True], repeat=2))
SIZES = [dict(units=1, timesteps=1, features=1, batch=1), dict(units=5, timesteps=7, features=2, batch=3),
         dict(units=64, timesteps=10, features=3, batch=32), dict(units=16, timesteps=80, features=4, batch=2)]
PATTERNS = ["uniform", "normal", "sine", "steps"]


def config_for(return_sequences, return_state, input="uniform", seed=0, **sizes):
    query = "&".join(f"{k}={v}" for k, v in sizes.items())
    query += f"&return_sequences={return_sequences}&return_state={return_state}&input={input}&seed={seed}"
    return parse(query).strict().config


def keras_reference(result):
    """An independently built plain Keras LSTM with the run's weights, called on the run's input."""
    config = result.config
    layer = keras.layers.LSTM(config.units, return_sequences=config.return_sequences,
                              return_state=config.return_state)
    layer.build(result.x.shape)
    layer.set_weights([result.weights[n] for n in ("kernel", "recurrent_kernel", "bias")])
    out = layer(result.x)
    return tuple(np.asarray(t) for t in (out if isinstance(out, (tuple, list)) else (out,))), layer


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(map(str, s.values())))
@pytest.mark.parametrize("return_sequences, return_state", FLAGS)
def test_returns_are_what_keras_returns(sizes, return_sequences, return_state):
    result = run(config_for(return_sequences, return_state, **sizes))
    expected, layer = keras_reference(result)
    assert len(result.returns) == len(expected)
    for tensor, value in zip(result.returns, expected):
        assert tensor.shape == value.shape
        np.testing.assert_allclose(tensor.value, value, atol=1e-6)
        assert len(tensor.axes) == value.ndim
    assert result.params == layer.count_params()


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(map(str, s.values())))
@pytest.mark.parametrize("return_sequences, return_state", FLAGS)
def test_names_axes_and_identities(sizes, return_sequences, return_state):
    result = run(config_for(return_sequences, return_state, **sizes))
    names = [t.name for t in result.returns]
    first = "whole_seq" if return_sequences else "output"
    assert names == ([first, "state_h", "state_c"] if return_state else [first])
    config = result.config
    sizes_of = {"batch": config.batch, "timesteps": config.timesteps, "units": config.units}
    for tensor in result.returns:
        assert tensor.shape == tuple(sizes_of[a] for a in tensor.axes)
    if return_state:
        h, c = result.returned("state_h").value, result.returned("state_c").value
        last = result.returns[0].value[:, -1] if return_sequences else result.returns[0].value
        assert np.max(np.abs(last - h)) <= TOLERANCE
        assert np.max(np.abs(h - c)) > TOLERANCE
        assert all(check.holds for check in result.checks) and len(result.checks) == 2
    else:
        assert result.checks == ()


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(map(str, s.values())))
def test_the_numpy_trace_agrees_with_keras_at_every_step(pattern, sizes):
    result = run(config_for(True, True, input=pattern, **sizes))
    seq, h, c = (t.value for t in result.returns)
    trace = result.trace
    assert trace.h.shape == trace.c.shape == seq.shape
    assert np.max(np.abs(trace.h - seq)) <= 1e-5
    assert np.max(np.abs(trace.h[:, -1] - h)) <= 1e-5
    assert np.max(np.abs(trace.c[:, -1] - c)) <= 1e-5
    assert result.agreement <= 1e-5
    gates = trace.gates
    assert set(gates) == {"i", "f", "g", "o"}
    np.testing.assert_allclose(trace.c[:, 1:], gates["f"][:, 1:] * trace.c[:, :-1] + gates["i"][:, 1:] * gates["g"][:, 1:],
                               atol=1e-6)
    np.testing.assert_allclose(trace.h, gates["o"] * np.tanh(trace.c), atol=1e-6)


def test_long_sequences_take_the_compiled_path_and_still_agree():
    result = run(config_for(True, True, units=8, timesteps=300, features=2, batch=2))
    expected, _ = keras_reference(result)
    np.testing.assert_allclose(result.returns[0].value, expected[0], atol=1e-5)
    assert result.agreement <= 1e-5


def test_flipping_a_flag_keeps_the_same_data_and_weights():
    plain = run(config_for(False, False))
    both = run(config_for(True, True))
    np.testing.assert_array_equal(plain.x, both.x)
    for name in plain.weights:
        np.testing.assert_array_equal(plain.weights[name], both.weights[name])
    np.testing.assert_array_equal(plain.returns[0].value, both.returns[1].value)


def test_the_seed_changes_data_and_weights():
    a, b = run(config_for(False, False, seed=0)), run(config_for(False, False, seed=1))
    assert not np.array_equal(a.x, b.x)
    assert not np.array_equal(a.weights["kernel"], b.weights["kernel"])


def test_uniform_input_is_in_zero_one_like_np_random_rand():
    result = run(config_for(False, False))
    np.random.seed(0)
    np.testing.assert_array_equal(result.x, np.random.rand(32, 10, 3).astype("float32"))


def test_weights_have_the_documented_shapes_and_gate_order():
    result = run(config_for(False, False, units=4, features=3, batch=1, timesteps=2))
    shapes = {n: w.shape for n, w in result.weights.items()}
    assert shapes == {"kernel": (3, 16), "recurrent_kernel": (4, 16), "bias": (16,)}
    keras.utils.set_random_seed(0)  # what a learner's own script gets with the same seed
    layer = keras.layers.LSTM(4)
    layer.build((None, 2, 3))
    for mine, theirs in zip(result.weights.values(), layer.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    # unit_forget_bias: Keras initialises only the forget block (the second) of the bias to one
    np.testing.assert_array_equal(result.weights["bias"], np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    assert result.params == 4 * 4 * (3 + 4 + 1)


def test_runs_are_read_only():
    result = run(config_for(True, True))
    for array in (result.x, result.returns[0].value, result.trace.h, result.weights["kernel"]):
        with pytest.raises(ValueError):
            array[...] = 0
