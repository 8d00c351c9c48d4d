"""Why Keras refused to build a step: a trailing comma's tuple, unknown arguments, unpacking, states passed on,
a layer that needs a sequence, X without a feature axis, tensors a merge cannot join.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rnnlab.doctor.catalogue import MERGES
from rnnlab.doctor.program import Program, Ref, Shape, Step
from rnnlab.doctor.rule_kit import (CONFIG_NAMES, Finding, change_layer, drop_time_axis, output_dense, ref_shape,
                                    regroup, rule, set_flag, sized_recurrent, source_step, standard_names, upstream)
from rnnlab.doctor.trial import Built, Data
from rnnlab.doctor.verdict import Problem, fmt
from rnnlab.doctor.writing import layer_name


@rule
def _trailing_comma(program: Program, built: Built, data: Data) -> list[Finding]:
    """A layer called on a one-item tuple: the trailing comma of `x = LSTM(8)(x),` made x a tuple."""
    found = []
    for step in program.steps:
        if not step.tupled or step.id not in built.failures:
            continue
        made = program.producer(step.inputs[0])
        found.append(Finding(Problem(
            "trailing_comma_tuple", f"The line {made.line} ends with a comma, so Python makes a tuple holding the "
            f"tensor, not the tensor itself; the {layer_name(step.layer)} on line {step.line} is then called on that "
            f"tuple and Keras refuses it: {built.failures[step.id]}", f"remove the comma at the end of line "
            f"{made.line}", made.line),
            lambda p, step_id=step.id: p.update(step_id, "no trailing comma", listed=False, tupled=False)))
    return found


@rule
def _unknown_arguments(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        match = re.search(r"Unrecognized keyword arguments passed to (\w+): \{(.*)\}", message, re.S)
        if match:
            names = re.findall(r"'(\w+)':", match.group(2))
            step = program.step(step_id)
            found.append(Finding(Problem(
                "unknown_argument", f"The {match.group(1)} on line {step.line} gets arguments Keras 3 does not know: "
                f"{', '.join(names)}.", f"leave out {', '.join(names)}", step.line),
                change_layer(step_id, lambda layer, names=names: layer.drop(*names), f"without {', '.join(names)}")))
    return found


@rule
def _unpacking(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        step = program.step(step_id)
        if not step.unpacked or step_id not in built.counts:
            continue
        wanted, count, layer = len(step.names), built.counts[step_id], step.layer
        written = f"{', '.join(step.names)} = ..."
        if layer.recurrent and layer.core.cls in CONFIG_NAMES:
            with_states = standard_names(layer.with_core(layer.core.set("return_state", True)))
            if count == 1 and not layer.flag("return_state") and wanted == len(with_states):
                found.append(Finding(Problem(
                    "unpack_count", f"`{written}` on line {step.line} asks for {wanted} tensors, but without "
                    f"return_state=True the {layer_name(layer)} returns one tensor (Python: {message}). With "
                    f"return_state=True it returns {wanted}: {', '.join(with_states)}.",
                    f"return_state=True on the {layer_name(layer)}", step.line),
                    set_flag(step_id, "return_state", True, "return_state=True: it returns the states too")))
                continue
            standard = standard_names(layer)
        else:
            standard = tuple(f"{step.names[0]}_{i}" for i in range(count))
        keep = (2 if layer.get("merge_mode", "concat") is None else 1) if layer.cls == "Bidirectional" \
            else min(wanted, count)
        names = tuple(step.names[:keep]) + tuple(standard[keep:count]) if count > 1 else step.names[:1]
        returned = f"{count} tensors: {', '.join(standard[:count])}" if count > 1 else "one tensor"
        note = " The states are not merged: each direction keeps its own h (and c)." \
            if layer.cls == "Bidirectional" and count > 1 else ""
        found.append(Finding(Problem(
            "unpack_count", f"`{written}` on line {step.line} names {wanted} tensors, but the {layer_name(layer)} "
            f"returns {returned} (Python: {message}).{note}", f"{', '.join(names)} = ...", step.line),
            lambda p, step_id=step_id, names=names: regroup(p.update(step_id, f"it returns {len(names)} tensors"),
                                                             step_id, p.step(step_id).names, names)))
    return found


@rule
def _states_into_layer(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        step = program.step(step_id)
        if "expects 1 input(s), but it received" not in message or not step.inputs:
            continue
        source = program.producer(step.inputs[0])
        if source.kind != "layer":
            continue
        if source.layer.cls == "Bidirectional" and source.layer.has("merge_mode") and \
                source.layer.get("merge_mode") is None and not source.layer.flag("return_state"):
            found.append(_two_directions(source, step))
        elif source.layer.flag("return_state"):
            found.append(_states_passed(program, built, source, step))
    return found


def _two_directions(source: Step, step: Step) -> Finding:
    """A Bidirectional with merge_mode=None (two tensors) into a layer that takes one."""
    name = layer_name(source.layer)
    return Finding(Problem(
        "merge_mode_none_into_layer", f"The {name} on line {source.line} has merge_mode=None, so it returns "
        f"its two directions as two tensors, but the {layer_name(step.layer)} on line {step.line} takes one tensor.",
        f"a merge mode on the {name}: merge_mode='concat' (the default), 'sum', 'mul' or 'ave'", source.line),
        _merge_directions(source.id))


def _states_passed(program: Program, built: Built, source: Step, step: Step) -> Finding:
    """A layer with return_state=True (its output and states) into a layer that takes one tensor."""
    name = layer_name(source.layer)
    if program.style != "functional":
        repair = set_flag(source.id, "return_state", False, "no return_state: Sequential passes one tensor on")
        fix = f"remove return_state=True from the {name} on line {source.line}; to get its states, use the " \
              "functional API"
    else:
        def repair(p: Program, step_id: int = step.id, ref: Ref = step.inputs[0]) -> Program:
            return p.update(step_id, "the output only, not the states", inputs=((ref[0], 0),))
        fix = "pass on only the first tensor it returns (the output), e.g. output, *states = ..."
    return Finding(Problem(
        "states_into_layer", f"The {name} on line {source.line} has return_state=True, so it returns "
        f"{built.counts.get(source.id, 'several')} tensors (its output, then its final states), but the "
        f"{layer_name(step.layer)} on line {step.line} takes one tensor.", fix, source.line), repair)


def _merge_directions(step_id: int) -> Callable[[Program], Program]:
    """merge_mode left out (concat): the Bidirectional returns one tensor, used wherever its two were."""
    def repair(p: Program) -> Program:
        p = change_layer(step_id, lambda layer: layer.drop("merge_mode") if layer.cls == "Bidirectional" else layer,
                    "merge_mode='concat' (the default) joins the two directions")(p)
        names = p.step(step_id).names
        return regroup(p, step_id, names, names[:1], joined=True) if p.step(step_id).unpacked else p
    return repair


@rule
def _backwards_in_bidirectional(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        step = program.step(step_id)
        if step.kind == "layer" and step.layer.cls == "Bidirectional" and step.layer.flag("go_backwards"):
            found.append(Finding(Problem(
                "go_backwards_in_bidirectional", f"The {layer_name(step.layer)} on line {step.line} wraps a layer with "
                "go_backwards=True, but Bidirectional makes the backward copy itself, so the layer it wraps must "
                "read forwards.", "leave out go_backwards=True inside Bidirectional", step.line),
                set_flag(step_id, "go_backwards", False, "Bidirectional runs the backward copy itself")))
    return found


@rule
def _needs_sequence(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id in built.failures:
        step = program.step(step_id)
        if step.kind != "layer" or len(step.inputs) != 1:
            continue
        shape = ref_shape(built, step.inputs[0])
        below, _ = upstream(program, step.inputs[0])
        if shape is not None and len(shape) == 2 and below is not None and not below.layer.flag("return_sequences"):
            found += _without_sequence(step, below, shape, data)
    return found


def _without_sequence(step: Step, below: Step, shape: Shape, data: Data) -> list[Finding]:
    """A recurrent layer or TimeDistributed given the last output of the recurrent layer below it."""
    what = (f"the {layer_name(below.layer)} on line {below.line} below it hands on only its last output, "
            f"{fmt(shape)}: without return_sequences=True a recurrent layer drops the time axis.")
    fix = f"return_sequences=True on the {layer_name(below.layer)} on line {below.line}"
    repair = set_flag(below.id, "return_sequences", True, "return_sequences=True: the next layer reads a sequence")
    if step.layer.recurrent:
        return [Finding(Problem("inner_layer_needs_sequences", f"The {layer_name(step.layer)} on line "
                                f"{step.line} reads a sequence (batch, timesteps, features), but {what}",
                                fix, below.line), repair)]
    if step.layer.cls != "TimeDistributed":
        return []
    if data.y is not None and len(data.y) < 3:  # one prediction per sample: no time axis wanted
        fix = f"use the layer inside TimeDistributed directly on line {step.line}"
        repair = (lambda p, step_id=step.id: p.update(step_id, "one prediction per sample, no time axis",
                                                      layer=p.step(step_id).layer.inner))
    return [Finding(Problem("time_distributed_needs_sequence", f"TimeDistributed on line {step.line} "
                            f"applies its layer at every timestep, so it needs a sequence, but {what}",
                            fix, step.line), repair)]


@rule
def _needs_feature_axis(program: Program, built: Built, data: Data) -> list[Finding]:
    """A recurrent layer (or Conv1D) reading the model's input straight from a 2-D X: no feature axis."""
    if len(program.inputs) != 1 or len(data.x) != 2:
        return []
    entry = program.inputs[0]
    for step_id in built.failures:
        step = program.step(step_id)
        if step.kind != "layer" or not (step.layer.recurrent or step.layer.cls == "Conv1D") or len(step.inputs) != 1 \
                or source_step(program, step.inputs[0])[0].id != entry.id or len(entry.features_shape) != 1:
            continue
        kind, shape = entry.shape_arg
        wanted = (*data.x, 1)
        return [Finding(Problem(
            "x_needs_feature_axis", f"The {layer_name(step.layer)} on line {step.line} reads sequences (batch, "
            f"timesteps, features), but X {fmt(data.x)} and the model's input {fmt(entry.features_shape)} have no "
            f"feature axis: each sample is {data.x[1]} numbers in a row. With one number per timestep, the feature "
            "axis has size 1.", f"X.reshape({fmt(wanted)}) and keras.Input({kind}={fmt((*shape, 1))})", entry.line),
            lambda p: p.update(entry.id, "one feature per timestep",
                               layer=entry.layer.drop("shape", "batch_shape").set(kind, (*shape, 1))))]
    return []


