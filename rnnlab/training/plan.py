"""What a training needs before Keras runs: what must match (`refusal`), how long it would take, and the
Result it gives, as plain data (the web server's process reads these without importing Keras; the
training itself is rnnlab.training.fit, in the training worker process).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnnlab import architecture, refusals
from rnnlab.params import Config
from rnnlab.refusals import Refusal
from rnnlab.result import Check
from rnnlab.training.settings import Settings
from rnnlab.training.tasks import ECHO_DELAY, TASKS, shapes

OPTIMIZER_NAMES = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}  # keras.optimizers.<name>
LEARNED_RATIO = 0.5  # learned: the final validation loss is at most this fraction of the baseline's
MAX_SECONDS = 60.0  # a training that runs longer is stopped: the class shares one training process
MAX_TRAIN_UNITS = 256
MAX_ESTIMATE_S = 30.0  # trainings estimated to take longer are refused, with a fix
# What a training costs on the 2-core server (benchmarks/README.md, "train"): per epoch a fixed part
# (callbacks, the validation call); per gradient step a fixed part, then per timestep and recurrent layer
# a part that grows with batch x units^2 (the recurrent matrix work).
EPOCH_S, STEP_S, TIMESTEP_S, MATMUL_S = 0.1, 0.008, 0.0005, 6e-10
VALIDATION_SHARE = 1.1  # evaluating the validation samples after every epoch
SHOWN = 8  # validation samples kept for the charts
VALIDATION_SEED = 2**31  # added to the seed: validation data never repeats a training seed's


class TrainRefused(ValueError):
    """The Config cannot be trained on the task as it is; `refusal` says why and how to fix it."""

    def __init__(self, refusal: Refusal):
        self.refusal = refusal
        super().__init__(refusal.message)


def estimate_seconds(config: Config, settings: Settings, epochs: int | None = None, samples: int | None = None) -> float:
    """Roughly how long fit takes on the server once the train step is traced (STEP_S, ...)."""
    steps = -(-(samples or settings.samples) // config.batch) * (epochs or settings.epochs)
    per_step = STEP_S + config.timesteps * config.layers * (TIMESTEP_S + config.batch * config.units ** 2 * MATMUL_S)
    return (epochs or settings.epochs) * EPOCH_S + steps * per_step * VALIDATION_SHARE


def prediction_shape(config: Config, samples: int) -> tuple[int, ...]:
    """What the head predicts for `samples` sequences, from the axes the model module names."""
    sizes = {"batch": samples, "timesteps": config.timesteps, "head_units": config.head_units}
    return tuple(sizes[axis] for axis in architecture.returned_axes(config, "prediction"))


def _layer_return(config: Config, samples: int) -> str:
    name = architecture.first_names(config)[0]
    axes = architecture.returned_axes(config, name)
    sizes = {"batch": samples, "timesteps": config.timesteps, "units": config.units,
             "2 × units": 2 * config.units}
    return f"`{name}` ({', '.join(axes)}) = `{tuple(sizes[a] for a in axes)}`"


def _within_budget(config: Config, settings: Settings) -> dict[str, str]:
    """The smallest change that brings the estimate within MAX_ESTIMATE_S: fewer epochs, else fewer
    samples (in one epoch); none when even that is too long (the sizes of the model must shrink)."""
    per_epoch = estimate_seconds(config, settings, epochs=1)
    if per_epoch <= MAX_ESTIMATE_S:
        return {"epochs": str(int(MAX_ESTIMATE_S // per_epoch))}
    for samples in (2048, 1024, 512, 256, 128, 64, 32, 16):
        if samples < settings.samples and estimate_seconds(config, settings, 1, samples) <= MAX_ESTIMATE_S:
            return {"samples": str(samples), "epochs": "1"}
    return {}


def refusal(config: Config, settings: Settings) -> Refusal | None:
    """The first reason this Config cannot be trained on the task, with the smallest fix; None if it can.

    Fixes are query parameters of the Config, or of the settings (samples, epochs)."""
    _, y_shape = shapes(config, settings.task, settings.samples)
    return (_model_refusal(config) or _head_refusal(config, settings, y_shape)
            or _size_refusal(config, settings))


def _model_refusal(config: Config) -> Refusal | None:
    """What Keras will not build, or what this page does not train (stateful layers, returned states)."""
    for rule in refusals.RULES:  # what Keras itself will not build
        if rule.applies(config):
            return Refusal("Keras would not build this model.", rule.explanation, dict(rule.fix))
    if config.stateful:
        return Refusal("stateful=true: the layer carries its states from one batch to the next.",
                       "Training a stateful layer needs batches in a fixed order, samples that are a multiple of "
                       "the batch size and reset_state() between epochs. This page trains stateless layers.",
                       {"stateful": "false"})
    if config.return_state:
        return Refusal("return_state=true: the layer returns its final states as well.",
                       "The head reads only the first returned tensor, so the states play no part in training. "
                       "A model that also output them would need a target for each: `fit` with one y then fails "
                       "with Keras's KeyError \"The path: (0,) in the `loss` argument, can't be found in either "
                       "the model's output (`y_pred`) or in the labels (`y_true`).\"",
                       {"return_state": "false"})
    return None


def _head_refusal(config: Config, settings: Settings, y_shape: tuple[int, ...]) -> Refusal | None:
    """A head missing, or one whose predictions cannot match the task's targets."""
    width, n = TASKS[settings.task].width, settings.samples
    if config.head == "none":
        return Refusal(f"There is no head: the layer returns {_layer_return(config, n)}, and y is "
                       f"`{y_shape}`.",
                       f"The task has {width} target{'s' * (width > 1)} per "
                       f"{'timestep' if config.return_sequences else 'sequence'}; the layer gives {config.units} "
                       f"numbers. A Dense({width}) head maps them to {width}. Keras would not stop you: the "
                       f"mean squared error broadcasts y's last axis against the layer's {config.units} numbers "
                       "and trains every unit towards the same target.",
                       {"head": "dense", "head_units": str(width)})
    if config.head_units != width:
        return Refusal(f"The head predicts `{prediction_shape(config, n)}`, and y is `{y_shape}`.",
                       f"The task has {width} target{'s' * (width > 1)} per "
                       f"{'timestep' if config.return_sequences else 'sequence'}, so the head needs "
                       f"head_units={width}. Keras would not stop you: the mean squared error broadcasts the "
                       f"head's {config.head_units} number{'s' * (config.head_units > 1)} against the {width} "
                       f"target{'s' * (width > 1)} and trains without a word.", {"head_units": str(width)})
    if config.head_activation != "linear":
        return Refusal(f"head_activation={config.head_activation}: the predictions cannot reach every target.",
                       "The targets are numbers of any size and sign (a sine goes below 0, a running sum past 1). "
                       "relu never goes below 0, sigmoid stays in (0, 1), tanh in (-1, 1), and softmax over one "
                       "unit is always 1. A head that predicts numbers is linear.", {"head_activation": "linear"})
    return None


