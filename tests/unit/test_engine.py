"""run(config) against the installed Keras: names, shapes, order, identities and the NumPy trace,
over the grid of layer kinds, flags, wrappers, stacks, heads and masking."""

import itertools
import re

import keras
import numpy as np
import pytest

from rnnlab import explain
from rnnlab.params import parse
from rnnlab.result import TOLERANCE
from rnnlab.run import run

SMALL = "units=5&timesteps=6&features=2&batch=3"
FLAGS = ["", "return_sequences=1", "return_state=1", "return_sequences=1&return_state=1"]
LAYERS = ["lstm", "gru", "simple_rnn"]
WRAPPERS = ["", "go_backwards=1", "bidirectional=1", "bidirectional=1&merge_mode=sum",
            "bidirectional=1&merge_mode=mul", "bidirectional=1&merge_mode=ave", "bidirectional=1&merge_mode=none"]
EXTRAS = ["depth=2", "depth=3&bidirectional=1", "head=dense", "head=dense&head_units=3&head_activation=softmax",
          "lengths=6,4,1&mask=1", "lengths=6,3&mask=1&padding=pre&bidirectional=1", "lengths=6,2",
          "activation=relu", "activation=sigmoid&depth=2&go_backwards=1"]
GRID = ([f"layer={k}&{f}&{w}" for k, f, w in itertools.product(LAYERS, FLAGS, WRAPPERS)]
        + [f"layer={k}&{f}&{e}" for k, f, e in itertools.product(LAYERS, FLAGS, EXTRAS)]
        + [f"layer={k}&return_sequences=1&head=time_distributed" for k in LAYERS])
CLASSES = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}


def config_of(query):
    return parse(f"{SMALL}&{query}").strict().config


def keras_reference(config, x):
    """The same model written out plainly with the Keras API, seeded as a learner's script would be."""
    keras.utils.set_random_seed(config.seed)
    shape = (config.timesteps, config.features)
    inputs = keras.Input(batch_shape=(config.batch, *shape)) if config.stateful else keras.Input(shape=shape)
    h = keras.layers.Masking(mask_value=0.0)(inputs) if config.mask else inputs

    def recurrent(sequences, states):
        kwargs = dict(activation=config.activation, return_sequences=sequences, return_state=states,
                      go_backwards=config.go_backwards, stateful=config.stateful)
        layer = CLASSES[config.layer](config.units, **kwargs)
        if config.bidirectional:
            layer = keras.layers.Bidirectional(layer, merge_mode=None if config.merge_mode == "none"
                                               else config.merge_mode)
        return layer

    for _ in range(config.depth - 1):
        h = recurrent(config.inner_return_sequences, False)(h)
    out = recurrent(config.return_sequences, config.return_state)(h)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if config.head != "none":
        dense = keras.layers.Dense(config.head_units, activation=config.head_activation)
        head = dense if config.head == "dense" else keras.layers.TimeDistributed(dense)
        firsts = outs[:2] if config.bidirectional and config.merge_mode == "none" else outs[:1]
        outs.append(head(firsts[0] if len(firsts) == 1 else tuple(firsts)))
    model = keras.Model(inputs, outs)
    result = model(x)
    return [np.asarray(a) for a in (result if isinstance(result, (list, tuple)) else [result])], model.count_params()


@pytest.mark.parametrize("query", GRID)
def test_returns_are_what_keras_returns_and_the_trace_agrees(query):
    config = config_of(query)
    result = run(config)
    assert result.refusal is None, result.refusal
    expected, params = keras_reference(config, result.x)
    assert [t.shape for t in result.returns] == [a.shape for a in expected]
    for tensor, value in zip(result.returns, expected):
        np.testing.assert_allclose(tensor.value, value, atol=1e-6, err_msg=tensor.name)
    assert result.agreement <= 1e-5
    assert result.params == params == sum(count for _, count in explain.param_terms(result))
    assert all(check.holds for check in result.all_checks), [c for c in result.all_checks if not c.holds]


@pytest.mark.parametrize("query", GRID)
def test_names_and_axes_follow_the_rules(query):
    config = config_of(query)
    result = run(config)
    names = [t.name for t in result.returns]
    sizes = {"batch": 3, "timesteps": 6, "units": 5, "2 × units": 10, "head_units": config.head_units}
    for tensor in result.returns:
        assert tensor.shape == tuple(sizes[a] for a in tensor.axes), tensor.name
    states = {"lstm": 2, "gru": 1, "simple_rnn": 1}[config.layer] * (2 if config.bidirectional else 1)
    firsts = 2 if config.bidirectional and config.merge_mode == "none" else 1
    assert len(names) == firsts + states * config.return_state + (config.head != "none")
    assert ("state_c" in names or "forward_c" in names) == (config.layer == "lstm" and config.return_state)


