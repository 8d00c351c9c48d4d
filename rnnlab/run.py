"""run(config) -> Run: Keras's returned tensors, the NumPy trace of every step, and how well they agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from rnnlab import model, trace
from rnnlab.inputs import make_input

# Two float32 tensors "are equal" when they differ by at most this much.
TOLERANCE = 1e-5

WEIGHT_NAMES = ("kernel", "recurrent_kernel", "bias")


@dataclass(frozen=True)
class Tensor:
    """One returned tensor as a learner would name it, e.g. whole_seq (batch, timesteps, units)."""

    name: str
    value: np.ndarray
    axes: tuple[str, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape)


@dataclass(frozen=True)
class Check:
    """A claim about the returned tensors and the measured max |difference| behind it."""

    claim: str  # e.g. "output == state_h"
    max_abs_diff: float
    expect_equal: bool

    @property
    def holds(self) -> bool:
        return (self.max_abs_diff <= TOLERANCE) == self.expect_equal


@dataclass(frozen=True)
class Run:
    """Everything the page shows about one Config; arrays are read-only."""

    config: Any
    x: np.ndarray  # (batch, timesteps, features)
    returns: tuple[Tensor, ...]  # in the order Keras returns them
    trace: trace.Trace
    weights: dict[str, np.ndarray]
    params: int  # Keras's count_params()
    keras_version: str
    agreement: float  # max |Keras - NumPy trace| over every returned tensor
    checks: tuple[Check, ...]

    def returned(self, name: str) -> Tensor | None:
        return next((t for t in self.returns if t.name == name), None)


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def _traced(name: str, steps: trace.Trace) -> np.ndarray:
    """What the trace says Keras should have returned under this name."""
    return {"whole_seq": steps.h, "output": steps.h[:, -1], "state_h": steps.h[:, -1], "state_c": steps.c[:, -1]}[name]


def _checks(returns: dict[str, np.ndarray]) -> tuple[Check, ...]:
    if "state_h" not in returns:
        return ()
    h, c = returns["state_h"], returns["state_c"]
    if "whole_seq" in returns:
        first = Check("whole_seq[:, -1, :] == state_h", _diff(returns["whole_seq"][:, -1], h), True)
    else:
        first = Check("output == state_h", _diff(returns["output"], h), True)
    return (first, Check("state_h != state_c", _diff(h, c), False))


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def run(config: Any) -> Run:
    """Build (or reuse) the Keras model for config, call it on the seeded input, trace every step."""
    x = _frozen(make_input(config.input, config.batch, config.timesteps, config.features, config.seed))
    arrays, params = model.call(config, x)
    names = model.returned_names(config)
    kernel, recurrent_kernel, bias = model.weights(config)
    steps = trace.lstm(x, kernel, recurrent_kernel, bias)
    for array in (steps.h, steps.c, *steps.gates.values()):
        array.flags.writeable = False
    by_name = dict(zip(names, (_frozen(a) for a in arrays)))
    return Run(
        config=config,
        x=x,
        returns=tuple(Tensor(n, a, model.returned_axes(config, n)) for n, a in by_name.items()),
        trace=steps,
        weights=dict(zip(WEIGHT_NAMES, (kernel, recurrent_kernel, bias))),
        params=params,
        keras_version=keras.__version__,
        agreement=max(_diff(a, _traced(n, steps)) for n, a in by_name.items()),
        checks=_checks(by_name),
    )
