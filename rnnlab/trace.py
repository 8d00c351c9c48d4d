"""Step-by-step recurrences in NumPy, recomputed from a layer's own weights.

Keras returns at most the last states; a Trace holds every step: h_t, c_t and the gates.
It is a magnifying glass, checked against what Keras returns (see run.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Trace:
    """Every step of one recurrent layer, in the order Keras returns its sequence output.

    h (and c for LSTM) and each gate: (batch, timesteps, units). With go_backwards, step k is the
    layer's k-th step, which read input timestep T-1-k.
    """

    h: Array
    c: Array | None
    gates: dict[str, Array]


def sigmoid(z: Array) -> Array:
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


ACTIVATIONS: dict[str, Callable[[Array], Array]] = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": sigmoid,
    "linear": lambda z: z,
}


def _lstm_step(x_part, h, c, recurrent_kernel, act):
    z = x_part + h @ recurrent_kernel
    z_i, z_f, z_g, z_o = np.split(z, 4, axis=1)
    i, f, g, o = sigmoid(z_i), sigmoid(z_f), act(z_g), sigmoid(z_o)
    c = f * c + i * g
    return o * act(c), c, {"i": i, "f": f, "g": g, "o": o}


def _gru_step(x_part, h, c, recurrent_kernel, act, recurrent_bias):
    x_z, x_r, x_h = np.split(x_part, 3, axis=1)
    h_z, h_r, h_h = np.split(h @ recurrent_kernel + recurrent_bias, 3, axis=1)
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    candidate = act(x_h + r * h_h)
    return z * h + (1.0 - z) * candidate, None, {"z": z, "r": r, "h~": candidate}


def _simple_step(x_part, h, c, recurrent_kernel, act):
    return act(x_part + h @ recurrent_kernel), None, {}


GATES = {"lstm": ("i", "f", "g", "o"), "gru": ("z", "r", "h~"), "simple_rnn": ()}


def recurrence(layer: str, x: Array, weights: list[Array], activation: str = "tanh",
               mask: Array | None = None, go_backwards: bool = False,
               initial: tuple[Array, Array | None] | None = None) -> Trace:
    """x (B, T, F) and the layer's get_weights() -> Trace.

    LSTM: kernel (F, 4U), recurrent_kernel (U, 4U), bias (4U,); gates i, f, g, o;
      c_t = f_t * c_(t-1) + i_t * g_t, h_t = o_t * act(c_t).
    GRU (reset_after=True): kernel (F, 3U), recurrent_kernel (U, 3U), bias (2, 3U); gates z, r, h~;
      h_t = z_t * h_(t-1) + (1 - z_t) * h~_t.
    SimpleRNN: kernel (F, U), recurrent_kernel (U, U), bias (U,); h_t = act(x_t W + h_(t-1) U + b).
    mask (B, T) bool: at a masked step the states and the output carry over from the step before.
    initial: (h_0, c_0), each (B, U) (c_0 None without a cell state); zeros when not given.
    """
    if go_backwards:
        x = x[:, ::-1]
        mask = None if mask is None else mask[:, ::-1]
    x_part, step = _stepper(layer, x, weights, ACTIVATIONS[activation])
    batch, timesteps, _ = x.shape
    h, c = _start(layer, x, weights[1].shape[0], initial)
    hs = np.empty((batch, timesteps, h.shape[1]), x.dtype)
    cs = np.empty_like(hs) if c is not None else None
    gates = {name: np.empty_like(hs) for name in GATES[layer]}
    for t in range(timesteps):
        new_h, new_c, new_gates = step(x_part[:, t], h, c)
        if mask is not None:
            new_h, new_c = _carried(mask[:, t, None], new_h, new_c, h, c)
        h, c = new_h, new_c
        hs[:, t] = h
        if cs is not None:
            cs[:, t] = c
        for name, value in new_gates.items():
            gates[name][:, t] = value
    return Trace(hs, cs, gates)


def _stepper(layer: str, x: Array, weights: list[Array], act):
    """The input's part of every step at once (x W + b), and the function of one step (x part, h, c)."""
    kernel, recurrent_kernel, bias = weights
    if layer == "gru":
        return x @ kernel + bias[0], lambda xp, h, c: _gru_step(xp, h, c, recurrent_kernel, act, bias[1])
    cell = _lstm_step if layer == "lstm" else _simple_step
    return x @ kernel + bias, lambda xp, h, c: cell(xp, h, c, recurrent_kernel, act)


def _start(layer: str, x: Array, units: int, initial: tuple[Array, Array | None] | None):
    """The states before the first step: `initial`, else zeros (no cell state but the LSTM's)."""
    if initial is not None:
        return initial
    batch = x.shape[0]
    return np.zeros((batch, units), x.dtype), np.zeros((batch, units), x.dtype) if layer == "lstm" else None


def _carried(keep: Array, new_h: Array, new_c: Array | None, h: Array, c: Array | None):
    """The states after a step where the mask says so, else the states before it carried over."""
    return np.where(keep, new_h, h), None if c is None else np.where(keep, new_c, c)
