"""The values the reader gives to pieces of pasted code: plain Python values, tensors of the model (by the step
that made them), the learner's X and y (known only by their shapes), functions and models of the code, and
Unknown with the reason a piece was not read. Also the reader's limits."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from rnnlab.doctor.catalogue import OLD_MODULES
from rnnlab.doctor.program import Layer, Legacy, NotRead, Ref, Shape, Step

MAX_CODE_CHARS = 20_000

MAX_LAYERS = 50

MAX_DIM = 1_000_000  # the largest size (units, timesteps, features, batch) the doctor accepts

MAX_STATEMENTS = 2_000  # statements read, counting loop bodies and function calls

MAX_CALL_DEPTH = 4

X_NAME = re.compile(r"^x|x$", re.IGNORECASE)

Y_NAME = re.compile(r"^y|y$", re.IGNORECASE)

PLAIN_TYPES = (int, float, str, bool, type(None))

MODEL_NAMES = frozenset({"Sequential", "Model", "Functional", "Input"})

# Arguments whose loss changes what a layer returns: a layer read without one of them is not the learner's.
SHAPE_ARGUMENTS = frozenset({"units", "return_sequences", "return_state", "input_shape", "batch_input_shape", "shape",
                             "batch_shape", "n", "target_shape", "input_dim", "output_dim", "input_length", "layer",
                             "merge_mode", "axis", "filters", "kernel_size", "strides", "padding", "pool_size",
                             "dims", "go_backwards", "stateful", "cell", "data_format"})

class DoctorInputError(ValueError):
    """The input cannot be diagnosed (empty, too large, not Python, no model); the message says why."""


@dataclass(frozen=True)
class Unknown:
    why: str


@dataclass(frozen=True)
class Tensor:
    ref: Ref


@dataclass(frozen=True)
class LearnerData:
    which: str  # "x" or "y": the learner's arrays, known only by the shapes given


@dataclass(frozen=True)
class DottedName:
    dotted: str  # a dotted name used as a value, e.g. keras.losses.mse


@dataclass(frozen=True)
class FunctionValue:
    node: ast.FunctionDef


@dataclass
class ModelValue:
    kind: str  # "sequential" or "functional"
    line: int
    layers: list = field(default_factory=list)  # Sequential: Layers, Lambdas and a first Tensor, in order
    added: bool = False  # built with model.add(...)
    inputs: tuple[Ref, ...] = ()
    outputs: tuple[Ref, ...] = ()
    var: str = "model"
    used: bool = False  # compiled or fitted
    built_shape: Shape | None = None  # from model.build(...)
    merged: bool = False  # a branch of Keras 1's Merge: part of another model


@dataclass(frozen=True)
class LambdaValue:
    """Lambda(function): the function's body is read where the layer is applied."""

    function: ast.FunctionDef
    line: int


QUIET = object()  # a call that changes nothing the doctor looks at
NOT_READ = object()  # a piece of code that gives no value the doctor reads (its caller says why)

def dotted_name(node: ast.AST) -> str | None:
    """keras.layers.LSTM -> 'keras.layers.LSTM'; None for anything but a chain of names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def is_plain(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return all(is_plain(v) for v in value)
    return isinstance(value, PLAIN_TYPES + (Layer,))


def ints_in(value: Any) -> Iterator[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from ints_in(item)
    elif isinstance(value, Layer):
        for item in value.args + tuple(v for _, v in value.kwargs):
            yield from ints_in(item)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv}


def arithmetic(op: ast.operator, left: float, right: float) -> float | None:
    """left + right, -, * or // (None for another operator, or a division by zero)."""
    apply = _OPERATORS.get(type(op))
    if apply is None or isinstance(op, ast.FloorDiv) and not right:
        return None
    return apply(left, right)


def keras_module(path: str) -> str:
    """tensorflow.keras.layers -> keras.layers: a module path as Keras names it."""
    return path.removeprefix("tensorflow.").removeprefix("tf.")


def is_layers_module(path: str) -> bool:
    """keras.layers, or a Keras 1/2 module of layers (keras.layers.recurrent, ...)."""
    return keras_module(path) == "keras.layers" or keras_module(path) in OLD_MODULES


class Reading(Protocol):
    """What the functions that read calls (reading_calls) and put the Program together (reading_program) use of
    the reader (reading.Reader): its record of what was read, its bookkeeping and its values of expressions."""

    code: str
    x_shape: Shape
    y_shape: Shape | None
    env: dict[str, Any]  # names bound by the code -> their values
    steps: list[Step]  # the functional model's steps, in the order they were read
    models: list[ModelValue]
    not_read: list[NotRead]
    notes: list[str]
    compiled: dict[str, Any]  # what compile and fit said
    resets: list[tuple[int, str]]
    legacy: list[Legacy]
    misspelt: list[tuple[int, str, str]]
    keras_names: set[str]
    called: set[str]
    depth: int  # functions of the code being read, one inside another
    returned: Any

    def value(self, node: ast.expr) -> Any: ...

    def block(self, body: list[ast.stmt]) -> None: ...

    def unknown(self, node: ast.AST) -> Unknown: ...

    def skip(self, node: ast.AST, why: str, model: bool | None = None) -> None: ...

    def source(self, node: ast.AST) -> str: ...

    def add_step(self, **fields: Any) -> Tensor: ...

    def count_layer(self, line: int) -> None: ...

    def next_uid(self) -> int: ...

    def old_call(self, line: int, kind: str, written: str, meant: str, check: str) -> None: ...

    def note_old_module(self, line: int, path: str) -> None: ...
