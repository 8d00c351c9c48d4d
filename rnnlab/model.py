"""Config -> a real Keras model, and calling it.

Names of the returned tensors are the ones a learner would unpack them into, e.g.
`whole_seq, state_h, state_c = lstm(x)`. Weights depend only on (layer, units, features, seed):
they are drawn as `keras.utils.set_random_seed(seed)` followed by the layer's construction draws
them, so the generated code reproduces them exactly, and flipping a flag keeps the same numbers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import keras
import numpy as np

# Above this many timesteps an eager call (a Python loop over steps) is slower than Keras's
# compiled predict function, whose one-off tracing costs about as much as 60 eager steps.
EAGER_MAX_TIMESTEPS = 64

_KERAS_LOCK = threading.RLock()  # Keras/TF global state (seeding, building) is not thread-safe
T = TypeVar("T")


class _Bounded:
    """A small least-recently-used cache; callers hold _KERAS_LOCK."""

    def __init__(self, size: int):
        self.size, self.items = size, OrderedDict()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = make()
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


_MODELS = _Bounded(24)
_WEIGHTS = _Bounded(48)


def returned_names(config: Any) -> tuple[str, ...]:
    """Names in the order Keras returns them, e.g. ('whole_seq', 'state_h', 'state_c')."""
    first = "whole_seq" if config.return_sequences else "output"
    return (first, "state_h", "state_c") if config.return_state else (first,)


def returned_axes(config: Any, name: str) -> tuple[str, ...]:
    """The axes of one returned tensor, e.g. ('batch', 'timesteps', 'units')."""
    return ("batch", "timesteps", "units") if name == "whole_seq" else ("batch", "units")


def make_layer(config: Any) -> keras.layers.Layer:
    """The recurrent layer exactly as the generated code writes it."""
    return keras.layers.LSTM(
        config.units, return_sequences=config.return_sequences, return_state=config.return_state
    )


def _seeded_weights(config: Any) -> list[np.ndarray]:
    keras.utils.set_random_seed(config.seed)
    layer = make_layer(config)
    layer.build((None, config.timesteps, config.features))
    weights = layer.get_weights()
    for array in weights:
        array.flags.writeable = False
    return weights


def _functional(config: Any) -> keras.Model:
    inputs = keras.Input(shape=(config.timesteps, config.features))
    outputs = make_layer(config)(inputs)
    return keras.Model(inputs, list(outputs) if isinstance(outputs, (tuple, list)) else outputs)


def weights(config: Any) -> list[np.ndarray]:
    """The layer's initial weights: kernel (F, 4U), recurrent_kernel (U, 4U), bias (4U,)."""
    key = (config.layer, config.units, config.features, config.seed)
    with _KERAS_LOCK:
        return _WEIGHTS.get(key, lambda: _seeded_weights(config))


def call(config: Any, x: np.ndarray) -> tuple[tuple[np.ndarray, ...], int]:
    """Run x (batch, timesteps, features) through the model -> (returned arrays in Keras's order, count_params())."""
    structure = (config.layer, config.units, config.timesteps, config.features,
                 config.return_sequences, config.return_state)
    with _KERAS_LOCK:
        seeded = weights(config)
        model = _MODELS.get(structure, lambda: _functional(config))
        model.set_weights(seeded)
        if config.timesteps <= EAGER_MAX_TIMESTEPS:
            result = model(x)
        else:
            result = model.predict_on_batch(x)
        arrays = result if isinstance(result, (tuple, list)) else (result,)
        return tuple(np.asarray(a) for a in arrays), model.count_params()
