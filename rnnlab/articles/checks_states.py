"""Checks on what an LSTM with return_state=True returns, from the article's own model and data.

The article's run leaves `model` (its Sequential: LSTM(64, return_state=True) on (10, 3)), `X` (32, 10, 3)
and the three arrays it unpacked. Which array is h and which is c is settled independently of Keras's
names: the NumPy recurrence (rnnlab.trace) recomputes h_t and c_t from the layer's own weights. The
last two checks are about what may follow such a layer, and about h itself under activation='relu'.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.articles.check_kit import EXACT, Check, Runs, first_sentence, max_diff
from rnnlab.own_code import error_text

AGREE = 1e-4  # Keras against the NumPy recurrence (float32, ten steps)


def _numpy_states(layer: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Final h and c (batch, units), recomputed from the layer's weights."""
    from rnnlab.trace import recurrence

    trace = recurrence("lstm", np.asarray(x, dtype="float32"), layer.get_weights())
    return trace.h[:, -1], trace.c[:, -1]


def _identify(second: Any, third: Any, h: np.ndarray, c: np.ndarray) -> dict[str, float]:
    return {"state_h_vs_numpy_h": max_diff(second, h), "state_c_vs_numpy_c": max_diff(third, c),
            "h_vs_c": max_diff(second, third)}


def _order_holds(values: dict[str, float]) -> bool:
    return (values["output_vs_state_h"] <= EXACT and values["state_h_vs_numpy_h"] <= AGREE
            and values["state_c_vs_numpy_c"] <= AGREE and values["h_vs_c"] > AGREE)


def state_order(runs: Runs) -> Check:
    """return_sequences=False, return_state=True: Keras returns (output, state_h, state_c), output == state_h."""
    _, names = runs.working
    model, x = names["model"], names["X"]
    returned = model.predict(x, verbose=0)
    h, c = _numpy_states(model.layers[0], x)
    values = {"count": float(len(returned)),
              "output_vs_state_h": max_diff(names["output"], names["hidden_state"]),
              **_identify(names["hidden_state"], names["cell_state"], h, c)}
    facts = (
        f"predict returns a {type(returned).__name__} of {len(returned)} arrays, in this order: output, state_h, "
        "state_c.",
        f"output == hidden_state: max |difference| = {values['output_vs_state_h']:.2g}. The output is the "
        "last hidden state h: the three arrays hold two quantities.",
        f"hidden_state is h (against h recomputed in NumPy from the layer's weights: max |difference| = "
        f"{values['state_h_vs_numpy_h']:.2g}); cell_state is c (max |difference| = "
        f"{values['state_c_vs_numpy_c']:.2g}); h and c differ by up to {values['h_vs_c']:.3g}.",
    )
    return Check(isinstance(returned, tuple) and len(returned) == 3 and _order_holds(values), facts, values)


def both_true_order(runs: Runs) -> Check:
    """return_sequences=True, return_state=True: (whole sequence, state_h, state_c), sequence[:, -1] == h."""
    import keras

    _, names = runs.working
    article_layer, x = names["model"].layers[0], names["X"]
    layer = keras.layers.LSTM(article_layer.units, return_sequences=True, return_state=True)
    layer.build(x.shape)
    layer.set_weights(article_layer.get_weights())
    returned = layer(x)
    seq, state_h, state_c = (np.asarray(t) for t in returned)
    h, c = _numpy_states(article_layer, x)
    values = {"output_vs_state_h": max_diff(seq[:, -1], state_h), **_identify(state_h, state_c, h, c)}
    shapes = ", ".join(str(tuple(t.shape)) for t in (seq, state_h, state_c))
    facts = (
        f"The same layer with return_sequences=True and return_state=True returns {len(returned)} tensors: "
        f"{shapes}: the whole sequence, then state_h, then state_c.",
        f"sequence[:, -1] == state_h: max |difference| = {values['output_vs_state_h']:.2g}; state_h is h and "
        f"state_c is c (against NumPy: {values['state_h_vs_numpy_h']:.2g} and {values['state_c_vs_numpy_c']:.2g}).",
    )
    return Check(len(returned) == 3 and seq.shape[1] == x.shape[1] and _order_holds(values), facts, values)


LIST_LAYERS = ("Concatenate", "Add", "Lambda")  # layers that take the list of three tensors


def _follow(units: int, x: np.ndarray, after: str) -> tuple[str, float]:
    """A Sequential of the article's LSTM, then the layer called `after` (then Dense(1) for a list layer),
    fitted one epoch to one target per sample: (Keras's error, '' when it builds and fits; the loss)."""
    import keras

    layers = {"Dense": lambda: keras.layers.Dense(1), "Concatenate": keras.layers.Concatenate,
              "Add": keras.layers.Add, "Lambda": lambda: keras.layers.Lambda(lambda tensors: tensors[0])}
    head = [keras.layers.Dense(1)] if after in LIST_LAYERS else []
    try:
        model = keras.Sequential([keras.Input(tuple(x.shape[1:])), keras.layers.LSTM(units, return_state=True),
                                  layers[after](), *head])
    except Exception as err:
        return first_sentence(error_text(err)), float("nan")
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)  # one small batch: no graph to trace
    y = np.random.RandomState(1).rand(len(x), 1)
    return "", float(model.fit(x, y, epochs=1, verbose=0).history["loss"][-1])


