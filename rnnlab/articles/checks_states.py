"""Checks on what an LSTM with return_state=True returns, from the article's own model and data.

The article's run leaves `model` (its Sequential: LSTM(64, return_state=True) on (10, 3)), `X` (32, 10, 3)
and the three arrays it unpacked. Which array is h and which is c is settled independently of Keras's
names: the NumPy recurrence (rnnlab.trace) recomputes h_t and c_t from the layer's own weights.
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


def _dense_after(units: int, shape: tuple[int, ...]) -> str:
    import keras

    try:
        keras.Sequential([keras.Input(shape), keras.layers.LSTM(units, return_state=True),
                          keras.layers.Dense(1, name="dense")])
    except Exception as err:
        return first_sentence(error_text(err))
    return ""


def _fit_one_target(model: Any, x: np.ndarray) -> str:
    model.compile(optimizer="adam", loss="mse")
    try:
        model.fit(x, np.random.RandomState(1).rand(len(x), 1), epochs=1, verbose=0)
    except Exception as err:
        return error_text(err)
    return ""


def sequential_dead_end(runs: Runs) -> Check:
    """The article's Sequential returns three arrays from predict, but a Dense after its LSTM fails, and fit
    with one y fails; the corrected (functional) code trains a head on the output."""
    _, names = runs.working
    model, x = names["model"], names["X"]
    dense = _dense_after(model.layers[0].units, tuple(x.shape[1:]))
    fit = _fit_one_target(model, x)
    corrected, _ = runs.corrected
    facts = (f"A Dense layer after that LSTM in a Sequential: {dense or 'no error'}",
             f"compile and fit with one y (shape ({len(x)}, 1)): {fit or 'no error'}",
             "The corrected code (the functional API) unpacks the three tensors and trains a Dense head on "
             "output." if corrected.ran else f"The corrected code failed: {corrected.error}")
    holds = "expects 1 input(s), but it received 3" in dense and bool(fit) and corrected.ran
    return Check(holds, facts)


CHECKS = {"state_order": state_order, "both_true_order": both_true_order,
          "sequential_dead_end": sequential_dead_end}