def _merged(shapes: list[Shape], concatenate: bool) -> bool:
    """Whether a merge layer can join tensors of these shapes (Concatenate on the last axis)."""
    ranks = {len(s) for s in shapes}
    keep = slice(None, -1) if concatenate else slice(None)
    return len(ranks) == 1 and all(len({d for d in axis if d is not None}) <= 1
                                   for axis in zip(*(s[keep] for s in shapes)))


def _refused_merge(program: Program, built: Built, step_id: int) -> tuple[Step, list[Shape]] | None:
    """A merge step Keras refused, with the shapes it was given (None: not a merge, or they would join)."""
    step = program.step(step_id)
    if step.kind != "layer" or step.layer.cls not in MERGES or len(step.inputs) < 2:
        return None
    shapes = [ref_shape(built, ref) for ref in step.inputs]
    concatenate = step.layer.cls == "Concatenate"
    if any(s is None for s in shapes) or _merged(shapes, concatenate) or \
            concatenate and step.layer.get("axis", -1) not in (-1, len(shapes[0]) - 1):
        return None
    return step, shapes


def _axes_repair(program: Program, step: Step, shapes: list[Shape], data: Data) -> tuple[str, str, Callable] | None:
    """Branches with and without a time axis: return_sequences flipped on the ones y disagrees with."""
    below = [upstream(program, ref)[0] for ref in step.inputs]
    if len({len(s) for s in shapes}) == 1 or not all(below):
        return None
    sequences = data.y is not None and len(data.y) >= 3  # y keeps the time axis
    change = [b for b, s in zip(below, shapes) if (len(s) == 2) == sequences]
    said = ", ".join(f"the {layer_name(b.layer)} on line {b.line}" for b in change)
    extra = " A recurrent layer with return_sequences=True hands on its whole sequence (3 axes), one without only " \
            "its last output (2 axes)."
    fix = f"{'return_sequences=True on' if sequences else 'remove return_sequences=True from'} {said}"

    def repair(p: Program) -> Program:
        for b in change:
            p = set_flag(b.id, "return_sequences", True, "the same axes as the tensors it is joined with")(p) \
                if sequences else drop_time_axis(b.id)(p)
        return p
    return extra, fix, repair


