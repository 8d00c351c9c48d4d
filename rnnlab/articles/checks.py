"""What the examples' runs show: one Check per correction, measured on the installed Keras.

A check reads the runs of one example (the article's code as written, the smallest fix, the corrected code,
and the names each run defined: its model, X, y) and may build a little more with Keras. It says whether
Keras does what the page says it does, in sentences with the measured numbers, and keeps the numbers
for the tests.
"""

from __future__ import annotations

from collections.abc import Callable
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


def prints(runs: Runs) -> Check:
    """What the article says its code prints, against what it prints (after the smallest fix, if needed)."""
    done, _ = runs.working
    after = " after the smallest fix" if runs.fixed else ""
    return Check(done.ran and done.printed == runs.says_prints,
                 (f"The article's comments say it prints: {' / '.join(runs.says_prints)}.",
                  f"It prints{after}: {' / '.join(done.printed) or 'nothing'}."))


def input_shape_warning(runs: Runs) -> Check:
    """Keras 3 warns about input_shape= on a layer; the corrected code (keras.Input) gets no warning."""
    done, _ = runs.working
    corrected, _ = runs.corrected
    warned = [w for w in done.warnings if INPUT_SHAPE_WARNING in w]
    clean = not any(INPUT_SHAPE_WARNING in w for w in corrected.warnings)
    facts = (f"Keras warns: {warned[0]}" if warned else "Keras gave no input_shape warning.",
             "The corrected code, with keras.Input(shape=...) first, runs without it." if clean
             else "The corrected code still gets the warning.")
    return Check(bool(warned) and clean and corrected.ran, facts)


def name_error(runs: Runs) -> Check:
    """The article's code stops with Python's NameError; the smallest fix (the definitions moved up) runs."""
    written, _ = runs.written
    fixed, _ = runs.fixed or (None, None)
    facts = (f"As written it stops on line {written.error_line}: {written.error}",
             "With timesteps and features defined before the model, it runs to the end." if fixed and fixed.ran
             else "The smallest fix does not run either.")
    return Check(written.error.startswith("NameError") and bool(fixed and fixed.ran), facts)


def _all() -> dict[str, Callable[[Runs], Check]]:
    from rnnlab.articles import checks_padding, checks_states, checks_training

    return {"prints": prints, "input_shape_warning": input_shape_warning, "name_error": name_error,
            **checks_states.CHECKS, **checks_training.CHECKS, **checks_padding.CHECKS}


def measure(name: str, runs: Runs) -> Check:
    """The check called name on these runs; a check that fails with an error says so (holds False)."""
    from rnnlab.own_code import error_text

    try:
        return _all()[name](runs)
    except Exception as err:  # the evidence page shows it instead of a claim it cannot back
        return Check(False, (f"This check could not be made: {error_text(err)}",))
