"""The model's input against X and its output against y under the loss: what Keras refuses, and what it trains
without a word (broadcasting under mse).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from rnnlab.doctor.program import Layer, Program, Shape, Step
from rnnlab.doctor.rule_kit import (Finding, consequence, drop_time_axis, fits_shape, loss_family, output_dense,
                                    output_step, rule, same_shape, set_flag, upstream)
from rnnlab.doctor.trial import Built, Data
from rnnlab.doctor.verdict import fmt
from rnnlab.doctor.wording import part, said
from rnnlab.doctor.writing import layer_name


@rule
def _batch_in_input_shape(program: Program, built: Built, data: Data) -> list[Finding]:
    entry = program.inputs[0] if program.inputs else None
    if entry is None or entry.source == "x":
        return []
    kind, shape = entry.shape_arg
    if kind != "shape" or len(shape) != len(data.x) or not fits_shape(shape[1:], data.x[1:]):
        return []
    sample = tuple(data.x[1:])
    return [Finding(said(
        "batch_in_input_shape", entry.line, shape=fmt(shape), line=entry.line, becomes=fmt((None, *shape)),
        axes=len(shape) + 1, needs=len(shape), sample=fmt(sample)),
        lambda p: p.update(entry.id, "one sample's shape: Keras adds the batch axis",
                           layer=p.step(entry.id).layer.drop("shape").set("shape", sample)))]


@rule
def _input_vs_x(program: Program, built: Built, data: Data) -> list[Finding]:
    entry = program.inputs[0] if program.inputs else None
    if entry is None or entry.source == "x":
        return []
    kind, shape = entry.shape_arg
    sample, given = entry.features_shape, tuple(data.x[1:])
    if fits_shape(sample, given) or kind == "shape" and len(shape) == len(data.x) and fits_shape(shape[1:], given):
        return []
    if same_shape(sample, given):  # one of them has a trailing axis of size 1 more
        if not built.trained:
            return []
        added = len(sample) > len(given)
        return [Finding(said(
            "x_without_feature_axis" if added else "x_with_extra_axis", entry.line, "warning", sample=fmt(sample),
            given=fmt(given), reshaped=fmt((-1, *sample))))]
    new = entry.layer.drop("shape", "batch_shape").set(kind, (shape[0], *given) if kind == "batch_shape" else given)
    repair = (lambda p: p.update(entry.id, "X's sample shape", layer=new)) if len(sample) == len(given) else None
    return [Finding(said(
        "input_vs_x", entry.line, sample=fmt(sample), x=fmt(data.x), given=fmt(given),
        quiet=part("trained_quietly") if built.trained else "", kind=kind, shape=fmt(new.get(kind))), repair)]


@rule
def _several_outputs(program: Program, built: Built, data: Data) -> list[Finding]:
    if data.y is None or not built.outputs or len(built.outputs) < 2 or not program.has_model:
        return []
    last = output_step(program)
    if program.style != "functional" and last.layer is not None and last.layer.flag("return_state"):
        return [Finding(said(
            "return_state_in_sequential", last.line, name=layer_name(last.layer), line=last.line,
            count=len(built.outputs),
            keras_says=part("keras_says", error=built.error) if built.error_phase == "train" else ""),
            set_flag(last.id, "return_state", False, "one output for one y"))]
    first = program.output_refs()[0]
    return [Finding(said("several_outputs", None, count=len(built.outputs), y=fmt(data.y)),
        lambda p: dataclasses.replace(p, outputs=(first,)))]


@dataclass(frozen=True)
class _Compared:
    """The model's one output against y under the loss: o and t are their shapes without the batch axis (and,
    under a sparse loss, without the output's class axis)."""

    program: Program
    built: Built
    out: Shape
    target: Shape
    loss: str | None
    family: str

    @property
    def o(self) -> Shape:
        return tuple(self.out[1:-1] if self.family == "sparse" else self.out[1:])

    @property
    def t(self) -> Shape:
        return tuple(self.target[1:])

    def facts(self, **more: object) -> dict[str, object]:
        """What every wording comparing the output with y may name."""
        return dict(out=fmt(self.out), target=fmt(self.target), loss=self.loss,
                    consequence=consequence(self.built, self.loss), **more)

    def below(self) -> Step | None:
        return upstream(self.program, self.program.output_refs()[0])[0]


def _one_unit_under_classes(c: _Compared) -> list[Finding] | None:
    if c.family in ("categorical", "sparse") and c.out[-1] == 1 and (c.family == "sparse" or c.target[-1] == 1):
        return [_one_unit(c.program, output_step(c.program), c.out, c.loss)]
    return None


def _one_hot_under_sparse(c: _Compared) -> list[Finding] | None:
    if c.family != "sparse" or c.target[-1] <= 1 or not fits_shape(tuple(c.out[1:]), c.t):
        return None
    return [Finding(said("one_hot_labels_with_sparse", c.program.loss_line, **c.facts()),
        lambda p: dataclasses.replace(p, loss="categorical_crossentropy"))]


def _agrees(c: _Compared) -> list[Finding] | None:
    return [] if same_shape(c.o, c.t) else None


