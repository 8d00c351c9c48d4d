"""Config -> a real Keras model, and calling it.

Returned tensors are named as a learner would unpack them, e.g. `whole_seq, state_h, state_c =
lstm(x)`. Weights depend only on the seed and the shapes of the layers: they are drawn exactly as
`keras.utils.set_random_seed(seed)` followed by building the generated code draws them, so the
code reproduces them and flipping a flag keeps the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import keras
import numpy as np
import tensorflow as tf
from cachetools import LRUCache

from rnnlab import architecture
from rnnlab.architecture import first_names
from rnnlab.params import Config

# Above this many layer-steps (timesteps x recurrent layers) an eager call (a Python loop over steps)
# is slower than tracing the model once, which costs about 60 eager steps.
EAGER_MAX_STEPS = 64
MAX_TRACES = 8  # traced lengths kept per model

T = TypeVar("T")


class KerasRefused(ValueError):
    """Keras itself would not build this model; the message is Keras's own."""


def kept(cache: LRUCache, key: Hashable, make: Callable[[], T]) -> T:
    """cache[key], made and kept first when it is missing (the caches here are used by one task at a time)."""
    if key not in cache:
        cache[key] = make()
    return cache[key]


_MODELS: LRUCache = LRUCache(8)  # shared models by structure (a large one holds tens of MB with its traces)
_WEIGHTS: LRUCache = LRUCache(16)  # seeded weights by structure and seed


def _functional(config: Config, zeros: bool, any_length: bool = False) -> keras.Model:
    """The model, constructing layers in the same order as the generated code (seeds are drawn then).

    any_length: the time axis is left open (None), so one model takes sequences of every length.
    """
    timesteps = None if any_length else config.timesteps
    if config.stateful:
        inputs = keras.Input(batch_shape=(config.batch, timesteps, config.features))
    else:
        inputs = keras.Input(shape=(timesteps, config.features))
    x = inputs
    masking = architecture.masking(config)
    if masking:
        x = masking.build()(x)
    for _ in range(config.depth - 1):
        x = architecture.recurrent(config, last=False).build(zeros)(x)
    returned = architecture.recurrent(config).build(zeros)(x)
    outputs = list(returned) if isinstance(returned, (tuple, list)) else [returned]
    head = architecture.head(config)
    if head:
        firsts = outputs[:len(first_names(config))]
        outputs.append(head.build(zeros)(firsts[0] if len(firsts) == 1 else tuple(firsts)))
    return keras.Model(inputs, outputs)


def build(config: Config, zeros: bool = False, any_length: bool = False) -> keras.Model:
    """A fresh model for config; KerasRefused with Keras's own message if Keras will not build it.

    zeros: start every weight at zero (cheap) because the seeded weights are set right after.
    """
    try:
        return _functional(config, zeros, any_length)
    except (ValueError, TypeError, KeyError) as err:
        raise KerasRefused(str(err)) from err


def _drawn(config: Config, any_length: bool) -> keras.Model:
    """config's model, its weights drawn from config's seed as the generated code draws them."""
    keras.utils.set_random_seed(config.seed)
    return build(config, any_length=any_length)


def _seeded(config: Config) -> tuple[keras.Model, list[np.ndarray]]:
    """A model for config, its weights drawn as the generated code draws them; the weights are kept. Its time
    axis is open (the weights do not depend on it), so it is kept as the shared model of its layers when they
    have none yet (never a stateful one: its batch is fixed): a new configuration costs one build, not two."""
    try:
        seeded, shareable = _drawn(config, any_length=not config.stateful), not config.stateful
    except KerasRefused:  # refused again with the lengths in Keras's message that the learner's code has
        seeded, shareable = _drawn(config, any_length=False), False
    weights = seeded.get_weights()
    for array in weights:
        array.flags.writeable = False
    _WEIGHTS[config.weight_key] = weights
    if shareable and _structure(config) not in _MODELS:
        _MODELS[_structure(config)] = _Traced(seeded)
    return seeded, weights


def _weights(config: Config) -> list[np.ndarray]:
    return kept(_WEIGHTS, config.weight_key, lambda: _seeded(config)[1])


@dataclass(frozen=True)
class Called:
    """What one call of the model gave, and the weights it used, layer by layer."""

    arrays: tuple[np.ndarray, ...]  # in the order of output_names(config)
    params: int  # count_params()
    recurrent: tuple[tuple[list[np.ndarray], ...], ...]  # per stacked layer: (forward[, backward]) weights
    head: list[np.ndarray] | None  # kernel, bias


def _layer_weights(model: keras.Model) -> tuple[tuple, list | None]:
    recurrent, head = [], None
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            recurrent.append((layer.forward_layer.get_weights(), layer.backward_layer.get_weights()))
        elif isinstance(layer, keras.layers.RNN):
            recurrent.append((layer.get_weights(),))
        elif isinstance(layer, (keras.layers.Dense, keras.layers.TimeDistributed)):
            head = layer.get_weights()
    return tuple(recurrent), head