@pytest.mark.parametrize("layer", LAYERS)
def test_return_state_gives_output_and_h_equal(layer):
    result = run(config_of(f"layer={layer}&return_state=1"))
    output, state_h = result.returns[0].value, result.returned("state_h").value
    assert np.max(np.abs(output - state_h)) <= TOLERANCE


def test_lstm_return_state_gives_three_tensors_of_which_two_are_equal():
    result = run(config_of("return_state=1"))
    assert [t.name for t in result.returns] == ["output", "state_h", "state_c"]
    assert [c.holds for c in result.checks] == [True, True]
    assert np.max(np.abs(result.returned("state_h").value - result.returned("state_c").value)) > TOLERANCE


def test_go_backwards_returns_the_sequence_in_reversed_time_order():
    result = run(config_of("layer=simple_rnn&go_backwards=1&return_sequences=1"))
    forward = keras.layers.SimpleRNN(5, return_sequences=True)
    forward.build((None, 6, 2))
    forward.set_weights(list(result.parts[0].weights.values()))
    np.testing.assert_allclose(result.returns[0].value, np.asarray(forward(result.x[:, ::-1])), atol=1e-6)


def test_bidirectional_states_are_never_merged_and_sit_at_both_ends():
    result = run(config_of("bidirectional=1&return_sequences=1&return_state=1"))
    seq, fwd_h, bwd_h = (result.returned(n).value for n in ("whole_seq", "forward_h", "backward_h"))
    assert fwd_h.shape == bwd_h.shape == (3, 5) and seq.shape == (3, 6, 10)
    assert np.max(np.abs(seq[:, -1, :5] - fwd_h)) <= TOLERANCE
    assert np.max(np.abs(seq[:, 0, 5:] - bwd_h)) <= TOLERANCE
    assert np.max(np.abs(seq[:, -1, 5:] - bwd_h)) > TOLERANCE


@pytest.mark.parametrize("query, shape", [("head=dense", (3, 1)), ("head=dense&return_sequences=1", (3, 6, 1)),
                                          ("head=dense&head_units=3&return_sequences=1", (3, 6, 3))])
def test_dense_acts_on_the_last_axis(query, shape):
    assert run(config_of(query)).returned("prediction").shape == shape


def test_masked_steps_repeat_the_last_real_output_and_the_final_state_is_the_unpadded_one():
    result = run(config_of("lengths=6,4,2&mask=1&return_sequences=1&return_state=1"))
    seq = result.returns[0].value
    for sample, length in enumerate((6, 4, 2)):
        np.testing.assert_array_equal(seq[sample, length:], np.repeat(seq[sample, length - 1:length], 6 - length, 0))
    with_mask, without = result.padding_effect
    assert with_mask.holds and with_mask.max_abs_diff <= TOLERANCE
    assert without.holds and without.max_abs_diff > TOLERANCE  # post-padding changes the final state


@pytest.mark.parametrize("query", ["layer=lstm", "layer=gru", "layer=simple_rnn", "depth=2&inner_return_sequences=1",
                                   "activation=sigmoid", "bidirectional=1", "go_backwards=1"])
@pytest.mark.parametrize("padding", ["pre", "post"])
def test_without_the_mask_the_padding_check_expects_what_keras_measures(query, padding):
    """Zeros read first from a zero state leave it at zero (zero biases, tanh): pre-padding read forwards, or
    post-padding read backwards, leaves an untrained layer's final output unchanged; anything else changes it."""
    result = run(config_of(f"{query}&lengths=6,3&padding={padding}"))
    without = result.padding_effect[1]
    assert without.holds, (without.claim, without.max_abs_diff)
    assert ("!=" not in without.claim) == without.expect_equal


def test_bidirectional_zeroes_masked_steps_of_sequences():
    result = run(config_of("lengths=6,3&mask=1&return_sequences=1&bidirectional=1"))
    assert np.all(result.returns[0].value[1, 3:] == 0.0)