def _extra_time_axis(c: _Compared) -> list[Finding] | None:
    if len(c.o) < 2 or not same_shape(c.o[1:], c.t):
        return None
    below = c.below()
    if below is None or not below.layer.flag("return_sequences"):
        return [Finding(said("output_vs_target:extra_time_axis", None, **c.facts()))]
    name = f"{layer_name(below.layer)} on line {below.line}"
    return [Finding(said("last_layer_returns_sequences", below.line, **c.facts(name=name)),
        drop_time_axis(below.id))]


def _missing_time_axis(c: _Compared) -> list[Finding] | None:
    if not c.t or not same_shape(c.o, c.t[1:]):
        return None
    below = c.below()
    timesteps = c.program.inputs[0].features_shape[0] if c.program.inputs else None
    if below is None or below.layer.flag("return_sequences") or c.t[0] != timesteps:
        return [Finding(said("output_vs_target:missing_time_axis", None, **c.facts()))]
    name = f"{layer_name(below.layer)} on line {below.line}"
    return [Finding(said("target_is_a_sequence", below.line, **c.facts(name=name)),
        set_flag(below.id, "return_sequences", True, "return_sequences=True: one prediction per timestep"))]


def _last_axis(c: _Compared) -> list[Finding] | None:
    if len(c.o) != len(c.t) or not fits_shape(c.o[:-1], c.t[:-1]) or c.family == "sparse":
        return None
    if c.family == "categorical" and c.t[-1] == 1:
        return [Finding(said("integer_labels_with_categorical", c.program.loss_line, **c.facts()),
            lambda p: dataclasses.replace(p, loss="sparse_categorical_crossentropy"))]
    return [_units(c.program, output_step(c.program), c)]


def _unrelated(c: _Compared) -> list[Finding]:
    return [Finding(said("output_vs_target", None, **c.facts()))]


# How the output can differ from y, tried in order; the first that applies explains it.
_COMPARISONS = (_one_unit_under_classes, _one_hot_under_sparse, _agrees, _extra_time_axis, _missing_time_axis,
                _last_axis, _unrelated)


@rule
def _output_vs_y(program: Program, built: Built, data: Data) -> list[Finding]:
    """The model's one output against y under the loss (nothing when Keras gave no shape for it)."""
    if data.y is None or not built.outputs or len(built.outputs) != 1 or not built.outputs[0] or \
            not program.has_model:
        return []
    compared = _Compared(program, built, built.outputs[0], tuple(data.y), program.loss, loss_family(program.loss))
    return next(found for found in (compare(compared) for compare in _COMPARISONS) if found is not None)


@rule
def _one_unit_without_y(program: Program, built: Built, data: Data) -> list[Finding]:
    """One unit under a loss over classes, with no y to compare with: the softmax over it is always 1."""
    if data.y is not None or not built.outputs or len(built.outputs) != 1 or not built.outputs[0] or \
            not program.has_model:
        return []
    out = built.outputs[0]
    if loss_family(program.loss) not in ("categorical", "sparse") or out[-1] != 1:
        return []
    return [_one_unit(program, output_step(program), out, program.loss)]


def output_matches(program: Program, built: Built, data: Data) -> bool | None:
    """Whether the model's one output fits y under the loss (None: no y, or not one output)."""
    if data.y is None or not built.outputs or len(built.outputs) != 1:
        return None
    return not _output_vs_y(program, built, data)


def _units(program: Program, last: Step, c: _Compared) -> Finding:
    wanted = c.target[-1]
    dense = output_dense(last)
    facts = c.facts(units=c.out[-1], wanted=wanted)
    if dense:
        step, layer = dense
        new = layer.set("units", wanted)
        return Finding(said("units_vs_target:dense", last.line, cls=layer.cls, dense_line=step.line, **facts),
                       lambda p: p.update(step.id, "units like y", layer=new if step.layer is layer
                                          else step.layer.set("layer", new)))
    def add_dense(p: Program) -> Program:
        end = p.output_refs()[0]
        new_id = p.next_id
        step = Step(new_id, "layer", last.line, Layer("Dense", (wanted,), line=last.line, uid=-new_id),
                    inputs=(end,), names=("prediction",) if p.style == "functional" else (),
                    comment="one value per unit of y's last axis")
        p = p.insert_after(end[0], step)
        return dataclasses.replace(p, outputs=((new_id, None),)) if p.outputs else p

    return Finding(said("units_vs_target:added", last.line, **facts), add_dense)


def _one_unit(program: Program, last: Step, out: Shape, loss: str) -> Finding:
    dense = output_dense(last)
    problem = said("one_unit_categorical", program.loss_line or last.line, out=fmt(out), loss=loss)

    def repair(p: Program) -> Program:
        p = dataclasses.replace(p, loss="binary_crossentropy")
        if dense:
            step, layer = dense
            new = layer.set("activation", "sigmoid")
            p = p.update(step.id, "sigmoid: one unit, two classes",
                         layer=new if step.layer is layer else step.layer.set("layer", new))
        return p

    return Finding(problem, repair)
