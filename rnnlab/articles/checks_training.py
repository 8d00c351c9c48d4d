"""Checks on per-timestep outputs and their losses, from the article's own models and data.

- aligned_steps: prediction t of a return_sequences=True model is computed from input steps 0..t.
- mse_broadcast_one_target / mse_broadcast_targets: a y of the wrong shape trains silently under mse.
- input_shape_optional: a Sequential builds on its first call without any input shape.
- padding_processed / padding_loss: zero padding without a mask is read as data and counts in the loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.articles.check_kit import EXACT, LOSS_AGREE, Check, Runs, close, max_diff

CHANGED_FROM = 5  # aligned_steps changes the input from this timestep on


def aligned_steps(runs: Runs) -> Check:
    """(batch, timesteps, features) in, one prediction per input step out, each from steps 0..t only."""
    _, names = runs.working
    model, x = names["model"], np.asarray(names["X"], dtype="float32")
    changed = x.copy()
    changed[:, CHANGED_FROM:] += 1.0
    before, after = np.asarray(model(x)), np.asarray(model(changed))
    cut = CHANGED_FROM
    values = {"steps_in": float(x.shape[1]), "steps_out": float(before.shape[1]),
              "earlier_change": max_diff(before[:, :cut], after[:, :cut]),
              "later_change": max_diff(before[:, cut:], after[:, cut:])}
    last = x.shape[1] - 1
    facts = (
        f"{x.shape[1]} input timesteps give {before.shape[1]} predictions, one at each input step: prediction t "
        "sits at input step t, and none comes after the last one.",
        f"Changing the input at steps {cut}..{last} leaves predictions 0..{cut - 1} exactly as they were "
        f"(max |difference| = {values['earlier_change']:.2g}) and changes predictions {cut}..{last} (by up to "
        f"{values['later_change']:.3g}): prediction t is computed from input steps 0..t, never from later ones.",
        "Nothing here forecasts a future step: that happens only if y is shifted, y at step t being the "
        "value at step t+1 (the Train page's sine_next task).",
    )
    holds = (values["steps_out"] == values["steps_in"] and values["earlier_change"] <= EXACT
             and values["later_change"] > LOSS_AGREE)
    return Check(holds, facts, values)


def _broadcast(model: Any, x: np.ndarray, y: np.ndarray, expand: tuple) -> tuple[dict[str, float], str]:
    """Keras's mse of model on (x, y) against NumPy's on y broadcast (y[expand]); one fit epoch's loss."""
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)  # one small batch: no graph to trace
    prediction = np.asarray(model.predict(x, verbose=0), dtype="float64")
    values = {"keras_loss": float(model.evaluate(x, y, verbose=0)),
              "numpy_broadcast_loss": float(np.mean((prediction - y[expand]) ** 2))}
    history = model.fit(x, y, epochs=1, verbose=0)
    values["fit_loss"] = float(history.history["loss"][-1])
    return values, str(tuple(prediction.shape))


def mse_broadcast_one_target(runs: Runs) -> Check:
    """A (32, 10, 1) output against one target per sample, y (32, 1): no error, y copied to every step."""
    _, names = runs.working
    x = names["X"]
    y = np.random.RandomState(1).rand(len(x), 1)
    values, shape = _broadcast(names["model"], x, y, (slice(None), None, slice(None)))
    facts = (f"Output {shape} against y {y.shape} under mse: evaluate and fit run, with no error and no warning.",
             f"Keras's loss {values['keras_loss']:.6g} equals mean((prediction - y[:, None, :])²) = "
             f"{values['numpy_broadcast_loss']:.6g}: the one target was copied to all {x.shape[1]} timesteps.")
    return Check(close(values["keras_loss"], values["numpy_broadcast_loss"]), facts, values)


def _cross_entropy_error(model: Any, x: np.ndarray, y: np.ndarray) -> str:
    """What Keras says when the same model and y are evaluated under binary cross-entropy ('' if nothing)."""
    from rnnlab.own_code import error_text

    model.compile(optimizer="adam", loss="binary_crossentropy", run_eagerly=True)
    try:
        model.evaluate(x, y, verbose=0)
    except Exception as err:
        return error_text(err)
    return ""


def mse_broadcast_targets(runs: Runs) -> Check:
    """A (50, 20, 3) output against one variable per timestep, y (50, 20, 1): no error under mse, y copied to
    all 3 outputs; binary cross-entropy does raise."""
    _, names = runs.working
    x = names["X"]
    y = np.random.RandomState(1).rand(*x.shape[:2], 1)
    values, shape = _broadcast(names["model"], x, y, (Ellipsis,))
    raised = _cross_entropy_error(names["model"], x, y)
    facts = (f"Output {shape} against y {y.shape} (one variable per timestep instead of 3) under mse: "
             "evaluate and fit run, with no error and no warning.",
             f"Keras's loss {values['keras_loss']:.6g} equals mean((prediction - y)²) with y broadcast over the 3 "
             f"outputs = {values['numpy_broadcast_loss']:.6g}.",
             f"The same y under binary cross-entropy: {raised or 'no error either'}. The loss decides whether a "
             "mismatch is an error.")
    holds = close(values["keras_loss"], values["numpy_broadcast_loss"]) and "same shape" in raised
    return Check(holds, facts, values)


def input_shape_optional(runs: Runs) -> Check:
    """The article's model without input_shape (no input shape at all) builds on its first call, the same."""
    import keras

    _, names = runs.working
    model, x = names["model"], names["X"]
    bare = keras.Sequential([keras.layers.LSTM(64, activation="relu", return_sequences=True),
                             keras.layers.Dense(units=1)])
    shape, params = bare.predict(x, verbose=0).shape, bare.count_params()
    theirs = model.predict(x, verbose=0).shape, model.count_params()
    facts = (f"The same Sequential with no input shape at all builds on its first call: predict gives {shape} "
             f"with {params:,} parameters; the article's model (once it runs) gives {theirs[0]} with "
             f"{theirs[1]:,}.",
             "input_shape= is not needed, and in Keras 3 it draws a warning: keras.Input(shape=...) is the way "
             "to fix the shape in advance.")
    return Check((shape, params) == theirs, facts, {"params": float(params)})


CHECKS = {"aligned_steps": aligned_steps, "mse_broadcast_one_target": mse_broadcast_one_target,
          "mse_broadcast_targets": mse_broadcast_targets, "input_shape_optional": input_shape_optional}
