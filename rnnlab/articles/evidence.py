"""An example's evidence: its code run as written, with the smallest fix, corrected, and every check measured.

Runs in an engine worker (the task "article") or directly in a test; the result is plain data (no Keras
objects), small enough to cache and send between processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rnnlab.articles.check_kit import Check, Runs
from rnnlab.articles.checks import measure
from rnnlab.articles.examples import BY_ID, Example
from rnnlab.own_code import Attempt, attempt


@dataclass(frozen=True)
class Evidence:
    """What the installed Keras did with one example: the three runs (fixed is None when the article's code
    runs as written) and every check its claims name, by check name."""

    example: str
    keras_version: str
    as_written: Attempt
    fixed: Attempt | None
    corrected: Attempt
    checks: dict[str, Check]
    seconds: float


def _checks_of(example: Example) -> tuple[str, ...]:
    names = ("prints", *(c.check for c in example.claims))
    return tuple(dict.fromkeys(names))


def example_evidence(example_id: str) -> Evidence:
    """Run example_id's code (as written, fixed, corrected) and measure every check; KeyError for an unknown id."""
    import keras

    example = BY_ID[example_id]
    start = time.perf_counter()
    written = attempt(example.code)
    fixed = attempt(example.fix) if example.fix else None
    corrected = attempt(example.corrected)
    runs = Runs(example.says_prints, written, fixed, corrected)
    checks = {name: measure(name, runs) for name in _checks_of(example)}
    return Evidence(example.id, keras.__version__, written[0], fixed and fixed[0], corrected[0], checks,
                    time.perf_counter() - start)
