"""The training settings: task, optimizer, learning rate, epochs, samples, one field each (rnnlab.settings).

The page's widgets, the command-line flags and validation all read `Settings`. The model itself (layer,
head, sizes, seed, padding) is the playground's Config, and so is the batch size: the Config's `batch` (how
many sequences go through the layer at once) is fit's `batch_size`. These settings only say what is learned
and how.

    >>> check({"epochs": 60}).problems
    ['epochs=60 is outside 1..50']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rnnlab.settings import Query, Read, Setting, Table, setting

TASK_NAMES = ("random", "sine_next", "running_sum", "echo", "multi")
OPTIMIZERS = ("adam", "rmsprop", "sgd")
# The values a widget offers; a link or the command line takes any other within the bounds.
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
SAMPLE_CHOICES = (64, 128, 256, 512, 1024, 2048, 4096)


@dataclass(frozen=True)
class Settings:
    """How the model is trained: valid by construction when read through `check` or `parse`."""

    task: str = setting("sine_next", "What the model learns to predict from x.", choices=TASK_NAMES, group="train")
    optimizer: str = setting("adam", "How the weights follow the gradient of the loss.", choices=OPTIMIZERS,
                             group="train")
    learning_rate: float = setting(0.01, "How far each batch moves the weights.", high=1, group="train",
                                   offered=LEARNING_RATES)
    epochs: int = setting(20, "Passes over the training samples (at most 50).", 1, 50, group="train")
    samples: int = setting(512, "Training sequences generated for the task (a quarter as many more for "
                           "validation).", 16, 4096, group="train", offered=SAMPLE_CHOICES)

    @property
    def validation_samples(self) -> int:
        return max(16, self.samples // 4)


TABLE: Table[Settings] = Table(Settings, noun="training setting")
TRAIN: dict[str, Setting] = TABLE.settings


def check(raw: Mapping[str, object]) -> Read[Settings]:
    """Typed values (widgets, flags) -> Read; an invalid or unknown value falls back to its default."""
    return TABLE.resolve(raw)


def parse(texts: Query) -> Read[Settings]:
    """Text values (a query string's, say) -> Read."""
    return TABLE.read(texts)


def to_query(settings: Settings) -> dict[str, str]:
    """Settings -> query parameters, leaving out every value equal to its default."""
    return TABLE.query(settings)
