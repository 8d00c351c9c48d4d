"""Step-by-step recurrences in NumPy, recomputed from a layer's own weights.

Keras returns at most the last states; the trace holds every step: h_t, c_t and the gates.
It is a magnifying glass, checked against what Keras returns (see run.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LSTM_GATES = ("i", "f", "g", "o")  # Keras kernel column blocks, in this order (g is Keras's "c")


@dataclass(frozen=True)
class Trace:
    """Every step of a recurrence; each array has shape (batch, timesteps, units)."""

    h: np.ndarray
    c: np.ndarray | None
    gates: dict[str, np.ndarray]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


def lstm(x: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray) -> Trace:
    """x (B, T, F), kernel (F, 4U), recurrent_kernel (U, 4U), bias (4U,) -> Trace.

    i, f, o = sigmoid(...), g = tanh(...); c_t = f_t * c_{t-1} + i_t * g_t; h_t = o_t * tanh(c_t).
    """
    batch, timesteps, _ = x.shape
    units = recurrent_kernel.shape[0]
    x_part = x @ kernel + bias  # (B, T, 4U): the input's share of every step, all at once
    h_prev = np.zeros((batch, units), x.dtype)
    c_prev = np.zeros((batch, units), x.dtype)
    h = np.empty((batch, timesteps, units), x.dtype)
    c = np.empty_like(h)
    gates = {name: np.empty_like(h) for name in LSTM_GATES}
    for t in range(timesteps):
        z = x_part[:, t] + h_prev @ recurrent_kernel
        z_i, z_f, z_g, z_o = np.split(z, 4, axis=1)
        i, f, g, o = _sigmoid(z_i), _sigmoid(z_f), np.tanh(z_g), _sigmoid(z_o)
        c_prev = f * c_prev + i * g
        h_prev = o * np.tanh(c_prev)
        h[:, t], c[:, t] = h_prev, c_prev
        for name, value in zip(LSTM_GATES, (i, f, g, o)):
            gates[name][:, t] = value
    return Trace(h, c, gates)