def _size_refusal(config: Config, settings: Settings) -> Refusal | None:
    """Sizes this task or the shared training process cannot take: too few timesteps, too many units, too long."""
    if config.timesteps < TASKS[settings.task].min_timesteps:
        return Refusal(f"timesteps={config.timesteps}: the echo task looks {ECHO_DELAY} steps back.",
                       f"With {config.timesteps} timesteps there is nothing {ECHO_DELAY} steps earlier to repeat.",
                       {"timesteps": "10"})
    if config.units > MAX_TRAIN_UNITS:
        return Refusal(f"units={config.units} is more than this page trains ({MAX_TRAIN_UNITS}).",
                       "The server trains one model at a time for the whole class: each training has to stay "
                       "short.", {"units": str(MAX_TRAIN_UNITS)})
    estimate = estimate_seconds(config, settings)
    if estimate > MAX_ESTIMATE_S:
        return Refusal(f"This training would take about {estimate:.0f} s; this page trains for at most "
                       f"{MAX_ESTIMATE_S:.0f} s.",
                       "The server trains one model at a time for the whole class, so each training has to stay "
                       "short. Fewer epochs or samples, a larger batch, fewer units or shorter sequences all help.",
                       _within_budget(config, settings))
    return None


@dataclass(frozen=True)
class PaddingLoss:
    """The trained model's validation loss with or without the Masking layer, counted two ways."""

    masked: bool  # evaluated with the Masking layer in front
    real_steps: float  # mean over real timesteps only
    every_step: float  # mean over every timestep, the padding included


