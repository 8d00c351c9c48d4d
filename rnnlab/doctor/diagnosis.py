"""Read, build with Keras, find what is wrong, fix it, and build the fix to check it.

The code as read is built twice over: each constructor exactly as written (Keras 3 may refuse an
argument), then the model with the old idioms translated (its shapes are the ones listed). Findings
are repaired round by round, each round built again, until nothing new is found; the last build is
the verification of the fixed code.
"""

from __future__ import annotations

import dataclasses
import time

import keras

from rnnlab.doctor import repair, rules
from rnnlab.doctor.program import ASSUMED_LOSS, NotRead, Program
from rnnlab.doctor.reading import DoctorInputError
from rnnlab.doctor.trial import Built, Data, as_written, trial
from rnnlab.doctor.verdict import Diagnosis, LayerShape, RankedFix, Verification, fmt
from rnnlab.doctor.wording import said
from rnnlab.doctor.writing import program_code, step_label
from rnnlab.learner_text import quoted

MAX_ROUNDS = 6
# Findings about the model's output or its training: not claimed when lines that build the model were not read.
GUESSED = frozenset({"output_vs_target", "units_vs_target", "last_layer_returns_sequences", "target_is_a_sequence",
                     "several_outputs", "keras_error", "one_unit_categorical", "one_hot_labels_with_sparse",
                     "integer_labels_with_categorical"})
TOTAL_SECONDS = 7.0  # the search for a fix stops so that a diagnosis ends within about this long


def _table(program: Program, built: Built) -> tuple[LayerShape, ...]:
    rows = []
    for step in program.steps:
        if step.id in built.failures:
            note = f"Keras: {built.failures[step.id]}"
        elif step.id not in built.shapes:
            note = "not reached"
        else:
            note = ""
        rows.append(LayerShape(step.layer.line if step.layer is not None and step.layer.line else step.line,
                               step_label(step), built.shapes.get(step.id), note))
    return tuple(rows)


def _verify(program: Program, built: Built, data: Data) -> Verification:
    matches = rules.output_matches(program, built, data)
    outputs = built.outputs
    parts = []
    if built.error_phase in ("", "train", "reset") and outputs:
        shown = fmt(outputs[0]) if len(outputs) == 1 else ", ".join(fmt(o) for o in outputs)
        said = "" if matches is None else f" {'matches' if matches else 'does not match'} y {fmt(data.y)}"
        parts.append(f"built: output{'s' if len(outputs) > 1 else ''} {shown}{said}")
    if built.trained:
        targets = "X and y" if data.y is not None else "X and the output"
        parts.append(f"one training step ran on zeros shaped like {targets} (loss {built.loss_value:.4g}): it "
                     "checks that Keras can train the model, not what the model learns")
    elif built.skipped:
        parts.append(built.skipped)
    if built.error:
        parts.append(f"Keras: {built.error}")
    if not parts:
        parts.append("not built: Keras did not reach the model's output")
    if built.shrunk:
        parts.append(f"built and trained with smaller sizes to stay quick ({_sizes(built)}), every axis kept")
    return Verification(built.error_phase in ("", "train", "reset") and bool(outputs), outputs, matches,
                        built.trained, built.loss_value, built.error, "; ".join(parts), built.warnings)


def _sizes(built: Built) -> str:
    """The sizes a trial made smaller, e.g. '512 → 129'."""
    return ", ".join(f"{k} → {v}" for k, v in built.shrunk.items())


def _check_loss(loss: str | None) -> None:
    if loss is None:
        return
    try:
        keras.losses.get(loss)
    except (ValueError, TypeError):
        raise DoctorInputError(f"loss {quoted(loss)} is not a Keras loss (e.g. mse, binary_crossentropy, "
                               "categorical_crossentropy, sparse_categorical_crossentropy)") from None


def _key(finding: rules.Finding) -> tuple:
    return finding.problem.kind, finding.problem.line, finding.problem.message


@dataclasses.dataclass
class _Rounds:
    """The rules' own repairs, round by round: what was found, the program they lead to and its last trial."""

    found: list
    current: Program
    built: Built
    repaired: bool


def _translate(program: Program, data: Data) -> tuple[list, Program]:
    """Older idioms found and translated to Keras 3 (the loss given with the shapes wins over compile's)."""
    found = rules.translations(program, data)
    translated = program
    for finding in found:
        translated = finding.repair(translated)
    return found, dataclasses.replace(translated, loss=data.loss or program.loss)


def _rounds(found: list, program: Program, built: Built, data: Data) -> _Rounds:
    """Findings repaired round by round, each round built again, until nothing new is repaired."""
    state = _Rounds(list(found), program, built, bool(found))
    shown = {_key(f) for f in found}
    for _ in range(MAX_ROUNDS):
        round_found = rules.findings(state.current, state.built, data)
        state.found += [f for f in round_found if _key(f) not in shown]
        shown |= {_key(f) for f in round_found}
        fixed = state.current
        for finding in (f for f in round_found if f.repair):
            fixed = finding.repair(fixed)
        if fixed == state.current:  # nothing (more) to repair
            break
        state.current, state.repaired = fixed, True
        state.built = trial(fixed, data)
    return state


