"""The doctor's picture of a learner's model, as data: what the pasted code builds, never the code itself.

A Program is a list of Steps (the model's input, a layer applied to tensors, a flip of the time axis), each
with the line it came from, plus what the code does around the model: compile's loss, fit's batch size,
calls to reset_states. Fixes are functions Program -> Program; every value here is immutable.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rnnlab.doctor.catalogue import POSITIONAL, RECURRENT

Shape = tuple  # a tensor's shape: ints, None for an unknown (batch) axis
Ref = tuple  # (step id, index of the returned tensor or None for the whole result)
ASSUMED_LOSS = "mse"  # the loss a trial trains with when neither the code nor the learner gives one


@dataclass(frozen=True)
class Layer:
    """A Keras constructor as written: keras.layers.<cls>(*args, **kwargs); args may hold Layers (wrappers)."""

    cls: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    line: int = 0
    uid: int = 0  # one layer object used twice shares its uid (and its weights)
    var: str = ""  # the name the code gave the layer object itself, e.g. encoder = Bidirectional(...)

    def get(self, name: str, default: Any = None) -> Any:
        """An argument by name, whether it was passed by position or by keyword."""
        names = POSITIONAL.get(self.cls, ())
        if name in names and names.index(name) < len(self.args):
            return self.args[names.index(name)]
        return dict(self.kwargs).get(name, default)

    def has(self, name: str) -> bool:
        names = POSITIONAL.get(self.cls, ())
        return name in dict(self.kwargs) or name in names and names.index(name) < len(self.args)

    def set(self, name: str, value: Any) -> Layer:
        """The same constructor with one argument set (in its place when it was given)."""
        names = POSITIONAL.get(self.cls, ())
        if name in names and names.index(name) < len(self.args):
            args = list(self.args)
            args[names.index(name)] = value
            return dataclasses.replace(self, args=tuple(args))
        if name in dict(self.kwargs):
            return dataclasses.replace(self, kwargs=tuple((k, value if k == name else v) for k, v in self.kwargs))
        return dataclasses.replace(self, kwargs=self.kwargs + ((name, value),))

    def drop(self, *names: str) -> Layer:
        """The same constructor without these arguments (positional ones after a dropped one become keywords)."""
        positional = POSITIONAL.get(self.cls, ())
        cut = min((positional.index(n) for n in names if n in positional and positional.index(n) < len(self.args)),
                  default=len(self.args))
        moved = tuple((positional[i], a) for i, a in enumerate(self.args) if i > cut)
        kwargs = tuple((k, v) for k, v in moved + self.kwargs if k not in names)
        return dataclasses.replace(self, args=self.args[:cut], kwargs=kwargs)

    def rename(self, old: str, new: str) -> Layer:
        return dataclasses.replace(self, kwargs=tuple((new if k == old else k, v) for k, v in self.kwargs))

    @property
    def inner(self) -> Layer | None:
        """The layer a wrapper (Bidirectional, TimeDistributed) holds."""
        wrapped = self.get("layer")
        return wrapped if isinstance(wrapped, Layer) else None

    @property
    def core(self) -> Layer:
        """The recurrent layer itself: the one inside Bidirectional, or this one."""
        return self.inner if self.cls == "Bidirectional" and self.inner else self

    @property
    def recurrent(self) -> bool:
        return self.core.cls in RECURRENT

    def with_core(self, core: Layer) -> Layer:
        return self.set("layer", core) if self.cls == "Bidirectional" and self.inner else core

    def flag(self, name: str) -> bool:
        """A boolean option of the recurrent core, e.g. flag('return_sequences')."""
        return self.core.get(name) is True

    def set_flag(self, name: str, on: bool) -> Layer:
        """The recurrent core with a boolean option on, or left out when off (Keras's default)."""
        core = self.core.set(name, True) if on else self.core.drop(name)
        return self.with_core(core)


@dataclass(frozen=True)
class Step:
    """One node of the model: its input ("input"), a layer applied to tensors ("layer"), a flip of the time axis
    ("flip") or the last timestep of a sequence, x[:, -1] ("last")."""

    id: int
    kind: str
    line: int
    layer: Layer | None = None  # for "input", a Layer("Input", ...) holding shape or batch_shape
    inputs: tuple[Ref, ...] = ()
    listed: bool = False  # the inputs were passed as a list, e.g. add([a, b])
    tupled: bool = False  # called on a one-item tuple that a trailing comma made: x = LSTM(8)(x),
    initial_state: tuple[Ref, ...] = ()
    names: tuple[str, ...] = ()  # the names the result was assigned to
    unpacked: bool = False  # assigned with tuple unpacking: a, b, c = layer(x)
    function: str = ""  # written as a function, e.g. keras.layers.concatenate([a, b])
    source: str = ""  # for "input": where its shape was read from (Input, input_shape, x, ...)
    comment: str = ""  # what a fix changed, shown next to the line in the fixed code

    @property
    def shape_arg(self) -> tuple[str, Shape]:
        """For an input step: ('shape', (T, F)) or ('batch_shape', (B, T, F))."""
        kind = "batch_shape" if self.layer.has("batch_shape") else "shape"
        shape = self.layer.get(kind)
        return kind, tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)

    @property
    def fixed_batch(self) -> int | None:
        kind, shape = self.shape_arg
        return shape[0] if kind == "batch_shape" else self.layer.get("batch_size")

    @property
    def features_shape(self) -> Shape:
        """The input's shape without the batch axis."""
        kind, shape = self.shape_arg
        return shape[1:] if kind == "batch_shape" else shape


