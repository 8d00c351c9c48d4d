"""Combinations Keras refuses: its own message, what it means in plain words, and the smallest fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rnnlab.params import Config


@dataclass(frozen=True)
class Refusal:
    message: str  # Keras's own words
    explanation: str
    fix: dict[str, str] = field(default_factory=dict)  # query parameters that make it build

    @property
    def fix_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.fix.items())


@dataclass(frozen=True)
class _Rule:
    applies: Callable[[Any], bool]
    explanation: str
    fix: dict[str, str]


RULES = (
    _Rule(lambda c: c.bidirectional and c.go_backwards,
          "Bidirectional makes its own backward copy of the layer it wraps (with go_backwards=True), so the "
          "layer you give it must read forwards.", {"go_backwards": "false"}),
    _Rule(lambda c: c.depth > 1 and not c.inner_return_sequences,
          "Every recurrent layer reads a sequence (batch, timesteps, features). A layer below without "
          "return_sequences hands on only its last output, (batch, units): there is no timesteps axis left.",
          {"inner_return_sequences": "true"}),
    _Rule(lambda c: c.bidirectional and c.merge_mode == "none" and (c.depth > 1 or c.head != "none"),
          "merge_mode=None returns the two directions as two separate tensors, but the next layer takes one "
          "tensor. A merge mode (concat, sum, mul, ave) joins them into one.", {"merge_mode": "concat"}),
    _Rule(lambda c: c.stateful and c.bidirectional and c.return_state,
          "Not a rule but a bug in this Keras version: a stateful Bidirectional layer that returns its states "
          "fails inside Bidirectional.compute_mask. Without return_state it works.", {"return_state": "false"}),
    _Rule(lambda c: c.head == "time_distributed" and not c.return_sequences,
          "TimeDistributed applies its layer at every timestep, so it needs a sequence (batch, timesteps, ...). "
          "Without return_sequences there is none; a plain Dense does the job on (batch, units).",
          {"head": "dense"}),
)


# Keras names a layer nobody named by its kind and a counter of every layer the process has built ('lstm_12'):
# the counter means nothing to a learner, whose code names no layer.
COUNTED_NAME = re.compile(r"'([a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*)_\d+'")


def plain_names(message: str) -> str:
    """Keras's message with its layers' internal counters taken off: layer 'lstm_12' reads layer 'lstm'."""
    return COUNTED_NAME.sub(r"'\1'", message)


def explain(config: Config, message: str) -> Refusal:
    """Keras's message for config (its layers named without Keras's counters) -> a Refusal with the first rule
    that applies."""
    message = plain_names(message)
    for rule in RULES:
        if rule.applies(config):
            return Refusal(message, rule.explanation, dict(rule.fix))
    return Refusal(message, "Keras would not build this combination of options.")
