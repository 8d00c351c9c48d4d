"""The articles' six examples run on the installed Keras, and every correction the page shows is what Keras does:
each one is measured again here, independently of rnnlab.articles, and compared with the evidence."""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings
from urllib.parse import parse_qsl

import keras
import numpy as np
import pytest

from rnnlab import articles, doctor, lessons
from rnnlab.articles.check_kit import EXACT, INPUT_SHAPE_WARNING, close
from rnnlab.params import parse
from rnnlab.trace import recurrence
from rnnlab.training import plan, settings as train_settings
from tests.conftest import ROOT

IDS = [e.id for e in articles.EXAMPLES]


@pytest.fixture(scope="module")
def evidence() -> dict[str, articles.Evidence]:
    return {example_id: articles.example_evidence(example_id) for example_id in IDS}


# --- every example works, and every check backs its claim ---------------------------------------------------

@pytest.mark.parametrize("example_id", IDS)
def test_every_example_runs_fixed_where_needed_and_corrected(evidence, example_id):
    example, found = articles.BY_ID[example_id], evidence[example_id]
    assert found.keras_version == keras.__version__
    assert found.as_written.ran == (example.fix is None)
    if example.fix is not None:
        assert found.fixed.ran and not found.fixed.error
    assert found.corrected.ran and found.corrected.warnings == ()
    assert (found.fixed or found.as_written).printed == example.says_prints


@pytest.mark.parametrize("example_id", IDS)
def test_every_claim_has_a_check_that_holds_on_the_installed_keras(evidence, example_id):
    example, found = articles.BY_ID[example_id], evidence[example_id]
    for claim in example.claims:
        check = found.checks[claim.check]
        assert check.holds, (claim.check, check.facts)
        assert check.facts and all(isinstance(f, str) and f for f in check.facts)
        if claim.in_code:  # a quoted line of code is the article's own
            assert claim.quote in example.code


# --- corrections, measured again here --------------------------------------------------------------------------

def _first_use_before_definition(code: str, name: str) -> int:
    """The line where `name` is read before any line assigns it."""
    tree = ast.parse(code)
    reads = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name
             and isinstance(n.ctx, ast.Load)]
    stores = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name
              and isinstance(n.ctx, ast.Store)]
    assert min(reads) < min(stores)
    return min(reads)


@pytest.mark.parametrize("example_id", ["steps-1", "steps-2"])
def test_two_examples_read_timesteps_before_defining_it_and_stop_with_a_name_error(evidence, example_id):
    example, found = articles.BY_ID[example_id], evidence[example_id]
    line = _first_use_before_definition(example.code, "timesteps")
    assert found.as_written.error == "NameError: name 'timesteps' is not defined"
    assert found.as_written.error_line == line
    with pytest.raises(NameError):
        exec(compile(example.code, "article", "exec"), {})  # noqa: S102  (our shipped copy of the article)


def test_input_shape_on_a_layer_is_warned_about_in_every_example(evidence):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.layers.LSTM(4, input_shape=(10, 3))
    keras_says = next(str(w.message) for w in caught if INPUT_SHAPE_WARNING in str(w.message))
    for example_id in IDS:
        found = evidence[example_id]
        assert "input_shape=" in articles.BY_ID[example_id].code
        assert f"UserWarning: {keras_says}" in (found.fixed or found.as_written).warnings
        assert not any(INPUT_SHAPE_WARNING in w for w in found.corrected.warnings)


def _lstm_returns(return_sequences: bool):
    x = np.random.RandomState(3).rand(5, 6, 2).astype("float32")
    layer = keras.layers.LSTM(4, return_sequences=return_sequences, return_state=True)
    returned = layer(x)
    trace = recurrence("lstm", x, layer.get_weights())
    return [np.asarray(t) for t in returned], trace, type(returned)


def test_keras_returns_output_then_state_h_then_state_c_and_output_is_state_h(evidence):
    (output, state_h, state_c), trace, container = _lstm_returns(return_sequences=False)
    assert container is tuple
    assert np.max(np.abs(output - state_h)) <= EXACT
    np.testing.assert_allclose(state_h, trace.h[:, -1], atol=1e-5)
    np.testing.assert_allclose(state_c, trace.c[:, -1], atol=1e-5)
    assert not np.allclose(state_h, state_c)
    values = evidence["shape-3"].checks["state_order"].values
    assert values["count"] == 3 and values["output_vs_state_h"] <= EXACT
    assert values["state_h_vs_numpy_h"] <= 1e-4 and values["state_c_vs_numpy_c"] <= 1e-4
    assert "output, state_h, state_c" in evidence["shape-3"].checks["state_order"].facts[0]


def test_with_both_flags_the_order_is_sequence_state_h_state_c(evidence):
    (sequence, state_h, state_c), trace, _ = _lstm_returns(return_sequences=True)
    assert sequence.ndim == 3 and state_h.ndim == state_c.ndim == 2
    assert np.max(np.abs(sequence[:, -1] - state_h)) <= EXACT
    np.testing.assert_allclose(state_c, trace.c[:, -1], atol=1e-5)
    check = evidence["shape-3"].checks["both_true_order"]
    assert check.values["output_vs_state_h"] <= EXACT
    assert "(32, 10, 64), (32, 64), (32, 64)" in check.facts[0]


