"""States across batches and time order: stateful layers and their batch size, go_backwards outputs merged
unflipped, reset_states on a Keras 3 model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras

from rnnlab.doctor.catalogue import MERGES
from rnnlab.doctor.program import Program, Ref, Step
from rnnlab.doctor.rule_kit import Finding, divisor, rule, upstream
from rnnlab.doctor.trial import Built, Data
from rnnlab.doctor.verdict import fmt
from rnnlab.doctor.wording import part, said
from rnnlab.doctor.writing import layer_name
from rnnlab.learner_text import quoted


def _set_batch(entry_id: int, size: int, comment: str) -> Callable[[Program], Program]:
    """The input's batch size fixed at size (and fit's, when the code calls fit)."""
    def repair(p: Program) -> Program:
        step = p.step(entry_id)
        layer = step.layer.drop("shape", "batch_shape", "batch_size").set("batch_shape", (size, *step.features_shape))
        p = p.update(entry_id, comment, layer=layer)
        return dataclasses.replace(p, fit_batch=size) if p.fit_line is not None else p
    return repair


def _open_batch(program: Program, built: Built, samples: int, first: Step) -> list[Finding]:
    entry, batch = program.inputs[0], program.inputs[0].fixed_batch
    fit = program.fit_batch if isinstance(program.fit_batch, int) and program.fit_batch > 0 else None
    size = fit if fit and samples % fit == 0 else divisor(samples, fit or 32)
    return [Finding(said(
        "stateful_needs_batch_size:" + ("open" if batch is None else "fixed"), entry.line,
        name=layer_name(first.layer), line=first.line, batch=quoted(repr(batch)),
        keras_says=part("keras_says", error=built.error) if built.error else "",
        batch_shape=fmt((size, *entry.features_shape))),
        _set_batch(entry.id, size, "stateful: a fixed batch size"))]


def _fit_batch(program: Program, batch: int, samples: int) -> list[Finding]:
    if program.fit_batch is None or program.fit_batch == batch or samples % batch:
        return []
    return [Finding(said("stateful_fit_batch", program.fit_line, fit_batch=program.fit_batch, batch=batch),
        lambda p: dataclasses.replace(p, fit_batch=batch))]


def _divides(program: Program, built: Built, batch: int, samples: int, first: Step) -> list[Finding]:
    if not samples % batch:
        return []
    size = divisor(samples, batch)
    keras_says = part("stops_at_batch", error=built.error) if built.error_phase == "train" else \
        part("trains_out_of_step")
    return [Finding(said(
        "stateful_batch_does_not_divide", program.inputs[0].line, name=layer_name(first.layer), line=first.line,
        batch=batch, samples=samples, left=samples % batch, keras_says=keras_says, size=size), _set_batch(program.inputs[0].id, size, f"{size} divides the {samples} samples"))]


def _shuffled(program: Program) -> list[Finding]:
    if program.fit_line is None or program.fit_shuffle is False:
        return []
    return [Finding(said("stateful_shuffle", program.fit_line, "warning"), lambda p: dataclasses.replace(p, fit_shuffle=False))]


@rule
def _stateful(program: Program, built: Built, data: Data) -> list[Finding]:
    """A stateful layer: its batch size fixed, fit's the same, dividing the samples, and fit not shuffling."""
    stateful = [s for s in program.steps if s.kind == "layer" and s.layer.recurrent and s.layer.flag("stateful")]
    if not stateful or len(program.inputs) != 1:
        return []
    batch, samples = program.inputs[0].fixed_batch, data.x[0]
    if not isinstance(batch, int) or batch < 1:
        return _open_batch(program, built, samples, stateful[0])
    return _fit_batch(program, batch, samples) + _divides(program, built, batch, samples, stateful[0]) + \
        _shuffled(program)


@rule
def _go_backwards(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step in program.steps:
        if step.kind != "layer" or step.layer.cls not in MERGES or len(step.inputs) < 2:
            continue
        for i, ref in enumerate(step.inputs):
            below = _read_backwards(program, ref)
            if below is not None:
                found.append(_merged_backwards(step, i, ref, below))
    return found


def _read_backwards(program: Program, ref: Ref) -> Step | None:
    """The recurrent layer (not Bidirectional) a sequence comes from when it reads backwards and nothing turns its
    outputs round."""
    below, flipped = upstream(program, ref)
    if below is None or below.layer.cls == "Bidirectional" or flipped:
        return None
    return below if below.layer.flag("go_backwards") and below.layer.flag("return_sequences") else None


def _merged_backwards(merge: Step, i: int, ref: Ref, below: Step) -> Finding:
    """A merge's i-th input read backwards: flipped back before the merge."""
    def repair(p: Program) -> Program:
        new_id = p.next_id
        base = p.producer(ref).names[ref[1] or 0] if p.producer(ref).names else "backward"
        flip = Step(new_id, "flip", merge.line, inputs=(ref,), names=(f"{base}_flipped",),
                    comment="back in time order")
        p = p.insert_after(ref[0], flip)
        inputs = tuple((new_id, None) if j == i else r for j, r in enumerate(p.step(merge.id).inputs))
        return p.update(merge.id, inputs=inputs)

    return Finding(said("go_backwards_not_flipped", merge.line, name=layer_name(below.layer), line=below.line,
                        merge=merge.layer.cls, merge_line=merge.line), repair)


@rule
def _reset_states(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for line, method in program.resets:
        if hasattr(keras.Model, method):
            continue
        keras_says = part("keras_says", error=built.error) if built.error_phase == "reset" else ""
        found.append(Finding(said("model_reset_states", line, method=method, keras_says=keras_says),
            lambda p: dataclasses.replace(p, resets=(), reset_loop=True)))
    return found
