"""The Program the pasted code builds, put together once it has been read: the model the code uses, its input
(given, implied by the first layer's old arguments, or X's), its steps, and what compile and fit said. Read from
the reader's record (reading.Reader, as reading_values.Reading)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from rnnlab.doctor.catalogue import READS_SEQUENCES
from rnnlab.doctor.program import Layer, NotRead, Program, Ref, Shape, Step
from rnnlab.doctor.reading_values import DoctorInputError, ModelValue, Reading, Tensor


def program(reader: Reading) -> Program:
    """The Program of the model the code uses (the last one compiled or fitted, else the last one made), or of
    the layers applied to tensors when the code makes no model."""
    model = _used_model(reader)
    if model is not None and model.kind == "sequential":
        return _sequential_program(reader, model)
    if all(s.kind == "input" for s in reader.steps):
        raise DoctorInputError("no Keras layers found in the code (the doctor reads Sequential([...]), "
                               "model.add(...) and x = LSTM(...)(x))")
    if model is not None:
        return Program(tuple(reader.steps), "functional", model.var, outputs=model.outputs, **_compiled(reader))
    return Program(tuple(reader.steps), "functional", has_model=False, **_compiled(reader))


def _used_model(reader: Reading) -> ModelValue | None:
    """The last model compiled or fitted, else the last one made."""
    used = [m for m in reader.models if m.used] or [m for m in reader.models if not m.merged]
    return used[-1] if used else None


def _sequential_program(reader: Reading, model: ModelValue) -> Program:
    if not model.layers:
        raise DoctorInputError("the Sequential model has no layers the doctor knows")
    if grafted(reader, model):  # Keras 1's Merge, or a Lambda: a functional model in Keras 3
        end = graft(reader, model)
        return Program(tuple(reader.steps), "functional", model.var, outputs=(end,), **_compiled(reader))
    return Program(sequential_steps(reader, model), "sequential_add" if model.added else "sequential", model.var,
                   **_compiled(reader))


def _compiled(reader: Reading) -> dict[str, Any]:
    """What compile and fit said, the notes and what was not read: the Program's fields besides its steps."""
    said = reader.compiled
    return dict(loss=said.get("loss"), loss_line=said.get("loss_line"), optimizer=said.get("optimizer", "adam"),
                optimizer_line=said.get("optimizer_line"), fit_batch=said.get("fit_batch"),
                fit_line=said.get("fit_line"), fit_shuffle=said.get("fit_shuffle"), resets=tuple(reader.resets),
                not_read=tuple(reader.not_read), legacy=tuple(reader.legacy), notes=tuple(reader.notes),
                misspelt=tuple(dict.fromkeys(reader.misspelt)))


def grafted(reader: Reading, model: ModelValue) -> bool:
    """Whether a Sequential model starts from a tensor made in the code (Keras 1's Merge, or a Lambda's) rather
    than from an input."""
    first = model.layers[0] if model.layers else None
    return isinstance(first, Tensor) and reader.steps[first.ref[0]].kind != "input"


def graft(reader: Reading, model: ModelValue) -> Ref:
    """A Sequential model's layers so far, added to the reader's steps as a functional model's (from its input,
    or from the tensor it starts from): the ref of the last one's output."""
    first = model.layers[0]
    if not isinstance(first, Tensor):
        base = len(reader.steps)
        reader.steps += [dataclasses.replace(step, id=base + step.id,
                                             inputs=tuple((base + i, k) for i, k in step.inputs))
                         for step in sequential_steps(reader, model)]
        return (len(reader.steps) - 1, None)
    end = first.ref
    for item in model.layers[1:]:
        if isinstance(item, Layer):
            end = reader.add_step(kind="layer", line=item.line, layer=item, inputs=(end,)).ref
    return end


def sequential_steps(reader: Reading, model: ModelValue) -> tuple[Step, ...]:
    items = list(model.layers)
    first = items[0]
    if isinstance(first, Tensor):
        given = reader.steps[first.ref[0]]
        inputs = Step(0, "input", given.line, given.layer, source="Input")
        items = items[1:]
    elif first.cls == "InputLayer":
        inputs = Step(0, "input", first.line, input_layer(first), source="InputLayer")
        items = items[1:]
    else:
        inputs = implied_input(reader, first, model)
    steps = [inputs]
    for item in items:
        if isinstance(item, Tensor):
            reader.not_read.append(NotRead(reader.steps[item.ref[0]].line, "Input(...)",
                                         "an Input after the first layer is not read"))
            continue
        steps.append(Step(len(steps), "layer", item.line, item, inputs=((len(steps) - 1, None),)))
    return tuple(steps)


def input_layer(layer: Layer) -> Layer:
    shape = layer.get("shape", layer.get("input_shape"))
    batch = layer.get("batch_shape", layer.get("batch_input_shape"))
    return Layer("Input", kwargs=(("batch_shape", batch),) if batch else (("shape", shape),), line=layer.line)


def implied_input(reader: Reading, first: Layer, model: ModelValue) -> Step:
    """Sequential without an Input: the shape the first layer's arguments give, else X's."""
    def given(name: str) -> Any:  # on the layer, or on the layer a wrapper holds
        return first.get(name, first.inner.get(name) if first.inner else None)

    source, kwargs = _given_shape(first, given, reader.x_shape) or \
        (("build", {"shape": tuple(model.built_shape[1:])}) if model.built_shape else
         ("x", {"shape": reader.x_shape[1:]}))
    return Step(0, "input", first.line, Layer("Input", kwargs=tuple(kwargs.items()), line=first.line),
                source=source)


def _given_shape(first: Layer, given: Callable[[str], Any], x_shape: Shape) -> tuple[str, dict] | None:
    """The input shape a first layer's Keras 1/2 arguments give: (the argument it came from, Input's keywords)."""
    batch_shape, shape, length = given("batch_input_shape"), given("input_shape"), given("input_length")
    dim = None if first.cls == "Embedding" else given("input_dim")
    if isinstance(batch_shape, tuple):
        return "batch_input_shape", {"batch_shape": batch_shape}
    if isinstance(shape, tuple):
        batch = given("batch_size")
        return "input_shape", {"batch_shape": (batch, *shape)} if isinstance(batch, int) else {"shape": shape}
    if isinstance(dim, int):
        return "input_dim", {"shape": _dim_shape(first, dim, length, x_shape)}
    return ("input_length", {"shape": (length,)}) if isinstance(length, int) else None


def _dim_shape(first: Layer, dim: int, length: Any, x_shape: Shape) -> Shape:
    """input_dim=F: a sample of F features, or F per timestep for a layer that reads sequences (timesteps from
    input_length, else X's)."""
    if not (first.recurrent or first.cls in READS_SEQUENCES):
        return (dim,)
    return (length if isinstance(length, int) else (x_shape[1] if len(x_shape) > 2 else None), dim)
