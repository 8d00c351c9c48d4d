"""Checks on zero padding without a mask, from the article's own trained model and its padded data.

The article's run leaves `model` (LSTM(32, relu, return_sequences=True) -> Dense(1), trained 10 epochs with no
mask), `X` and `y` (3, 5, 1): sequences [1, 2, 3], [4, 5], [6..10] post-padded with zeros. The same weights
behind a Masking layer show what the padding did.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnlab.articles.check_kit import EXACT, LOSS_AGREE, Check, Runs, close, max_diff

SHORT = 1  # the sequence [4, 5]: two real steps, three padded ones


def _masked_twin(model: Any, x: np.ndarray) -> Any:
    """The article's model with Masking(mask_value=0.0) first, the same weights, compiled with mse."""
    import keras

    twin = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Masking(mask_value=0.0),
                             keras.layers.LSTM(32, activation="relu", return_sequences=True),
                             keras.layers.Dense(units=1)])
    twin.set_weights(model.get_weights())
    twin.compile(optimizer="adam", loss="mse", run_eagerly=True)
    return twin


def _real(x: np.ndarray) -> np.ndarray:
    """(batch, timesteps) True at the real steps (what Masking keeps: any feature not 0)."""
    return np.any(np.asarray(x) != 0, axis=-1)


def padding_processed(runs: Runs) -> Check:
    """Without a mask the padded zeros are read as steps: the prediction moves after the last real step."""
    _, names = runs.working
    model, x = names["model"], names["X"]
    plain, masked = np.asarray(model(x)), np.asarray(_masked_twin(model, x)(x))
    real = _real(x)
    last = int(real[SHORT].sum()) - 1
    values = {"drift_without_mask": max_diff(plain[SHORT, -1], plain[SHORT, last]),
              "drift_with_mask": max_diff(masked[SHORT, -1], masked[SHORT, last]),
              "real_steps_differ": max_diff(plain[real], masked[real])}
    facts = (
        f"Without a mask the zeros are read like any other input: for the sequence [4, 5], the prediction at the "
        f"last padded step differs from the one at its last real step by {values['drift_without_mask']:.3g}.",
        f"The same weights behind Masking(mask_value=0.0): the padded steps are skipped (max |difference| = "
        f"{values['drift_with_mask']:.2g}), and at the real steps both give the same predictions (max |difference|"
        f" = {values['real_steps_differ']:.2g}): with post padding, the mask changes only the padded steps.",
    )
    holds = (values["drift_without_mask"] > LOSS_AGREE and values["drift_with_mask"] <= EXACT
             and values["real_steps_differ"] <= EXACT)
    return Check(holds, facts, values)


def _losses(model: Any, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)  # the article's loss; no graph to trace
    real = _real(x)
    squares = (np.asarray(model(x), dtype="float64") - y) ** 2
    return {"no_mask": float(model.evaluate(x, y, verbose=0)),
            "mask": float(_masked_twin(model, x).evaluate(x, y, verbose=0)),
            "sample_weight": float(model.evaluate(x, y, sample_weight=real.astype("float32"), verbose=0)),
            "numpy_all_steps": float(squares.mean()),
            "numpy_real_steps": float(squares[real].mean()),
            "numpy_real_sum_over_all": float(squares[real].sum() / squares.size),
            "numpy_padded_share": float(squares[~real].sum() / squares.size),
            "real": float(real.sum()), "steps": float(real.size)}


def padding_loss(runs: Runs) -> Check:
    """The loss the article trains on counts the padded targets; a mask leaves them out, and so does
    sample_weight (divided by every step, though: Keras's default reduction)."""
    _, names = runs.working
    v = _losses(names["model"], names["X"], np.asarray(names["y"], dtype="float64"))
    real, steps = int(v["real"]), int(v["steps"])
    facts = (
        f"The loss the article's code trains on (no mask): {v['no_mask']:.6g}, the mean over all {steps} timesteps,"
        f" the {steps - real} padded ones included: there the model is trained to predict the padding's 0.",
        f"With Masking (same weights): {v['mask']:.6g}, the mean over the {real} real timesteps only "
        f"(NumPy: {v['numpy_real_steps']:.6g}).",
        f"With no mask and sample_weight 0 at the padded steps: {v['sample_weight']:.6g}, the sum over the real "
        f"steps divided by all {steps} (NumPy: {v['numpy_real_sum_over_all']:.6g}): the padded steps are left out, "
        f"but Keras's default reduction still divides by every step.",
        f"Here the padded steps' own squared errors add {v['numpy_padded_share']:.3g} to the loss without a mask "
        f"(this barely trained model predicts little more than 0 anywhere); above all they divide the real steps' "
        f"error by {steps} instead of {real}, so the loss looks smaller than the error on the data, and every "
        f"gradient step also pulls the padded predictions toward 0.",
    )
    holds = (close(v["no_mask"], v["numpy_all_steps"])
             and close(v["no_mask"], v["numpy_real_sum_over_all"] + v["numpy_padded_share"])
             and close(v["mask"], v["numpy_real_steps"]) and close(v["sample_weight"], v["numpy_real_sum_over_all"])
             and not close(v["no_mask"], v["mask"]))
    return Check(holds, facts, v)


CHECKS = {"padding_processed": padding_processed, "padding_loss": padding_loss}