def test_stateful_carries_the_state_and_reset_clears_it():
    result = run(config_of("stateful=1&return_state=1"))
    assert [c.holds for c in result.stateful.checks] == [True, True]
    assert result.stateful.carried_effect > TOLERANCE
    assert result.stateful.second[0].shape == result.returns[0].shape


def test_stateful_bidirectional_is_not_one_long_sequence():
    result = run(config_of("stateful=1&bidirectional=1"))
    carried = result.stateful.checks[0]
    assert "!=" in carried.claim and carried.holds


def test_relu_states_are_unbounded_tanh_states_are_not():
    long = "units=16&timesteps=300&features=8&batch=4&input=steps&seed=1"
    relu = run(parse(f"{long}&activation=relu&return_sequences=1").strict().config)
    tanh = run(parse(f"{long}&return_sequences=1").strict().config)
    assert explain.largest_state(tanh) < 1 < explain.largest_state(relu)


@pytest.mark.parametrize("query, fix", [
    ("depth=2&inner_return_sequences=0", "inner_return_sequences"),
    ("bidirectional=1&go_backwards=1", "go_backwards"),
    ("bidirectional=1&merge_mode=none&depth=2", "merge_mode"),
    ("bidirectional=1&merge_mode=none&head=dense", "merge_mode"),
    ("head=time_distributed", "head"),
    ("stateful=1&bidirectional=1&return_state=1", "return_state"),  # a Keras 3.15.1 bug, not a rule
])
def test_combinations_keras_refuses_come_with_its_message_and_a_fix_that_builds(query, fix):
    config = config_of(query)
    result = run(config)
    assert result.refusal and result.returns == ()
    with pytest.raises((ValueError, TypeError)) as keras_error:
        keras_reference(config, result.x)
    numbered = re.compile(r"_\d+\b")  # Keras numbers the layers it names: lstm_3, keras_tensor_7
    assert numbered.sub("", result.refusal.message) == numbered.sub("", str(keras_error.value))
    assert list(result.refusal.fix) == [fix]
    fixed = run(parse(f"{SMALL}&{query}&" + "&".join(f"{k}={v}" for k, v in result.refusal.fix.items())).config)
    assert fixed.refusal is None and fixed.returns


def test_flipping_a_flag_keeps_the_same_data_and_weights():
    plain, both = run(config_of("")), run(config_of("return_sequences=1&return_state=1"))
    np.testing.assert_array_equal(plain.x, both.x)
    for name in plain.parts[0].weights:
        np.testing.assert_array_equal(plain.parts[0].weights[name], both.parts[0].weights[name])
    np.testing.assert_array_equal(plain.returns[0].value, both.returns[1].value)


def test_the_seed_changes_data_and_weights():
    a, b = run(config_of("seed=0")), run(config_of("seed=1"))
    assert not np.array_equal(a.x, b.x)
    assert not np.array_equal(a.parts[0].weights["kernel"], b.parts[0].weights["kernel"])


def test_uniform_input_is_in_zero_one_like_np_random_rand():
    result = run(parse("").config)
    np.random.seed(0)
    np.testing.assert_array_equal(result.x, np.random.rand(32, 10, 3).astype("float32"))


def test_long_sequences_take_the_compiled_path_and_still_agree():
    result = run(parse("units=8&timesteps=300&features=2&batch=2&return_sequences=1&return_state=1").config)
    expected, _ = keras_reference(result.config, result.x)
    np.testing.assert_allclose(result.returns[0].value, expected[0], atol=1e-5)
    assert result.agreement <= 1e-5


@pytest.mark.parametrize("layer, shapes", [("lstm", [(3, 20), (5, 20), (20,)]), ("gru", [(3, 15), (5, 15), (2, 15)]),
                                           ("simple_rnn", [(3, 5), (5, 5), (5,)])])
def test_weights_have_the_keras_shapes_and_seeding(layer, shapes):
    result = run(parse(f"layer={layer}&units=5&features=3&batch=1&timesteps=2").config)
    assert [w.shape for w in result.parts[0].weights.values()] == shapes
    keras.utils.set_random_seed(0)  # what a learner's own script gets with the same seed
    fresh = CLASSES[layer](5)
    fresh.build((None, 2, 3))
    for mine, theirs in zip(result.parts[0].weights.values(), fresh.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_runs_are_read_only():
    result = run(config_of("return_sequences=1&return_state=1"))
    for array in (result.x, result.returns[0].value, result.trace.h, result.parts[0].weights["kernel"]):
        with pytest.raises(ValueError):
            array[...] = 0
