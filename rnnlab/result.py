"""What one run of a Config gave: Keras's returned tensors, the NumPy trace of every step, the checks.

Plain data (NumPy arrays, read-only): a Run is computed where Keras runs (a worker process, or the
caller's) and read where pages are drawn, which never imports Keras.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab import refusals, trace
from rnnlab.params import Config

# Two float32 tensors "are equal" when they differ by at most this much.
TOLERANCE = 1e-5

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
class Part:
    """One recurrent layer of the stack, or one direction of a Bidirectional one, traced step by step."""

    label: str  # e.g. "layer 2 of 2, backward"
    layer: int  # 0-based position in the stack
    backward: bool  # the backward copy inside Bidirectional
    reads_backwards: bool  # step k read input timestep T-1-k (backward copy or go_backwards)
    inputs: np.ndarray  # (batch, timesteps, features or the layer below's width), in input time order
    trace: trace.Trace
    weights: dict[str, np.ndarray]


@dataclass(frozen=True)
class Stateful:
    """Two consecutive chunks through a stateful model, then the second again after reset_state()."""

    second: tuple[Tensor, ...]  # chunk 2, starting from chunk 1's final states
    after_reset: tuple[Tensor, ...]  # chunk 2 again, after reset_state(): from zeros
    x_second: np.ndarray
    checks: tuple[Check, ...]
    carried_effect: float  # max |difference| between chunk 2 with the carried state and after reset
    traces: tuple[trace.Trace, ...] = ()  # chunk 2 step by step, one per part (Run.parts' order)


@dataclass(frozen=True)
class Run:
    """Everything the page shows about one Config; arrays are read-only.

    parts[0] is the last recurrent layer (forward), the one whose returns are listed; then its
    backward copy, then the layers below it. With `refusal`, Keras would not build the model and
    there are no returns, parts or checks.
    """

    config: Config
    x: np.ndarray  # (batch, timesteps, features): what the model is fed (the first chunk when stateful)
    returns: tuple[Tensor, ...]  # in the order Keras returns them, then the head's prediction
    parts: tuple[Part, ...]
    head_weights: dict[str, np.ndarray]
    params: int  # Keras's count_params()
    keras_version: str
    # max |Keras - NumPy trace| over every returned tensor; None while the values are the NumPy trace's,
    # before Keras's own forward pass has confirmed them (shapes and weights are Keras's either way)
    agreement: float | None
    checks: tuple[Check, ...]
    mask: np.ndarray | None = None  # (batch, timesteps) True where a step is real (with a Masking layer)
    padding_effect: tuple[Check, ...] = ()  # padded vs unpadded final outputs, with and without the mask
    stateful: Stateful | None = None
    refusal: refusals.Refusal | None = None

    @property
    def confirmed(self) -> bool:
        """The returned values are Keras's own (or Keras refused the model)."""
        return self.agreement is not None

    def returned(self, name: str) -> Tensor | None:
        return next((t for t in self.returns if t.name == name), None)

    @property
    def all_checks(self) -> tuple[Check, ...]:
        return self.checks + self.padding_effect + (self.stateful.checks if self.stateful else ())

    @property
    def trace(self) -> trace.Trace:
        """The last layer's (forward) trace: the steps behind what is returned."""
        return self.parts[0].trace