class _Traced:
    """A shared model, and its call traced by TensorFlow once per sequence length (for every batch size).
    Tracing costs about 0.2-0.3 s, an eager call about 5 ms per step: the first call at a length runs
    eagerly when short, later ones (another config with the same layers and length) run the trace, in
    milliseconds. The time axis stays fixed in a trace: TimeDistributed in Keras 3.15 mixes up the axes
    when it is traced with an open time axis."""

    def __init__(self, model: keras.Model):
        self.model = model
        self.traces: LRUCache[int, Callable] = LRUCache(MAX_TRACES)
        self.called: set[int] = set()  # lengths called at least once

    def _trace(self, timesteps: int) -> Callable:
        spec = tf.TensorSpec((None, timesteps, self.model.input_shape[-1]), tf.float32)
        return tf.function(lambda x: self.model(x, training=False), input_signature=[spec])

    def __call__(self, x: np.ndarray, steps: int) -> tuple[np.ndarray, ...]:
        """x (batch, timesteps, features); steps: timesteps x recurrent layers, the length of an eager loop."""
        x = np.asarray(x, np.float32)
        timesteps = x.shape[1]
        if timesteps not in self.called and steps <= EAGER_MAX_STEPS:
            result = self.model(x)
        else:
            result = kept(self.traces, timesteps, lambda: self._trace(timesteps))(x)
        self.called.add(timesteps)
        return tuple(np.asarray(a) for a in (result if isinstance(result, (tuple, list)) else (result,)))


def predict_once(model: keras.Model, config: Config, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """A model of its own (stateful, or one-off) called once: eagerly when short, else compiled."""
    eager = config.timesteps * config.layers <= EAGER_MAX_STEPS
    result = model(x) if eager else model.predict_on_batch(x)
    return tuple(np.asarray(a) for a in (result if isinstance(result, (tuple, list)) else (result,)))


@dataclass(frozen=True)
class Prepared:
    """The model for a config with its seeded weights, before any call: what Keras says without running."""

    shapes: tuple[tuple[int, ...], ...]  # Keras's output shapes, in the order of output_names(config)
    params: int  # count_params()
    recurrent: tuple[tuple[list[np.ndarray], ...], ...]  # per stacked layer: (forward[, backward]) weights
    head: list[np.ndarray] | None  # kernel, bias


def _structure(config: Config) -> tuple:
    """What makes two configs share a model: the layers (not their sizes in time and batch, nor the seed)."""
    return (architecture.masking(config), architecture.recurrent(config, last=False),
            architecture.recurrent(config), architecture.head(config), config.depth, config.features)


def _shared(config: Config) -> _Traced:
    """The shared model for config's layers, its seeded weights set."""
    seeded = _weights(config)
    traced = kept(_MODELS, _structure(config), lambda: _Traced(build(config, zeros=True, any_length=True)))
    traced.model.set_weights(seeded)
    return traced


def prepare(config: Config) -> Prepared:
    """Keras's output shapes (symbolic; open batch and time axes filled in from config), parameter count
    and seeded weights, without calling the model (KerasRefused if Keras will not build it). One build at
    most: the shared model of its layers (the seeded model becomes it), or a stateful model of its own."""
    built = _seeded(config)[0] if config.stateful else _shared(config).model
    sizes = {0: config.batch, 1: config.timesteps}
    shapes = tuple(tuple(sizes[i] if d is None else d for i, d in enumerate(t.shape)) for t in built.outputs)
    return Prepared(shapes, built.count_params(), *_layer_weights(built))


def call(config: Config, x: np.ndarray) -> Called:
    """Run x (batch, timesteps, features) through the model for config (KerasRefused if Keras will not).

    Models are shared by every config with the same layers: their time and batch axes are open, so one
    traced model serves every length and batch size (and the unpadded sequences of a padding comparison).
    """
    traced = _shared(config)
    steps = x.shape[1] * config.layers
    return Called(traced(x, steps), traced.model.count_params(), *_layer_weights(traced.model))


def call_stateful(config: Config, chunks: tuple[np.ndarray, np.ndarray]) -> tuple[Called, Called, Called]:
    """A stateful model of its own (never shared): chunk 1, then chunk 2 carrying the state, then chunk 2
    again after reset_state() on every recurrent layer."""
    model = build(config, zeros=True)
    model.set_weights(_weights(config))
    results = [predict_once(model, config, chunks[0]), predict_once(model, config, chunks[1])]
    for layer in model.layers:
        if hasattr(layer, "reset_state"):
            layer.reset_state()
    results.append(predict_once(model, config, chunks[1]))
    recurrent, head = _layer_weights(model)
    return tuple(Called(r, model.count_params(), recurrent, head) for r in results)