def test_a_sequential_lstm_with_state_takes_a_list_layer_after_it_but_no_single_input_layer(evidence):
    x, y = np.random.RandomState(0).rand(4, 5, 3), np.random.RandomState(1).rand(4, 1)
    with pytest.raises(ValueError, match=r"expects 1 input\(s\), but it received 3"):
        keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, return_state=True), keras.layers.Dense(1)])
    for follow in (keras.layers.Concatenate(), keras.layers.Add(), keras.layers.Lambda(lambda t: t[0])):
        model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, return_state=True), follow,
                                  keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        assert np.isfinite(model.fit(x, y, epochs=1, verbose=0).history["loss"][-1])
    claim = next(c for c in articles.BY_ID["shape-3"].claims if c.check == "sequential_states")
    assert "dead end" not in claim.correction and "no layer can follow" not in claim.correction
    assert all(name in claim.correction for name in ("single-input", "Concatenate", "Add", "Lambda"))
    check = evidence["shape-3"].checks["sequential_states"]
    facts = " ".join(check.facts)
    assert check.holds and "expects 1 input(s), but it received 3 input tensors" in facts
    for name in ("Concatenate", "Add", "Lambda"):
        assert f"{name} after it, then Dense(1): builds, and fits one y of shape (32, 1)" in facts
        assert np.isfinite(check.values[f"{name}_loss"])


def test_relu_in_the_articles_lstm_is_corrected_with_the_overflow_and_cudnn_measured(evidence):
    ones = {"kernel_initializer": "ones", "recurrent_initializer": "ones", "return_sequences": True}
    x = np.full((1, 200, 1), 3.0, "float32")
    relu = np.asarray(keras.layers.LSTM(1, activation="relu", **ones)(x))[0, :, 0]
    tanh = np.asarray(keras.layers.LSTM(1, **ones)(x))[0, :, 0]
    assert np.isinf(relu[-1]) and np.all(np.abs(tanh) <= 1.0)
    for example_id in ("steps-1", "steps-3"):
        example, check = articles.BY_ID[example_id], evidence[example_id].checks["relu_unbounded"]
        claim = next(c for c in example.claims if c.check == "relu_unbounded")
        assert claim.verdict != articles.RIGHT and "activation='relu'" in claim.quote and "cuDNN" in claim.correction
        assert check.holds and check.values["relu_h_10"] == pytest.approx(float(relu[9]), rel=1e-5)
        assert check.values["tanh_max_h"] == pytest.approx(float(np.max(np.abs(tanh))), rel=1e-5)
        assert check.values["relu_inf_from_step"] == 1 + int(np.argmax(np.isinf(relu)))
        assert "refuses activation='relu'" in " ".join(check.facts)
        assert "relu" not in example.corrected  # the corrected code keeps tanh, the default


def test_the_aligned_tagger_is_not_headed_sequence_to_sequence_and_its_title_is_checked(evidence):
    example = articles.BY_ID["shape-2"]
    assert "sequence-to-sequence" not in example.shown_title.lower()
    claim = next(c for c in example.claims if c.quote == example.title)
    assert claim.verdict == articles.MISLEADING and evidence["shape-2"].checks[claim.check].holds
    assert "encoder" in claim.correction


def test_per_timestep_predictions_are_aligned_with_the_input_steps_not_future_ones(evidence):
    model = keras.Sequential([keras.Input((6, 2)), keras.layers.LSTM(3, return_sequences=True),
                              keras.layers.Dense(1)])
    x = np.random.RandomState(1).rand(4, 6, 2).astype("float32")
    later = x.copy()
    later[:, 3:] += 1.0
    before, after = np.asarray(model(x)), np.asarray(model(later))
    assert before.shape[1] == x.shape[1]
    assert np.max(np.abs(before[:, :3] - after[:, :3])) <= EXACT
    assert np.max(np.abs(before[:, 3:] - after[:, 3:])) > 1e-4
    values = evidence["shape-2"].checks["aligned_steps"].values
    assert values["steps_out"] == values["steps_in"] == 10
    assert values["earlier_change"] <= EXACT < values["later_change"]


def _mse_against(y: np.ndarray, output_shape: tuple[int, ...]) -> tuple[float, np.ndarray]:
    model = keras.Sequential([keras.Input(output_shape[1:2] + (2,)), keras.layers.LSTM(3, return_sequences=True),
                              keras.layers.Dense(output_shape[-1])])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.RandomState(2).rand(output_shape[0], output_shape[1], 2)
    prediction = model.predict(x, verbose=0)
    loss = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=1, verbose=0)  # no error either
    return loss, prediction


