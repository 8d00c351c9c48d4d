"""Train a Config on a task with a real `model.fit`, watched epoch by epoch by a Keras callback.

    result = train(config, Settings(task="echo", epochs=20), on_epoch=print, stop=threading.Event())

What must match first (`refusal`): a head whose units equal the task's targets per timestep, no
returned states, a stateless layer, a size that trains in reasonable time. Keras 3 would train
several of these mismatches without a word (MSE broadcasts a (…, 1) target against (…, 64)
outputs), so they are refused here, each with a fix.

Weights: training starts from the playground's own weights for the Config (drawn on the Keras
thread, where seeding is serialised), so "before training" is exactly what the playground shows and
nothing here touches global random state. The model that is trained is built on the calling thread
with zero initial weights, compiled once per structure and optimizer and reused: every training sets
its starting weights, zeroes the optimizer's slots and sets the learning rate, which saves Keras's
tracing of the train step (seconds) on every training after the first. `fit` gets `shuffle=False`:
the samples are random already, and with a fixed order the same settings give the same numbers.
In the server, training runs as the task "train" of training's engine (`train_task`), one at a time in its worker
process (`rnnlab.training.jobs` queues the pages' trainings).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable

import keras
import numpy as np
from cachetools import LRUCache

from rnnlab import architecture, engine, model, refusals
from rnnlab.result import Check
from rnnlab.params import Config
from rnnlab.training.plan import (MAX_SECONDS, OPTIMIZER_NAMES, SHOWN, VALIDATION_SEED, Glimpse, PaddingLoss,
                                   Result, TrainRefused, mse, refusal)
from rnnlab.training.settings import Settings
from rnnlab.training.tasks import Data, make_data

OPTIMIZERS = {key: getattr(keras.optimizers, name) for key, name in OPTIMIZER_NAMES.items()}

_NETS: LRUCache = LRUCache(8)  # compiled trainable models by (structure, optimizer); one training at a time
_PLAIN: LRUCache = LRUCache(16)  # uncompiled models (probes, masked or not) by structure


Stop = threading.Event | engine.Channel  # set: stop training after the current batch
OnEpoch = Callable[[int, float, float, Glimpse], None]  # (epoch from 0, loss, val_loss, the model as it is now)


class _Watch(keras.callbacks.Callback):
    """Reports every epoch's losses and the model's predictions for the shown samples (`glimpse(epoch)`); stops
    after the current batch when asked, or at the time limit."""

    def __init__(self, on_epoch: OnEpoch | None, stop: Stop | None, max_seconds: float,
                 glimpse: Callable[[int], Glimpse]):
        super().__init__()
        self.on_epoch, self.stop, self.max_seconds, self.glimpse = on_epoch, stop, max_seconds, glimpse
        self.reason, self.began = "", time.monotonic()

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.began = time.monotonic()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.stop is not None and self.stop.is_set():
            self.reason = "stopped"
        elif time.monotonic() - self.began > self.max_seconds:
            self.reason = "time limit"
        if self.reason:
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.on_epoch is not None:
            self.on_epoch(epoch, float(logs.get("loss", math.nan)), float(logs.get("val_loss", math.nan)),
                          self.glimpse(epoch))


def _structure(config: Config) -> tuple:
    return (architecture.masking(config), architecture.recurrent(config, last=False), architecture.recurrent(config),
            architecture.head(config), config.depth, config.timesteps, config.features)


def _prediction_model(config: Config) -> keras.Model:
    """The Config's model with only the head's prediction as output (the layer's returns feed it)."""
    full = model.build(config, zeros=True)
    return keras.Model(full.inputs[0], full.outputs[-1])


def _net(config: Config, optimizer: str) -> keras.Model:
    def make() -> keras.Model:
        net = _prediction_model(config)
        # No XLA: compiling a new structure costs about 8 s against 3 s traced, for the same step time here.
        net.compile(optimizer=OPTIMIZERS[optimizer](), loss="mse", jit_compile=False)
        return net

    return model.kept(_NETS, (_structure(config), optimizer), make)


def _plain(config: Config) -> keras.Model:
    return model.kept(_PLAIN, _structure(config), lambda: model.build(config, zeros=True))


def _start(net: keras.Model, weights: list[np.ndarray], learning_rate: float) -> None:
    """Starting weights, fresh optimizer slots (moments, step count) and the learning rate."""
    net.set_weights(weights)
    for variable in net.optimizer.variables:
        variable.assign(np.zeros(variable.shape, variable.dtype))
    net.optimizer.learning_rate = learning_rate


def _outputs(plain: keras.Model, config: Config, weights: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, ...]:
    plain.set_weights(weights)
    return model.predict_once(plain, config, x)


def _padding(config: Config, weights: list[np.ndarray], val: Data) -> tuple[PaddingLoss, ...]:
    losses = []
    for masked in (True, False):
        variant = dataclasses.replace(config, mask=masked)
        prediction = _outputs(_plain(variant), variant, weights, val.x)[-1]
        losses.append(PaddingLoss(masked, mse(prediction, val.y, val.real, True),
                                  mse(prediction, val.y, val.real, False)))
    return tuple(losses)


def _keras_check(net: keras.Model, config: Config, val: Data, padding: tuple[PaddingLoss, ...]) -> Check:
    """Keras's own loss on the validation set (one batch) against our count for the model as trained."""
    ours = padding[0 if config.mask else 1]
    counted_real = config.mask and config.return_sequences
    keras_loss = float(net.evaluate(val.x, val.y, batch_size=len(val.x), verbose=0))
    expected = ours.real_steps if counted_real else ours.every_step
    what = "the mean over real timesteps only" if counted_real else "the mean over every timestep, padding included"
    if not config.return_sequences:
        what = "the mean over sequences"
    return Check(f"Keras's loss (model.evaluate) == {what}", abs(keras_loss - expected), True)


def _baseline(config: Config, data: Data, val: Data) -> float:
    """The validation loss of always predicting the training targets' average, counted as Keras counts
    (real timesteps only when the Masking layer's mask reaches the loss)."""
    counted = config.mask and config.return_sequences
    targets = data.y[data.real] if counted else data.y.reshape(-1, data.y.shape[-1])
    return mse(np.broadcast_to(targets.mean(axis=0), val.y.shape), val.y, val.real, counted)


def starting_point(config: Config, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The playground's weights for config, in get_weights() order, and what they give for x: the
    prediction and h_t at every step. Called by the training task, which draws and caches them."""
    try:
        called = model.call(config, x)
        sequence = called if config.return_sequences else model.call(
            dataclasses.replace(config, return_sequences=True), x)
    except model.KerasRefused as err:
        raise TrainRefused(refusals.explain(config, str(err))) from err
    weights = [w for layer in called.recurrent for direction in layer for w in direction] + list(called.head or ())
    return weights, called.arrays[-1], sequence.arrays[0]


def train(config: Config, settings: Settings, on_epoch: OnEpoch | None = None, stop: Stop | None = None,
          max_seconds: float = MAX_SECONDS) -> Result:
    """Train config's model on settings.task: TrainRefused when it cannot be, else the Result.

    on_epoch(epoch, loss, val_loss, glimpse) is called after every epoch (on this thread), the glimpse holding the
    model's predictions for the shown samples then; setting `stop` ends training after the current batch.
    """
    problem = refusal(config, settings)
    if problem:
        raise TrainRefused(problem)
    data = make_data(config, settings.task, settings.samples, config.seed)
    val = make_data(config, settings.task, settings.validation_samples, config.seed + VALIDATION_SEED)
    probe = dataclasses.replace(config, return_sequences=True)  # h_t at every step; same weights
    initial, before, states_before = starting_point(config, val.x[:SHOWN])
    net = _net(config, settings.optimizer)
    _start(net, initial, settings.learning_rate)
    shown = val.x[:SHOWN]
    watch = _Watch(on_epoch, stop, max_seconds, lambda epoch: Glimpse(
        settings, epoch, shown, val.y[:SHOWN], before, model.predict_once(net, config, shown)[0], val.real[:SHOWN]))
    began = time.perf_counter()
    history = net.fit(data.x, data.y, epochs=settings.epochs, batch_size=config.batch, shuffle=False,
                      validation_data=(val.x, val.y), callbacks=[watch], verbose=0).history
    seconds = time.perf_counter() - began
    trained = net.get_weights()
    prediction = model.predict_once(net, config, val.x)[0]
    predicted_shape = model.predict_once(net, config, data.x)[0].shape
    after = _outputs(_plain(probe), probe, trained, val.x[:SHOWN])[0]
    padding = _padding(config, trained, val) if config.lengths else ()
    check = _keras_check(net, config, val, padding) if config.lengths else None
    baseline = _baseline(config, data, val)
    return Result(
        config=config, settings=settings,
        loss=tuple(history.get("loss", ())), val_loss=tuple(history.get("val_loss", ())),
        x_shape=data.x.shape, y_shape=data.y.shape, prediction_shape=tuple(predicted_shape),
        seconds=seconds, stop_reason=watch.reason, baseline=baseline,
        x_val=val.x[:SHOWN], y_val=val.y[:SHOWN], prediction_before=before, prediction=prediction[:SHOWN],
        real=val.real[:SHOWN], states_before=states_before, states_after=after,
        padding=padding, keras_check=check,
    )


def train_task(config: Config, settings: Settings) -> tuple[str, Result | refusals.Refusal]:
    """Training as a worker's task: ("done", Result) or ("refused", Refusal). Every epoch's (epoch, loss, val_loss)
    goes to the caller as a message; the caller's stop ends training after the current batch."""
    line = engine.channel()
    try:
        return "done", train(config, settings, on_epoch=lambda *epoch: line.send(epoch), stop=line)
    except TrainRefused as refused:
        return "refused", refused.refusal