@dataclass(frozen=True)
class NotRead:
    """A line of the pasted code the doctor did not understand (and never ran)."""

    line: int
    code: str
    reason: str
    model: bool = False  # the line builds part of the model, so the verdict cannot cover the whole model


@dataclass(frozen=True)
class Legacy:
    """A Keras 1/2 call or path, read as the Keras 3 one it meant; Keras 3 refuses it as written."""

    line: int
    kind: str  # keras1_merge, keras1_model_arguments, old_module_path
    written: str  # as the code writes it
    meant: str  # the Keras 3 way
    check: str  # what Keras is asked about it: "merge", "Model" or an old module's path


@dataclass(frozen=True)
class Program:
    """What the code builds and does with its model."""

    steps: tuple[Step, ...]
    style: str = "functional"  # "sequential" (a list), "sequential_add" (model.add chain) or "functional"
    model_var: str = "model"
    outputs: tuple[Ref, ...] = ()  # the model's outputs; none given: every result nothing else uses
    has_model: bool = True  # the code makes a model object (functional code may stop at the tensors)
    loss: str | None = None  # None: the code gives none, and the doctor trains with ASSUMED_LOSS
    loss_line: int | None = None
    optimizer: Any = "adam"  # a string or a Layer-like constructor (cls, kwargs) of keras.optimizers
    optimizer_line: int | None = None
    fit_batch: int | None = None
    fit_line: int | None = None
    fit_shuffle: bool | None = None
    resets: tuple[tuple[int, str], ...] = ()  # (line, method) of model.reset_states() calls
    reset_loop: bool = False  # reset each recurrent layer instead (what Keras 3 offers)
    not_read: tuple[NotRead, ...] = ()
    notes: tuple[str, ...] = ()
    legacy: tuple[Legacy, ...] = ()
    misspelt: tuple[tuple[int, str, str], ...] = ()  # (line, name written, the defined name read in its place)

    def step(self, step_id: int) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def replace(self, step: Step) -> Program:
        return dataclasses.replace(self, steps=tuple(step if s.id == step.id else s for s in self.steps))

    def update(self, step_id: int, comment: str = "", **changes: Any) -> Program:
        """The program with one step changed; comment joins the step's notes for the fixed code."""
        step = self.step(step_id)
        if comment and comment not in step.comment:
            changes["comment"] = f"{step.comment}; {comment}" if step.comment else comment
        return self.replace(dataclasses.replace(step, **changes))

    def insert_after(self, step_id: int, new: Step) -> Program:
        steps: list[Step] = []
        for s in self.steps:
            steps.append(s)
            if s.id == step_id:
                steps.append(new)
        return dataclasses.replace(self, steps=tuple(steps))

    @property
    def next_id(self) -> int:
        return max(s.id for s in self.steps) + 1

    @property
    def inputs(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.kind == "input")

    def consumers(self, step_id: int) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if any(r[0] == step_id for r in s.inputs + s.initial_state))

    def output_refs(self) -> tuple[Ref, ...]:
        """The model's outputs: those the code names, or else every result that nothing else uses."""
        if self.outputs:
            return self.outputs
        if self.style != "functional":
            return ((self.steps[-1].id, None),)
        return tuple((s.id, None) for s in self.steps if s.kind != "input" and not self.consumers(s.id))

    def producer(self, ref: Ref) -> Step:
        return self.step(ref[0])
