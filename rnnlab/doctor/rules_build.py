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
from rnnlab.doctor.verdict import fmt
from rnnlab.doctor.wording import part, said
from rnnlab.doctor.writing import layer_name


@rule
def _trailing_comma(program: Program, built: Built, data: Data) -> list[Finding]:
    """A layer called on a one-item tuple: the trailing comma of `x = LSTM(8)(x),` made x a tuple."""
    found = []
    for step in program.steps:
        if not step.tupled or step.id not in built.failures:
            continue
        made = program.producer(step.inputs[0])
        found.append(Finding(said(
            "trailing_comma_tuple", made.line, made_line=made.line, name=layer_name(step.layer), line=step.line,
            error=built.failures[step.id]),
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
            found.append(Finding(said("unknown_argument", step.line, cls=match.group(1), line=step.line,
                                      names=", ".join(names)),
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
                found.append(Finding(said(
                    "unpack_count:return_state", step.line, written=written, line=step.line, wanted=wanted,
                    name=layer_name(layer), error=message, with_states=", ".join(with_states)),
                    set_flag(step_id, "return_state", True, "return_state=True: it returns the states too")))
                continue
            standard = standard_names(layer)
        else:
            standard = tuple(f"{step.names[0]}_{i}" for i in range(count))
        keep = (2 if layer.get("merge_mode", "concat") is None else 1) if layer.cls == "Bidirectional" \
            else min(wanted, count)
        names = tuple(step.names[:keep]) + tuple(standard[keep:count]) if count > 1 else step.names[:1]
        returned = f"{count} tensors: {', '.join(standard[:count])}" if count > 1 else "one tensor"
        note = part("directions_apart") if layer.cls == "Bidirectional" and count > 1 else ""
        found.append(Finding(said(
            "unpack_count", step.line, written=written, line=step.line, wanted=wanted, name=layer_name(layer),
            returned=returned, error=message, note=note, names=", ".join(names)),
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
    return Finding(said("merge_mode_none_into_layer", source.line, name=layer_name(source.layer), line=source.line,
                        next=layer_name(step.layer), next_line=step.line), _merge_directions(source.id))


def _states_passed(program: Program, built: Built, source: Step, step: Step) -> Finding:
    """A layer with return_state=True (its output and states) into a layer that takes one tensor."""
    if program.style != "functional":
        repair = set_flag(source.id, "return_state", False, "no return_state: Sequential passes one tensor on")
    else:
        def repair(p: Program, step_id: int = step.id, ref: Ref = step.inputs[0]) -> Program:
            return p.update(step_id, "the output only, not the states", inputs=((ref[0], 0),))
    return Finding(said(
        f"states_into_layer:{'functional' if program.style == 'functional' else 'sequential'}", source.line,
        name=layer_name(source.layer), line=source.line, count=built.counts.get(source.id, "several"),
        next=layer_name(step.layer), next_line=step.line), repair)


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
            found.append(Finding(said("go_backwards_in_bidirectional", step.line, name=layer_name(step.layer),
                                      line=step.line),
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
    facts = dict(name=layer_name(step.layer), line=step.line, below=layer_name(below.layer), below_line=below.line,
                 shape=fmt(shape))
    repair = set_flag(below.id, "return_sequences", True, "return_sequences=True: the next layer reads a sequence")
    if step.layer.recurrent:
        return [Finding(said("inner_layer_needs_sequences", below.line, **facts), repair)]
    if step.layer.cls != "TimeDistributed":
        return []
    wording = "time_distributed_needs_sequence"
    if data.y is not None and len(data.y) < 3:  # one prediction per sample: no time axis wanted
        wording += ":per_sample"
        repair = (lambda p, step_id=step.id: p.update(step_id, "one prediction per sample, no time axis",
                                                      layer=p.step(step_id).layer.inner))
    return [Finding(said(wording, step.line, **facts), repair)]


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
        return [Finding(said(
            "x_needs_feature_axis", entry.line, name=layer_name(step.layer), line=step.line, x=fmt(data.x),
            sample=fmt(entry.features_shape), count=data.x[1], wanted=fmt(wanted), kind=kind,
            shape=fmt((*shape, 1))),
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


def _axes_repair(program: Program, step: Step, shapes: list[Shape], data: Data) -> tuple[str, dict, Callable] | None:
    """Branches with and without a time axis: return_sequences flipped on the ones y disagrees with."""
    below = [upstream(program, ref)[0] for ref in step.inputs]
    if len({len(s) for s in shapes}) == 1 or not all(below):
        return None
    sequences = data.y is not None and len(data.y) >= 3  # y keeps the time axis
    change = [b for b, s in zip(below, shapes) if (len(s) == 2) == sequences]
    layers = ", ".join(f"the {layer_name(b.layer)} on line {b.line}" for b in change)

    def repair(p: Program) -> Program:
        for b in change:
            p = set_flag(b.id, "return_sequences", True, "the same axes as the tensors it is joined with")(p) \
                if sequences else drop_time_axis(b.id)(p)
        return p
    return ":sequences_on" if sequences else ":sequences_off", {"layers": layers}, repair


def _width_repair(program: Program, step: Step, shapes: list[Shape]) -> tuple[str, dict, Callable] | None:
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
    return ":widths", {"width": width}, repair


@rule
def _merge_shapes(program: Program, built: Built, data: Data) -> list[Finding]:
    """A merge layer that Keras refused because the tensors it joins do not agree."""
    found = []
    for refused in filter(None, (_refused_merge(program, built, step_id) for step_id in built.failures)):
        step, shapes = refused
        variant, facts, repair = _axes_repair(program, step, shapes, data) or \
            _width_repair(program, step, shapes) or ("", {}, None)
        found.append(Finding(said(
            "merge_shapes_differ" + variant, step.line, merge=step.function or step.layer.cls, line=step.line,
            shapes=", ".join(fmt(s) for s in shapes),
            rule=part("concatenate_rule" if step.layer.cls == "Concatenate" else "merge_rule"), **facts), repair))
    return found