@dataclass(frozen=True)
class Glimpse:
    """The model as it trains, after one epoch: the first SHOWN validation samples and its predictions for them
    (what `figures.predictions_figure` draws, like a Result's). x_val (n, timesteps, features); y_val, prediction
    and prediction_before (n, timesteps, targets) with return_sequences, else (n, targets); real (n, timesteps)."""

    settings: Settings
    epoch: int  # counted from 0
    x_val: np.ndarray
    y_val: np.ndarray
    prediction_before: np.ndarray
    prediction: np.ndarray
    real: np.ndarray


@dataclass(frozen=True)
class Result:
    """One training: the loss per epoch, shapes as Keras saw them, and what the model does after it.

    x_val, y_val, prediction_before, prediction, real, states_before, states_after hold the first
    SHOWN validation samples; states are h_t of the last recurrent layer at every timestep
    (samples, timesteps, width): the layer's whole sequence, whatever return_sequences says.
    """

    config: Config
    settings: Settings
    loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    x_shape: tuple[int, ...]
    y_shape: tuple[int, ...]
    prediction_shape: tuple[int, ...]  # model(x) on the training x, as Keras returned it
    seconds: float  # inside fit
    stop_reason: str  # "" (ran every epoch), "stopped" or "time limit"
    baseline: float  # validation loss of always predicting the training targets' average
    x_val: np.ndarray
    y_val: np.ndarray
    prediction_before: np.ndarray
    prediction: np.ndarray
    real: np.ndarray
    states_before: np.ndarray
    states_after: np.ndarray
    padding: tuple[PaddingLoss, ...] = ()  # with lengths: evaluated with the mask and without
    keras_check: Check | None = None  # with lengths: Keras's own evaluate() against our count

    @property
    def learned(self) -> bool:
        return bool(self.val_loss) and self.val_loss[-1] <= LEARNED_RATIO * self.baseline

    @property
    def diverged(self) -> bool:
        """The loss became NaN or infinite (a learning rate too large for the task)."""
        return not all(map(math.isfinite, self.loss + self.val_loss))

    def as_json(self) -> dict[str, Any]:
        """JSON-ready; a NaN or infinite loss becomes null."""
        finite = lambda values: [v if math.isfinite(v) else None for v in values]  # noqa: E731
        return {"task": self.settings.task, "loss": finite(self.loss), "val_loss": finite(self.val_loss),
                "x_shape": list(self.x_shape), "y_shape": list(self.y_shape),
                "prediction_shape": list(self.prediction_shape), "seconds": round(self.seconds, 3),
                "epochs_run": len(self.loss), "stopped": self.stop_reason or None, "baseline": self.baseline,
                "learned": self.learned, "learnable": TASKS[self.settings.task].learnable,
                "padding": [dataclasses.asdict(p) for p in self.padding]}


def mse(prediction: np.ndarray, y: np.ndarray, real: np.ndarray, real_only: bool) -> float:
    """Mean squared error over targets, then over sequences (and timesteps: only the real ones if asked)."""
    per = np.mean((prediction - y) ** 2, axis=-1)  # (samples, timesteps) or (samples,)
    if per.ndim == 2 and real_only:
        return float(per[real].mean()) if real.any() else 0.0
    return float(per.mean())
