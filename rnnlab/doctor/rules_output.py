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
from rnnlab.doctor.verdict import Problem, fmt
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
    return [Finding(Problem(
        "batch_in_input_shape", f"The input shape {fmt(shape)} (line {entry.line}) includes the batch axis. Keras "
        f"adds the batch axis itself, so each sample is taken to be {fmt(shape)} and the input becomes "
        f"{fmt((None, *shape))}, {len(shape) + 1} axes where the model needs {len(shape)}.",
        f"give one sample's shape only: keras.Input(shape={fmt(sample)})", entry.line),
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
        return [Finding(Problem(
            "x_without_feature_axis" if added else "x_with_extra_axis", f"The input takes samples of shape "
            f"{fmt(sample)}, X's are {fmt(given)}: Keras 3 {'adds' if added else 'drops'} the trailing axis of size 1 "
            f"itself (a training step ran).", f"X.reshape({fmt((-1, *sample))}) makes it explicit", entry.line,
            "warning"))]
    said = " Keras 3 does not complain (a training step ran)." if built.trained else ""
    new = entry.layer.drop("shape", "batch_shape").set(kind, (shape[0], *given) if kind == "batch_shape" else given)
    repair = (lambda p: p.update(entry.id, "X's sample shape", layer=new)) if len(sample) == len(given) else None
    return [Finding(Problem(
        "input_vs_x", f"The model's input takes samples of shape {fmt(sample)}, but X {fmt(data.x)} has samples of "
        f"shape {fmt(given)}.{said}", f"keras.Input({kind}={fmt(new.get(kind))})", entry.line), repair)]


@rule
def _several_outputs(program: Program, built: Built, data: Data) -> list[Finding]:
    if data.y is None or not built.outputs or len(built.outputs) < 2 or not program.has_model:
        return []
    last = output_step(program)
    if program.style != "functional" and last.layer is not None and last.layer.flag("return_state"):
        return [Finding(Problem(
            "return_state_in_sequential", f"The {layer_name(last.layer)} on line {last.line} has return_state=True, "
            f"so the model has {len(built.outputs)} outputs (its output, then its final states), but there is one y."
            + (f" Keras says: {built.error}" if built.error_phase == "train" else ""),
            "remove return_state=True; to get the states, use the functional API", last.line),
            set_flag(last.id, "return_state", False, "one output for one y"))]
    first = program.output_refs()[0]
    return [Finding(Problem(
        "several_outputs", f"The model has {len(built.outputs)} outputs but there is one y {fmt(data.y)}.",
        "make the model's output the one tensor y describes", None),
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

    @property
    def said(self) -> str:
        return consequence(self.built, self.loss)

    @property
    def head(self) -> str:
        return f"The model's output is {fmt(self.out)} and y is {fmt(self.target)}."

    def below(self) -> Step | None:
        return upstream(self.program, self.program.output_refs()[0])[0]


def _one_unit_under_classes(c: _Compared) -> list[Finding] | None:
    if c.family in ("categorical", "sparse") and c.out[-1] == 1 and (c.family == "sparse" or c.target[-1] == 1):
        return [_one_unit(c.program, output_step(c.program), c.out, c.loss)]
    return None


def _one_hot_under_sparse(c: _Compared) -> list[Finding] | None:
    if c.family != "sparse" or c.target[-1] <= 1 or not fits_shape(tuple(c.out[1:]), c.t):
        return None
    return [Finding(Problem(
        "one_hot_labels_with_sparse", f"The model's output is {fmt(c.out)} and y is {fmt(c.target)}: one column per "
        f"class (one-hot rows), but {c.loss} expects one class number per sample.{c.said}",
        "loss='categorical_crossentropy' (it takes one-hot rows)", c.program.loss_line),
        lambda p: dataclasses.replace(p, loss="categorical_crossentropy"))]


def _agrees(c: _Compared) -> list[Finding] | None:
    return [] if same_shape(c.o, c.t) else None


def _extra_time_axis(c: _Compared) -> list[Finding] | None:
    if len(c.o) < 2 or not same_shape(c.o[1:], c.t):
        return None
    below = c.below()
    if below is None or not below.layer.flag("return_sequences"):
        return [Finding(Problem("output_vs_target", f"{c.head} The output has a time axis y does not have.{c.said}",
                                "end the model with one prediction per sample", None))]
    name = f"{layer_name(below.layer)} on line {below.line}"
    return [Finding(Problem(
        "last_layer_returns_sequences", f"The model's output is {fmt(c.out)}: one prediction per timestep, because "
        f"the {name} returns its whole sequence (return_sequences=True) and the layers after it work on every "
        f"timestep. y is {fmt(c.target)}: one value per sample.{c.said}",
        f"remove return_sequences=True from the {name}: it then hands on only its last output", below.line),
        drop_time_axis(below.id))]


def _missing_time_axis(c: _Compared) -> list[Finding] | None:
    if not c.t or not same_shape(c.o, c.t[1:]):
        return None
    below = c.below()
    timesteps = c.program.inputs[0].features_shape[0] if c.program.inputs else None
    if below is None or below.layer.flag("return_sequences") or c.t[0] != timesteps:
        return [Finding(Problem("output_vs_target", f"{c.head} y has a time axis the output does not have.{c.said}",
                                "make the model return a sequence as long as y's", None))]
    name = f"{layer_name(below.layer)} on line {below.line}"
    return [Finding(Problem(
        "target_is_a_sequence", f"y is {fmt(c.target)}: one value per timestep, but the output is {fmt(c.out)}, "
        f"because the {name} hands on only its last output.{c.said}", f"return_sequences=True on the {name}",
        below.line),
        set_flag(below.id, "return_sequences", True, "return_sequences=True: one prediction per timestep"))]


def _last_axis(c: _Compared) -> list[Finding] | None:
    if len(c.o) != len(c.t) or not fits_shape(c.o[:-1], c.t[:-1]) or c.family == "sparse":
        return None
    if c.family == "categorical" and c.t[-1] == 1:
        return [Finding(Problem(
            "integer_labels_with_categorical", f"{c.head} y holds one class number per sample, but "
            "categorical_crossentropy expects one-hot rows, one column per class.",
            "loss='sparse_categorical_crossentropy' (it takes class numbers)", c.program.loss_line),
            lambda p: dataclasses.replace(p, loss="sparse_categorical_crossentropy"))]
    return [_units(c.program, output_step(c.program), c.out, c.target, c.said)]


def _unrelated(c: _Compared) -> list[Finding]:
    return [Finding(Problem("output_vs_target", f"{c.head} Their shapes do not correspond.{c.said}",
                            "make the last layers produce y's shape", None))]


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


def output_matches(program: Program, built: Built, data: Data) -> bool | None:
    """Whether the model's one output fits y under the loss (None: no y, or not one output)."""
    if data.y is None or not built.outputs or len(built.outputs) != 1:
        return None
    return not _output_vs_y(program, built, data)


def _units(program: Program, last: Step, out: Shape, target: Shape, said: str) -> Finding:
    wanted = target[-1]
    dense = output_dense(last)
    problem = Problem("units_vs_target", f"The model's output is {fmt(out)}: its last axis has {out[-1]}, but y's "
                      f"{fmt(target)} has {wanted}.{said}", "", last.line)
    if dense:
        step, layer = dense
        new = layer.set("units", wanted)
        return Finding(dataclasses.replace(problem, fix=f"{layer.cls}({wanted}) on line {step.line}"),
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

    return Finding(dataclasses.replace(problem, fix=f"add keras.layers.Dense({wanted}) at the end"), add_dense)


def _one_unit(program: Program, last: Step, out: Shape, loss: str) -> Finding:
    dense = output_dense(last)
    problem = Problem(
        "one_unit_categorical", f"The output {fmt(out)} has one unit and the loss is {loss}: a softmax over one unit "
        "is always 1, so the loss cannot change and nothing is learnt (Keras only warns). One unit suits two classes "
        "with a sigmoid and binary_crossentropy; k classes need k units with a softmax.",
        "two classes: activation='sigmoid' and loss='binary_crossentropy'; k classes: Dense(k, "
        "activation='softmax') with one-hot y (categorical_crossentropy) or class numbers "
        "(sparse_categorical_crossentropy)", program.loss_line or last.line)

    def repair(p: Program) -> Program:
        p = dataclasses.replace(p, loss="binary_crossentropy")
        if dense:
            step, layer = dense
            new = layer.set("activation", "sigmoid")
            p = p.update(step.id, "sigmoid: one unit, two classes",
                         layer=new if step.layer is layer else step.layer.set("layer", new))
        return p

    return Finding(problem, repair)