def _width_repair(program: Program, step: Step, shapes: list[Shape]) -> tuple[str, str, Callable] | None:
    """Branches of different widths added (or multiplied...): every branch's last layer as wide as the first."""
    if step.layer.cls == "Concatenate" or len({len(s) for s in shapes}) != 1:
        return None
    layers = [output_dense(program.producer(ref)) or sized_recurrent(program.producer(ref)) for ref in step.inputs]
    width = shapes[0][-1]
    if not all(layers) or not _merged([s[:-1] for s in shapes], False):
        return None

    def repair(p: Program) -> Program:
        for owner, layer in layers:
            if layer.get("units") != width:
                new = layer.set("units", width)
                p = p.update(owner.id, "the same size as the tensors it is added to",
                             layer=new if owner.layer is layer else owner.layer.set("layer", new))
        return p
    return "", f"the same size on every branch ({width}), or keras.layers.concatenate to join different sizes", repair


@rule
def _merge_shapes(program: Program, built: Built, data: Data) -> list[Finding]:
    """A merge layer that Keras refused because the tensors it joins do not agree."""
    found = []
    for refused in filter(None, (_refused_merge(program, built, step_id) for step_id in built.failures)):
        step, shapes = refused
        rule = "every axis but the last must agree" if step.layer.cls == "Concatenate" else \
            "they must have the same shape"
        message = f"The {step.function or step.layer.cls} on line {step.line} joins tensors of shapes " \
                  f"{', '.join(fmt(s) for s in shapes)}: {rule}."
        extra, fix, repair = _axes_repair(program, step, shapes, data) or _width_repair(program, step, shapes) or \
            ("", "make the tensors it joins agree", None)
        found.append(Finding(Problem("merge_shapes_differ", message + extra, fix, step.line), repair))
    return found