def test_a_wrong_y_shape_is_broadcast_silently_under_mse(evidence):
    one_per_sample = np.random.RandomState(4).rand(6, 1)
    loss, prediction = _mse_against(one_per_sample, (6, 5, 1))
    assert close(loss, float(np.mean((prediction - one_per_sample[:, None, :]) ** 2)))
    one_variable = np.random.RandomState(5).rand(6, 5, 1)
    loss, prediction = _mse_against(one_variable, (6, 5, 3))
    assert prediction.shape == (6, 5, 3) and close(loss, float(np.mean((prediction - one_variable) ** 2)))
    for example_id, check in (("shape-2", "mse_broadcast_one_target"), ("steps-2", "mse_broadcast_targets")):
        values = evidence[example_id].checks[check].values
        assert close(values["keras_loss"], values["numpy_broadcast_loss"])
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(3, return_sequences=True), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.raises(ValueError, match="must have the same shape") as raised:
        model.evaluate(np.zeros((6, 5, 2)), one_variable, verbose=0)
    assert "must have the same shape" in evidence["steps-2"].checks["mse_broadcast_targets"].facts[2]
    assert "must have the same shape" in str(raised.value)


def test_padded_targets_count_in_the_loss_without_a_mask(evidence):
    x = keras.utils.pad_sequences([[1, 2, 3], [4, 5]], maxlen=4, padding="post").reshape(2, 4, 1).astype("float32")
    y = x.copy()
    layers = [keras.layers.LSTM(3, return_sequences=True), keras.layers.Dense(1)]
    plain = keras.Sequential([keras.Input((4, 1)), *layers])
    masked = keras.Sequential([keras.Input((4, 1)), keras.layers.Masking(0.0), *layers])  # the same layers
    for model in (plain, masked):
        model.compile(optimizer="adam", loss="mse")
    squares, real = (np.asarray(plain(x)) - y) ** 2, x[..., 0] != 0
    assert close(plain.evaluate(x, y, verbose=0), float(squares.mean()))
    assert close(masked.evaluate(x, y, verbose=0), float(squares[real].mean()))
    weighted = plain.evaluate(x, y, sample_weight=real.astype("float32"), verbose=0)
    assert close(weighted, float(squares[real].sum() / squares.size))
    values = evidence["steps-3"].checks["padding_loss"].values
    assert close(values["no_mask"], values["numpy_all_steps"])
    assert close(values["mask"], values["numpy_real_steps"]) and not close(values["mask"], values["no_mask"])
    assert close(values["sample_weight"], values["numpy_real_sum_over_all"])
    assert close(values["no_mask"], values["numpy_real_sum_over_all"] + values["numpy_padded_share"])
    assert (values["real"], values["steps"]) == (10, 15)
    drift = evidence["steps-3"].checks["padding_processed"].values
    assert drift["drift_with_mask"] <= EXACT < drift["drift_without_mask"]


def test_a_sequential_builds_without_any_input_shape(evidence):
    model = keras.Sequential([keras.layers.LSTM(5, return_sequences=True), keras.layers.Dense(1)])
    assert model.predict(np.zeros((2, 7, 1)), verbose=0).shape == (2, 7, 1)
    assert evidence["steps-1"].checks["input_shape_optional"].holds


# --- the page's data ---------------------------------------------------------------------------------------------

def test_every_example_links_to_lessons_that_exist():
    for example in articles.EXAMPLES:
        found = [link for link in example.links if link.page == "lesson"]
        assert found, example.id
        for link in found:
            slug = dict(parse_qsl(link.query))["lesson"]
            assert lessons.find(slug) is not None and lessons.find(slug).slug == slug, (example.id, slug)


def test_every_link_opens_its_page_with_exactly_these_settings():
    train_names = set(train_settings.TRAIN)
    for example in articles.EXAMPLES:
        for link in example.links:
            if link.page in ("doctor", "lesson"):
                continue
            pairs = dict(parse_qsl(link.query))
            model = {k: v for k, v in pairs.items() if k not in train_names}
            assert not parse(model).notices, (example.id, link.query)
            if link.page == "train":
                checked = train_settings.parse({k: v for k, v in pairs.items() if k in train_names})
                assert not checked.problems
                assert plan.refusal(parse(model).config, checked.value) is None, (example.id, link.query)


@pytest.mark.parametrize("example_id, verdict", [("shape-2", "problem"), ("shape-3", None), ("steps-2", "problem")])
def test_the_doctor_links_are_diagnosed(example_id, verdict):
    """A y of the wrong shape (silently broadcast under mse) is a problem for the doctor."""
    link = next(k for k in articles.BY_ID[example_id].links if k.page == "doctor")
    code, x_shape, y_shape, loss = link.doctor
    diagnosis = doctor.diagnose(code, x_shape, y_shape or None, loss or None)
    assert diagnosis.problems  # the input_shape= warning at least
    if verdict:
        assert diagnosis.verdict == verdict


def test_the_articles_module_imports_without_tensorflow():
    code = "import sys, rnnlab.articles; sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
