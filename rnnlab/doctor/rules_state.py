"""States across batches and time order: stateful layers and their batch size, go_backwards outputs merged
unflipped, reset_states on a Keras 3 model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras

from rnnlab.doctor.catalogue import MERGES
from rnnlab.doctor.program import Program, Ref, Step
from rnnlab.doctor.rule_kit import Finding, _divisor, _upstream
from rnnlab.doctor.trial import Built, Data
from rnnlab.doctor.verdict import Problem, fmt
from rnnlab.doctor.writing import layer_name


def _stateful(program: Program, built: Built, data: Data) -> list[Finding]:
    stateful = [s for s in program.steps if s.kind == "layer" and s.layer.recurrent and s.layer.flag("stateful")]
    if not stateful or len(program.inputs) != 1:
        return []
    entry, samples, found = program.inputs[0], data.x[0], []
    batch = entry.fixed_batch
    name = layer_name(stateful[0].layer)

    def set_batch(size: int, comment: str) -> Callable[[Program], Program]:
        def repair(p: Program) -> Program:
            step = p.step(entry.id)
            layer = step.layer.drop("shape", "batch_shape", "batch_size").set("batch_shape",
                                                                              (size, *step.features_shape))
            p = p.update(entry.id, comment, layer=layer)
            return dataclasses.replace(p, fit_batch=size) if p.fit_line is not None else p
        return repair

    if not isinstance(batch, int) or batch < 1:
        fit = program.fit_batch if isinstance(program.fit_batch, int) and program.fit_batch > 0 else None
        size = fit if fit and samples % fit == 0 else _divisor(samples, fit or 32)
        found.append(Finding(Problem(
            "stateful_needs_batch_size", f"The {name} on line {stateful[0].line} is stateful: it keeps one state per "
            "row of the batch, so the batch size must be fixed when the model is built, and this input "
            + ("leaves it open." if batch is None else f"fixes it at {batch!r}, which is no number of samples.")
            + (f" Keras says: {built.error}" if built.error else ""),
            f"keras.Input(batch_shape={fmt((size, *entry.features_shape))})", entry.line),
            set_batch(size, "stateful: a fixed batch size")))
        return found
    if program.fit_batch is not None and program.fit_batch != batch and samples % batch == 0:
        found.append(Finding(Problem(
            "stateful_fit_batch", f"fit uses batch_size={program.fit_batch} but the stateful model is built for "
            f"batches of {batch}.", f"fit(..., batch_size={batch})", program.fit_line),
            lambda p: dataclasses.replace(p, fit_batch=batch)))
    if samples % batch:
        size = _divisor(samples, batch)
        found.append(Finding(Problem(
            "stateful_batch_does_not_divide", f"The {name} on line {stateful[0].line} is stateful with batch size "
            f"{batch}: it carries each row's state on to the same row of the next batch, so every batch must hold "
            f"exactly {batch} samples. {samples} samples do not split into batches of {batch}: the last one holds "
            f"{samples % batch}. " + (f"Keras stops at that batch: {built.error}" if built.error_phase == "train" else
                                      "Keras 3 trains on it without an error, so states and samples fall out of step."),
            f"a batch size that divides {samples}: {size}, in keras.Input(batch_shape=...) and in fit", entry.line),
            set_batch(size, f"{size} divides the {samples} samples")))
    if program.fit_line is not None and program.fit_shuffle is not False:
        found.append(Finding(Problem(
            "stateful_shuffle", "fit shuffles the samples by default, so a stateful layer would carry its state "
            "between samples that do not follow each other.", "fit(..., shuffle=False)", program.fit_line,
            "warning"), lambda p: dataclasses.replace(p, fit_shuffle=False)))
    return found


def _go_backwards(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step in program.steps:
        if step.kind != "layer" or step.layer.cls not in MERGES or len(step.inputs) < 2:
            continue
        for i, ref in enumerate(step.inputs):
            below, flipped = _upstream(program, ref)
            if below is None or below.layer.cls == "Bidirectional" or flipped or \
                    not (below.layer.flag("go_backwards") and below.layer.flag("return_sequences")):
                continue
            name = layer_name(below.layer)

            def repair(p: Program, merge: Step = step, i: int = i, ref: Ref = ref) -> Program:
                new_id = p.next_id
                base = p.producer(ref).names[ref[1] or 0] if p.producer(ref).names else "backward"
                flip = Step(new_id, "flip", merge.line, inputs=(ref,), names=(f"{base}_flipped",),
                            comment="back in time order")
                p = p.insert_after(ref[0], flip)
                inputs = tuple((new_id, None) if j == i else r for j, r in enumerate(p.step(merge.id).inputs))
                return p.update(merge.id, inputs=inputs)

            found.append(Finding(Problem(
                "go_backwards_not_flipped", f"The {name} on line {below.line} has go_backwards=True: it reads the "
                "sequence from the last step to the first and returns its outputs in that reversed order (its output "
                f"step t belongs to input step T-1-t). The {step.layer.cls} on line {step.line} merges it step by step "
                "with another sequence, so step t meets step T-1-t.",
                "flip it back first: keras.ops.flip(x, axis=1) (Bidirectional does this itself)", step.line), repair))
    return found


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
