"""What the examples' runs show: one Check per correction, measured on the installed Keras.

A check reads the runs of one example (the article's code as written, the smallest fix, the corrected code,
and the names each run defined: its model, X, y) and may build a little more with Keras. It says whether
Keras does what the page says it does, in sentences with the measured numbers, and keeps the numbers
for the tests. Every check by name: CHECKS (the general ones here, the others in checks_states,
checks_training and checks_padding, all written with rnnlab.articles.check_kit).
"""

from __future__ import annotations

from collections.abc import Callable

from rnnlab.articles import checks_padding, checks_states, checks_training
from rnnlab.articles.check_kit import INPUT_SHAPE_WARNING, Check, Runs


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


CHECKS: dict[str, Callable[[Runs], Check]] = {
    "prints": prints, "input_shape_warning": input_shape_warning, "name_error": name_error,
    **checks_states.CHECKS, **checks_training.CHECKS, **checks_padding.CHECKS}


def measure(name: str, runs: Runs) -> Check:
    """The check called name on these runs; a check that fails with an error says so (holds False)."""
    from rnnlab.own_code import error_text

    try:
        return CHECKS[name](runs)
    except Exception as err:  # the evidence page shows it instead of a claim it cannot back
        return Check(False, (f"This check could not be made: {error_text(err)}",))
