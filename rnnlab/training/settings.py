"""The training settings table: task, optimizer, learning rate, epochs, samples.

One row per setting, as in `rnnlab.params`: the page's widgets, the command-line flags and validation
all read `TRAIN_PARAMS`. The model itself (layer, head, sizes, seed, padding) is the playground's
Config, and so is the batch size: the Config's `batch` (how many sequences go through the layer at
once) is fit's `batch_size`. These settings only say what is learned and how.

    >>> check({"epochs": 60}).problems
    ['epochs=60 is outside 1..50']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rnnlab.params import ConfigError, Param

TASK_NAMES = ("random", "sine_next", "running_sum", "echo", "multi")
OPTIMIZERS = ("adam", "rmsprop", "sgd")
# The learning rates a widget offers; the command line takes any value in (0, 1].
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass(frozen=True)
class FloatParam(Param):
    """A setting whose value is a positive number, at most `high` (low is exclusive: 0 < value)."""

    def parse(self, text: str) -> float:
        try:
            value = float(text.strip()[:40])
        except ValueError:
            raise ValueError(f"{self.name}={text[:40]!r} is not a number") from None
        return self.check(value)

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{self.name} must be a number")
        if not 0 < value <= self.high:
            raise ValueError(f"{self.name}={value:g} must be above 0 and at most {self.high:g}")
        return float(value)

    def format(self, value: Any) -> str:
        return f"{value:g}"


TRAIN_PARAMS: tuple[Param, ...] = (
    Param("task", "sine_next", "What the model learns to predict from x.", choices=TASK_NAMES),
    Param("optimizer", "adam", "How the weights follow the gradient of the loss.", choices=OPTIMIZERS),
    FloatParam("learning_rate", 0.01, "How far each batch moves the weights.", high=1),
    Param("epochs", 20, "Passes over the training samples (at most 50).", 1, 50),
    Param("samples", 512, "Training sequences generated for the task (a quarter as many more for validation).",
          16, 4096),
)
TRAIN: dict[str, Param] = {p.name: p for p in TRAIN_PARAMS}


@dataclass(frozen=True)
class Settings:
    """How the model is trained: valid by construction when made through `check`."""

    task: str = "sine_next"
    optimizer: str = "adam"
    learning_rate: float = 0.01
    epochs: int = 20
    samples: int = 512

    @property
    def validation_samples(self) -> int:
        return max(16, self.samples // 4)


@dataclass(frozen=True)
class Checked:
    """Settings from untrusted values: always valid ones, and the problems with what was given."""

    settings: Settings
    problems: list[str]

    def strict(self) -> Settings:
        """The settings, or ConfigError naming every problem (the command line guesses nothing)."""
        if self.problems:
            raise ConfigError(self.problems)
        return self.settings


def check(raw: Mapping[str, Any]) -> Checked:
    """Typed values (widgets, flags) -> Checked; an invalid or unknown value falls back to its default."""
    values, problems = {}, []
    for key in raw:
        if key not in TRAIN:
            problems.append(f"unknown training setting {str(key)[:40]!r}")
    for name, param in TRAIN.items():
        value = raw.get(name, param.default)
        try:
            values[name] = param.check(value)
        except ValueError as err:
            problems.append(str(err))
            values[name] = param.default
    return Checked(Settings(**values), problems)


def parse(texts: Mapping[str, str]) -> Checked:
    """Text values (a query string's, say) -> Checked."""
    typed, problems = {}, []
    for name, text in texts.items():
        param = TRAIN.get(name)
        if param is None:
            problems.append(f"unknown training setting {str(name)[:40]!r}")
            continue
        try:
            typed[name] = param.parse(str(text))
        except ValueError as err:
            problems.append(str(err))
    checked = check(typed)
    return Checked(checked.settings, problems + checked.problems)


def to_query(settings: Settings) -> dict[str, str]:
    """Settings -> query parameters, leaving out every value equal to its default."""
    return {p.name: p.format(getattr(settings, p.name)) for p in TRAIN_PARAMS
            if getattr(settings, p.name) != p.default}
