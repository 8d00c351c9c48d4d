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
from rnnlab.doctor.verdict import Problem, fmt
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
    return [Finding(Problem(
        "stateful_needs_batch_size", f"The {layer_name(first.layer)} on line {first.line} is stateful: it keeps one "
        "state per row of the batch, so the batch size must be fixed when the model is built, and this input "
        + ("leaves it open." if batch is None else
           f"fixes it at {quoted(repr(batch))}, which is no number of samples.")
        + (f" Keras says: {built.error}" if built.error else ""),
        f"keras.Input(batch_shape={fmt((size, *entry.features_shape))})", entry.line),
        _set_batch(entry.id, size, "stateful: a fixed batch size"))]


def _fit_batch(program: Program, batch: int, samples: int) -> list[Finding]:
    if program.fit_batch is None or program.fit_batch == batch or samples % batch:
        return []
    return [Finding(Problem(
        "stateful_fit_batch", f"fit uses batch_size={program.fit_batch} but the stateful model is built for "
        f"batches of {batch}.", f"fit(..., batch_size={batch})", program.fit_line),
        lambda p: dataclasses.replace(p, fit_batch=batch))]


def _divides(program: Program, built: Built, batch: int, samples: int, first: Step) -> list[Finding]:
    if not samples % batch:
        return []
    size = divisor(samples, batch)
    keras_says = f"Keras stops at that batch: {built.error}" if built.error_phase == "train" else \
        "Keras 3 trains on it without an error, so states and samples fall out of step."
    return [Finding(Problem(
        "stateful_batch_does_not_divide", f"The {layer_name(first.layer)} on line {first.line} is stateful with batch "
        f"size {batch}: it carries each row's state on to the same row of the next batch, so every batch must hold "
        f"exactly {batch} samples. {samples} samples do not split into batches of {batch}: the last one holds "
        f"{samples % batch}. " + keras_says,
        f"a batch size that divides {samples}: {size}, in keras.Input(batch_shape=...) and in fit",
        program.inputs[0].line), _set_batch(program.inputs[0].id, size, f"{size} divides the {samples} samples"))]


def _shuffled(program: Program) -> list[Finding]:
    if program.fit_line is None or program.fit_shuffle is False:
        return []
    return [Finding(Problem(
        "stateful_shuffle", "fit shuffles the samples by default, so a stateful layer would carry its state "
        "between samples that do not follow each other.", "fit(..., shuffle=False)", program.fit_line,
        "warning"), lambda p: dataclasses.replace(p, fit_shuffle=False))]


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

    return Finding(Problem(
        "go_backwards_not_flipped", f"The {layer_name(below.layer)} on line {below.line} has go_backwards=True: it "
        "reads the sequence from the last step to the first and returns its outputs in that reversed order (its "
        f"output step t belongs to input step T-1-t). The {merge.layer.cls} on line {merge.line} merges it step by "
        "step with another sequence, so step t meets step T-1-t.",
        "flip it back first: keras.ops.flip(x, axis=1) (Bidirectional does this itself)", merge.line), repair)


@rule
def _reset_states(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for line, method in program.resets:
        if hasattr(keras.Model, method):
            continue
        said = f" Keras says: {built.error}" if built.error_phase == "reset" else ""
        found.append(Finding(Problem(
            "model_reset_states", f"Keras 3 models have no {method}(): only recurrent layers hold states, and each "
            f"layer has reset_state().{said}", "reset each layer: for layer in model.layers: if hasattr(layer, "
            "'reset_state'): layer.reset_state()", line),
            lambda p: dataclasses.replace(p, resets=(), reset_loop=True)))
    return found
