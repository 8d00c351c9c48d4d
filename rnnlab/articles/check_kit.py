"""What every check of the articles' examples is made of: a Check, the Runs it reads, and the ways it compares
numbers (the checks themselves: rnnlab.articles.checks and its companions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rnnlab.own_code import Attempt

EXACT = 1e-6  # max |difference| under which two float32 arrays are the same values
LOSS_AGREE = 1e-4  # relative: Keras's loss against the same loss computed in NumPy
INPUT_SHAPE_WARNING = "Do not pass an `input_shape`/`input_dim` argument to a layer"


@dataclass(frozen=True)
class Check:
    """holds: Keras does what the page says; facts: what was measured, one sentence each; values: the
    measured numbers by name."""

    holds: bool
    facts: tuple[str, ...]
    values: dict[str, float] = field(default_factory=dict)


@dataclass
class Runs:
    """One example's runs (Attempt, names the code defined); `fixed` is None when the article's code runs."""

    says_prints: tuple[str, ...]
    written: tuple[Attempt, dict[str, Any]]
    fixed: tuple[Attempt, dict[str, Any]] | None
    corrected: tuple[Attempt, dict[str, Any]]

    @property
    def working(self) -> tuple[Attempt, dict[str, Any]]:
        """The article's code that runs: as written, or else with the smallest fix."""
        return self.fixed or self.written


def max_diff(a: Any, b: Any) -> float:
    """max |a - b| over every element, as a Python float."""
    import numpy as np

    return float(np.max(np.abs(np.asarray(a, dtype="float64") - np.asarray(b, dtype="float64"))))


def close(a: float, b: float) -> bool:
    """a and b agree within LOSS_AGREE, relative to b (absolute below 1)."""
    return abs(a - b) <= LOSS_AGREE * max(1.0, abs(b))


def first_sentence(error: str) -> str:
    """An error's text up to the list of tensors Keras appends (that list is long and says no more)."""
    return error.split(" Inputs received:")[0]
