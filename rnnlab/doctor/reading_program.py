"""The Program the pasted code builds, put together once it has been read: the model the code uses, its input
(given, implied by the first layer's old arguments, or X's), its steps, and what compile and fit said. Read from
the reader's record (reading.Reader)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from rnnlab.doctor.program import Layer, NotRead, Program, Step
from rnnlab.doctor.reading_calls import run_function
from rnnlab.doctor.reading_values import DoctorInputError, FunctionValue, ModelValue, Tensor

if TYPE_CHECKING:
    from rnnlab.doctor.reading import Reader


def call_unused_functions(reader: Reader) -> None:
    """No model yet: functions the code defines but never calls (say build_model) are read with their
    default arguments."""
    for name, value in list(reader.env.items()):
        if isinstance(value, FunctionValue) and name not in reader.called and not reader.models:
            run_function(reader, value, ast.Call(func=ast.Name(name), args=[], keywords=[]))


def program(reader: Reader) -> Program:
    if not reader.models and not any(s.kind == "layer" for s in reader.steps):
        call_unused_functions(reader)
    model = next((m for m in reversed(reader.models) if m.used), reader.models[-1] if reader.models else None)
    extra = dict(loss=reader.compiled.get("loss"), loss_line=reader.compiled.get("loss_line"),
                 optimizer=reader.compiled.get("optimizer", "adam"),
                 optimizer_line=reader.compiled.get("optimizer_line"), fit_batch=reader.compiled.get("fit_batch"),
                 fit_line=reader.compiled.get("fit_line"), fit_shuffle=reader.compiled.get("fit_shuffle"),
                 resets=tuple(reader.resets), not_read=tuple(reader.not_read), legacy=tuple(reader.legacy))
    if model is not None and model.kind == "sequential":
        if not model.layers:
            raise DoctorInputError("the Sequential model has no layers the doctor knows")
        steps = sequential_steps(reader, model)
        return Program(steps, "sequential_add" if model.added else "sequential", model.var,
                       notes=tuple(reader.notes), **extra)
    layer_steps = [s for s in reader.steps if s.kind != "input"]
    if not layer_steps:
        raise DoctorInputError("no Keras layers found in the code (the doctor reads Sequential([...]), "
                               "model.add(...) and x = LSTM(...)(x))")
    if model is not None:
        return Program(tuple(reader.steps), "functional", model.var, outputs=model.outputs,
                       notes=tuple(reader.notes), **extra)
    return Program(tuple(reader.steps), "functional", has_model=False, notes=tuple(reader.notes), **extra)


def sequential_steps(reader: Reader, model: ModelValue) -> tuple[Step, ...]:
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


def implied_input(reader: Reader, first: Layer, model: ModelValue) -> Step:
    """Sequential without an Input: the shape the first layer's arguments give, else X's."""
    def step(source: str, **kwargs: Any) -> Step:
        return Step(0, "input", first.line, Layer("Input", kwargs=tuple(kwargs.items()), line=first.line),
                    source=source)

    def given(name: str) -> Any:  # on the layer, or on the layer a wrapper holds
        return first.get(name, first.inner.get(name) if first.inner else None)

    batch_shape, shape, length = given("batch_input_shape"), given("input_shape"), given("input_length")
    dim = None if first.cls == "Embedding" else given("input_dim")
    if isinstance(batch_shape, tuple):
        return step("batch_input_shape", batch_shape=batch_shape)
    if isinstance(shape, tuple):
        batch = given("batch_size")
        return step("input_shape", batch_shape=(batch, *shape)) if isinstance(batch, int) else \
            step("input_shape", shape=shape)
    if isinstance(dim, int):
        if first.recurrent or first.cls in ("Conv1D", "TimeDistributed"):
            steps_ = length if isinstance(length, int) else (reader.x_shape[1] if len(reader.x_shape) > 2 else None)
            return step("input_dim", shape=(steps_, dim))
        return step("input_dim", shape=(dim,))
    if isinstance(length, int):
        return step("input_length", shape=(length,))
    if model.built_shape:
        return step("build", shape=tuple(model.built_shape[1:]))
    return step("x", shape=reader.x_shape[1:])
