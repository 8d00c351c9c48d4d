"""Read, build with Keras, find what is wrong, fix it, and build the fix to check it.

The code as read is built twice over: each constructor exactly as written (Keras 3 may refuse an
argument), then the model with the old idioms translated (its shapes are the ones listed). Findings
are repaired round by round, each round built again, until nothing new is found; the last build is
the verification of the fixed code.
"""

from __future__ import annotations

import dataclasses

import keras

from rnnlab.doctor import rules
from rnnlab.doctor.program import Program
from rnnlab.doctor.reading import DoctorInputError
from rnnlab.doctor.trial import Built, Data, as_written, trial
from rnnlab.doctor.verdict import Diagnosis, LayerShape, Problem, Verification, fmt
from rnnlab.doctor.writing import program_code, step_label
from rnnlab.model import on_keras_thread

MAX_ROUNDS = 6


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
        parts.append(f"one training step ran, loss {built.loss_value:.4g}")
    elif built.skipped:
        parts.append(built.skipped)
    if built.error:
        parts.append(f"Keras: {built.error}")
    if not parts:
        parts.append("not built: Keras did not reach the model's output")
    if built.shrunk:
        sizes = ", ".join(f"{k} → {v}" for k, v in built.shrunk.items())
        parts.append(f"trial sizes {sizes}")
    return Verification(built.error_phase in ("", "train", "reset") and bool(outputs), outputs, matches,
                        built.trained, built.loss_value, built.error, "; ".join(parts))


def _check_loss(loss: str | None) -> None:
    if loss is None:
        return
    try:
        keras.losses.get(loss)
    except (ValueError, TypeError):
        raise DoctorInputError(f"loss {loss!r} is not a Keras loss (e.g. mse, binary_crossentropy, "
                               "categorical_crossentropy, sparse_categorical_crossentropy)") from None


@on_keras_thread
def examine(program: Program, data: Data) -> Diagnosis:
    """The whole diagnosis of a Program read from the learner's code (runs on the Keras thread)."""
    _check_loss(data.loss)
    error, error_line, warned = as_written(program)
    found = rules.translations(program, data)
    translated = program
    for finding in found:
        translated = finding.repair(translated)
    translated = dataclasses.replace(translated, loss=data.loss or program.loss)
    first = trial(translated, data)
    if error is None and first.error:
        error, error_line = first.error, (translated.step(first.error_step).line if first.error_step is not None
                                          else translated.fit_line or translated.loss_line)
    current, built, repaired = translated, first, bool(found)
    shown = {(f.problem.kind, f.problem.line, f.problem.message) for f in found}
    for _ in range(MAX_ROUNDS):
        round_found = rules.findings(current, built, data)
        found += [f for f in round_found if (f.problem.kind, f.problem.line, f.problem.message) not in shown]
        shown |= {(f.problem.kind, f.problem.line, f.problem.message) for f in round_found}
        fixed = current
        for finding in round_found:
            if finding.repair:
                fixed = finding.repair(fixed)
        if fixed == current:  # nothing (more) to repair
            break
        current, repaired = fixed, True
        built = trial(current, data)
    if data.y is not None and data.y[0] != data.x[0]:
        found.append(rules.Finding(Problem(
            "samples_differ", f"X has {data.x[0]} samples but y has {data.y[0]}: every sample needs its target.",
            "give X and y the same first axis", None)))
    notes = list(program.notes)
    if program.not_read:
        notes.append(f"{len(program.not_read)} line{'s' * (len(program.not_read) != 1)} of the code "
                     f"{'were' if len(program.not_read) != 1 else 'was'} not understood (listed): the diagnosis "
                     "covers the rest.")
    if first.shrunk:
        sizes = ", ".join(f"{k} → {v}" for k, v in first.shrunk.items())
        notes.append(f"The trial run used smaller sizes ({sizes}), keeping every rank; the shapes listed are "
                     "yours. Keras's messages name the trial sizes.")
    if data.y is not None and not translated.loss:
        notes.append("No loss given: the training step used mse.")
    problems = tuple(f.problem for f in found)
    return Diagnosis(
        problems=problems, keras_error=error, keras_error_line=error_line,
        keras_warnings=tuple(dict.fromkeys(warned + first.warnings)),
        layer_shapes=_table(translated, first), output_shapes=first.outputs,
        fixed_code=program_code(current) if repaired else None,
        verification=_verify(current, built, data) if repaired else None,
        not_read=program.not_read, notes=tuple(notes), keras_version=keras.__version__)