def sequential_states(runs: Runs) -> Check:
    """The article's Sequential returns three arrays; a single-input layer (Dense) cannot follow its LSTM, but a
    layer that takes a list (Concatenate, Add, Lambda) can, and that model fits one y."""
    _, names = runs.working
    model, x = names["model"], np.asarray(names["X"], dtype="float32")
    units = model.layers[0].units
    dense, _ = _follow(units, x, "Dense")
    fitted = {after: _follow(units, x, after) for after in LIST_LAYERS}
    values = {f"{after}_loss": loss for after, (_, loss) in fitted.items()}
    corrected, _ = runs.corrected
    fits = f"builds, and fits one y of shape ({len(x)}, 1): loss"
    facts = (f"Dense(1) after that LSTM in a Sequential: {dense or 'no error'}",
             *(f"{after} after it, then Dense(1): {error or f'{fits} {loss:.3g}'}"
               for after, (error, loss) in fitted.items()),
             "The corrected code (the functional API) unpacks the three tensors by name and trains a Dense head "
             "on output alone." if corrected.ran else f"The corrected code failed: {corrected.error}")
    holds = ("expects 1 input(s), but it received 3" in dense and corrected.ran
             and all(not error and np.isfinite(loss) for error, loss in fitted.values()))
    return Check(holds, facts, values)


RELU_STEPS, RELU_INPUT = 200, 3.0  # a long sequence of one large input, weights of ones


def _unit_lstm(activation: str) -> np.ndarray:
    """h at every step of LSTM(1, activation) with kernels of ones, on RELU_STEPS steps of RELU_INPUT."""
    import keras

    layer = keras.layers.LSTM(1, activation=activation, return_sequences=True, kernel_initializer="ones",
                              recurrent_initializer="ones")
    return np.asarray(layer(np.full((1, RELU_STEPS, 1), RELU_INPUT, "float32")), dtype="float64")[0, :, 0]


def _cudnn_accepts(activation: str) -> bool | None:
    """Keras's own test of whether cuDNN can run an LSTM with this activation (None when Keras has none)."""
    import keras

    layer = keras.layers.LSTM(1, activation=activation)
    try:
        import sys

        import keras.src.backend.tensorflow.rnn  # noqa: F401  (the module: its package exports a function `rnn`)

        module = sys.modules["keras.src.backend.tensorflow.rnn"]
        supports_cudnn = getattr(module, "_do_lstm_arguments_support_cudnn")  # Keras's own test, no public name
        return bool(supports_cudnn(layer.cell.activation, layer.cell.recurrent_activation, layer.unroll,
                                   layer.cell.use_bias))
    except (ImportError, AttributeError):
        return None


def relu_unbounded(runs: Runs) -> Check:
    """activation='relu' in an LSTM: h has no bound (it overflows to inf on a long sequence) where tanh keeps
    |h| below 1, and Keras's cuDNN kernel refuses it."""
    relu, tanh = _unit_lstm("relu"), _unit_lstm("tanh")
    finite = np.isfinite(relu)
    overflow = int(np.argmin(finite)) + 1 if not finite.all() else 0
    cudnn = {act: _cudnn_accepts(act) for act in ("tanh", "relu")}
    values = {"relu_h_10": float(relu[9]), "relu_h_last": float(relu[-1]), "relu_inf_from_step": float(overflow),
              "tanh_max_h": float(np.max(np.abs(tanh)))}
    said = {True: "accepts", False: "refuses", None: "could not be asked about"}
    facts = (f"LSTM(1, activation='relu') with kernels of ones, on {RELU_STEPS} steps of the input "
             f"{RELU_INPUT:g}: h = {values['relu_h_10']:.6g} at step 10, and "
             + (f"inf (float32 overflow) from step {overflow} on." if overflow else
                f"{values['relu_h_last']:.6g} at step {RELU_STEPS}."),
             f"The same layer with tanh (the default): max |h| over the {RELU_STEPS} steps = "
             f"{values['tanh_max_h']:.4g}, since h = o × tanh(c) stays between -1 and 1.",
             f"Keras's test of the arguments cuDNN supports {said[cudnn['tanh']]} activation='tanh' and "
             f"{said[cudnn['relu']]} activation='relu': on a GPU, a relu LSTM runs Keras's slower generic loop.")
    holds = bool(overflow) and values["tanh_max_h"] <= 1.0 and cudnn == {"tanh": True, "relu": False}
    return Check(holds, facts, values)


CHECKS = {"state_order": state_order, "both_true_order": both_true_order,
          "sequential_states": sequential_states, "relu_unbounded": relu_unbounded}