def _notes(program: Program, translated: Program, first: Built, data: Data) -> tuple[str, ...]:
    notes = list(program.notes)
    count = len(program.not_read)
    if count:
        notes.append(f"{count} line{'s' * (count != 1)} of the code {'were' if count != 1 else 'was'} not "
                     "understood (listed): the diagnosis covers the rest.")
    if first.shrunk:
        notes.append(f"To answer within seconds, Keras built and trained the model with its largest sizes made "
                     f"smaller ({_sizes(first)}) and every axis kept: a model's shapes follow the same rules at any "
                     "size. The shapes listed are at your sizes; Keras's own messages name the smaller ones.")
    if data.y is not None and not translated.loss:
        notes.append(f"No loss given: the training step used {ASSUMED_LOSS}.")
    return tuple(notes)


def _claimed(found: list, program: Program, first: Built, data: Data) -> list:
    """The findings the doctor stands by: those about the output or training only when the whole model was read."""
    if data.y is not None and data.y[0] != data.x[0]:
        found = found + [rules.Finding(said("samples_differ", None, x_samples=data.x[0], y_samples=data.y[0]))]
    if not any(n.model for n in program.not_read):
        return found
    return [f for f in found if f.problem.kind not in GUESSED
            or f.problem.kind == "keras_error" and first.error_phase == "build"]


@dataclasses.dataclass
class _Fix:
    program: Program | None = None
    verification: Verification | None = None
    what: str = ""
    others: tuple[RankedFix, ...] = ()
    searched: bool = False  # found by the search, not by the rules' own repairs


def _repaired_what(found: list) -> str:
    """The rules' repairs in plain words: each repaired finding's fix, once."""
    return "; ".join(dict.fromkeys(f.problem.fix for f in found if f.repair is not None))


def _fix(state: _Rounds, translated: Program, found: list, data: Data, seconds: float) -> _Fix:
    """The rules' repair when Keras verifies it; else the smallest edit the search finds."""
    fix = _Fix(state.current, _verify(state.current, state.built, data), _repaired_what(state.found)) \
        if state.repaired else _Fix()
    wrong = any(f.problem.severity == "error" for f in found)
    if not wrong or fix.verification and fix.verification.verified and state.built.trained:
        return fix
    bases = [state.current] + ([translated] if translated != state.current else [])
    results = repair.search(bases, data, seconds)
    if not results:
        return fix
    best = results[0]
    return _Fix(best.program, _verify(best.program, best.built, data), best.what,
                tuple(RankedFix(r.what, program_code(r.program), _verify(r.program, r.built, data))
                      for r in results[1:]), searched=True)


def examine(program: Program, data: Data) -> Diagnosis:
    """The whole diagnosis of a Program read from the learner's code."""
    start = time.perf_counter()
    _check_loss(data.loss)
    error, error_line, warned = as_written(program)
    found, translated = _translate(program, data)
    first = trial(translated, data)
    if error is None and first.error:
        error, error_line = first.error, (translated.step(first.error_step).line if first.error_step is not None
                                          else translated.fit_line or translated.loss_line)
    state = _rounds(found, translated, first, data)
    found = _claimed(state.found, program, first, data)
    # Keras's own error in a model whose making was read: the search runs on the part read even when unread lines
    # keep the doctor from claiming what is wrong
    fix = _fix(state, translated, state.found if first.error and program.has_model else found, data,
               max(1.0, TOTAL_SECONDS - (time.perf_counter() - start)))
    notes = _notes(program, translated, first, data)
    if fix.searched:
        found = [_with_fix(f, fix.what) for f in found]
        if any(n.model for n in program.not_read):
            notes += ("The fix was found on the part of the model the doctor read: the lines it could not read "
                      "are left out of it.",)
    return Diagnosis(
        problems=tuple(f.problem for f in found), keras_error=error, keras_error_line=error_line,
        keras_warnings=tuple(dict.fromkeys(warned + first.warnings)),
        layer_shapes=_table(translated, first), output_shapes=first.outputs,
        fixed_code=program_code(fix.program) if fix.program is not None else None,
        verification=fix.verification, not_read=program.not_read, notes=notes,
        keras_version=keras.__version__,
        untested="" if first.trained or first.error else first.skipped or "no training step ran",
        fix_what=fix.what, alternatives=fix.others)


def _with_fix(finding: rules.Finding, what: str) -> rules.Finding:
    """A finding that explains but had no repair of its own gets the fix the search found."""
    if finding.repair is not None or finding.problem.severity != "error":
        return finding
    return dataclasses.replace(finding, problem=dataclasses.replace(
        finding.problem, fix=f"{what} (tried with Keras: it builds, trains one step and fits y)"))


def unjudged(program: Program, code: str, err: BaseException) -> Diagnosis:
    """'unsure', naming the line that makes the model: the doctor itself failed to judge it (its own failure,
    not Keras's, which a diagnosis reports)."""
    made = [s.line for s in program.steps if s.line] + [program.fit_line or 0, program.loss_line or 0]
    line = max(1, min((n for n in made if n), default=1))
    lines = code.splitlines()
    reason = (f"the doctor could not judge the model made here ({type(err).__name__} in the doctor itself, not "
              "a fault of the code): nothing is claimed about it")
    return Diagnosis(problems=(), keras_error=None, keras_error_line=None, keras_warnings=(), layer_shapes=(),
                     output_shapes=None, fixed_code=None, verification=None,
                     not_read=program.not_read + (NotRead(line, lines[line - 1].strip() if line <= len(lines) else "",
                                                          reason, model=True),),
                     notes=program.notes, keras_version=keras.__version__,
                     untested="the doctor could not judge this model")
