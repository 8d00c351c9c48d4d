"""The problems the doctor knows: each a kind, plain words, the smallest fix, and that fix as a function
Program -> Program. They explain why a model fails; the repair search (repair.py) finds fixes besides theirs.

`translations` turn older Keras idioms into Keras 3 (rules_idioms). `findings` compare what Keras built (a
trial.Built) with X, y and the loss, one theme per module: why a step did not build (rules_build), the input
and output against X and y (rules_output), states and time order (rules_state). What Keras says or does is read
from the trial run, never assumed; the tests check each explanation against the installed Keras.
"""

from __future__ import annotations

from rnnlab.doctor import rules_build, rules_output, rules_state
from rnnlab.doctor.program import Program
from rnnlab.doctor.rule_kit import Finding, Rule, registered
from rnnlab.doctor.rules_idioms import translations  # noqa: F401
from rnnlab.doctor.rules_output import output_matches  # noqa: F401
from rnnlab.doctor.trial import Built, Data
from rnnlab.doctor.verdict import Problem  # noqa: F401
from rnnlab.doctor.wording import said

# Every rule (each module's @rule functions), in the order its findings are listed: first why Keras refused to
# build, then the shapes against X and y, then states.
RULES: tuple[Rule, ...] = tuple(r for module in (rules_build, rules_output, rules_state) for r in registered(module))


def findings(program: Program, built: Built, data: Data) -> list[Finding]:
    """Every rule's findings; Keras's own error when none of them explains it."""
    found: list[Finding] = [f for rule in RULES for f in rule(program, built, data)]
    if built.error and not any(f.problem.severity == "error" for f in found):
        step = program.step(built.error_step) if built.error_step is not None else None
        found.append(Finding(said("keras_error", step.line if step else program.fit_line or program.loss_line,
                                  error=built.error)))
    return found
