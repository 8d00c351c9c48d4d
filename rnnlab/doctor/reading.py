"""Pasted Keras code -> a Program, by reading its syntax tree (ast). Nothing in the code is ever run.

Only plain values are read: numbers, strings, tuples, names bound to them, `X.shape[i]`. Every call is
matched by name against the Keras layers in the catalogue; any other construct (os.system, open,
__import__, data preparation, ...) is recorded with its line as not understood, and reading goes on.

    >>> program = read("model = Sequential([LSTM(8, input_shape=(5, 3)), Dense(1)])", (32, 5, 3), (32, 1))
    >>> [step.layer.cls for step in program.steps]
    ['Input', 'LSTM', 'Dense']
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rnnlab.doctor.catalogue import MERGES, OPTIMIZERS, POSITIONAL, QUIET_CALLS
from rnnlab.doctor.program import Layer, NotRead, Program, Ref, Shape, Step

MAX_CODE_CHARS = 20_000
MAX_LAYERS = 50
MAX_DIM = 1_000_000  # the largest size (units, timesteps, features, batch) the doctor accepts
MAX_STATEMENTS = 2_000  # statements read, counting loop bodies and function calls
MAX_CALL_DEPTH = 4
_X_NAME = re.compile(r"^x|x$", re.IGNORECASE)
_Y_NAME = re.compile(r"^y|y$", re.IGNORECASE)
_PLAIN = (int, float, str, bool, type(None))
MODEL_NAMES = frozenset({"Sequential", "Model", "Functional", "Input"})
# Arguments whose loss changes what a layer returns: a layer read without one of them is not the learner's.
SHAPE_ARGUMENTS = frozenset({"units", "return_sequences", "return_state", "input_shape", "batch_input_shape", "shape",
                             "batch_shape", "n", "target_shape", "input_dim", "output_dim", "input_length", "layer",
                             "merge_mode", "axis", "filters", "kernel_size", "strides", "padding", "pool_size",
                             "dims", "go_backwards", "stateful", "cell", "data_format"})


class DoctorInputError(ValueError):
    """The input cannot be diagnosed (empty, too large, not Python, no model); the message says why."""


@dataclass(frozen=True)
class _Unknown:
    why: str


@dataclass(frozen=True)
class _Tensor:
    ref: Ref


@dataclass(frozen=True)
class _Data:
    which: str  # "x" or "y": the learner's arrays, known only by the shapes given


@dataclass(frozen=True)
class _Name:
    dotted: str  # a dotted name used as a value, e.g. keras.losses.mse


@dataclass(frozen=True)
class _Function:
    node: ast.FunctionDef


@dataclass
class _Model:
    kind: str  # "sequential" or "functional"
    line: int
    layers: list = field(default_factory=list)  # Sequential: Layers and input _Tensors, in order
    added: bool = False  # built with model.add(...)
    inputs: tuple[Ref, ...] = ()
    outputs: tuple[Ref, ...] = ()
    var: str = "model"
    used: bool = False  # compiled or fitted
    built_shape: Shape | None = None  # from model.build(...)


_QUIET = object()  # a call that changes nothing the doctor looks at


def _dotted(node: ast.AST) -> str | None:
    """keras.layers.LSTM -> 'keras.layers.LSTM'; None for anything but a chain of names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _plain(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN + (Layer,))


def _ints(value: Any) -> Iterator[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _ints(item)
    elif isinstance(value, Layer):
        for item in value.args + tuple(v for _, v in value.kwargs):
            yield from _ints(item)


class _Reader:
    def __init__(self, code: str, x_shape: Shape, y_shape: Shape | None):
        self.code, self.x_shape, self.y_shape = code, x_shape, y_shape
        self.env: dict[str, Any] = {}
        self.steps: list[Step] = []
        self.models: list[_Model] = []
        self.not_read: list[NotRead] = []
        self.notes: list[str] = []
        self.compiled: dict[str, Any] = {}
        self.resets: list[tuple[int, str]] = []
        self.statements = self.depth = self.uid = self.layers = 0
        self.returned: Any = None
        self.called: set[str] = set()

    # --- bookkeeping -------------------------------------------------------------------------
    def source(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.code, node) or ""
        text = " ".join(text.split())
        return text if len(text) <= 80 else text[:77] + "..."

    def skip(self, node: ast.AST, why: str, model: bool | None = None) -> None:
        line = getattr(node, "lineno", 0)
        if not any(n.line == line and n.reason == why for n in self.not_read):
            self.not_read.append(NotRead(line, self.source(node), why, self.builds(node) if model is None else model))

    def builds(self, node: ast.AST) -> bool:
        """Whether a line left unread names a Keras layer, a model or a tensor of the model."""
        for item in ast.walk(node):
            name = item.id if isinstance(item, ast.Name) else item.attr if isinstance(item, ast.Attribute) else None
            if name is None:
                continue
            if name in POSITIONAL or name in MODEL_NAMES or name in MERGES.values() or \
                    isinstance(self.env.get(name), (_Tensor, _Model, Layer)):
                return True
        return False

    def unknown(self, node: ast.AST) -> _Unknown:
        text = self.source(node)
        return _Unknown(f"`{text}` is not Keras model code the doctor reads (it reads the code, never runs it)")

    def next_uid(self) -> int:
        self.uid += 1
        return self.uid

    def count_layer(self, line: int) -> None:
        self.layers += 1
        if self.layers > MAX_LAYERS:
            raise DoctorInputError(f"line {line}: more than {MAX_LAYERS} layers; the doctor reads at most "
                                   f"{MAX_LAYERS}")

    def add_step(self, **fields: Any) -> _Tensor:
        step = Step(id=len(self.steps), **fields)
        self.steps.append(step)
        return _Tensor((step.id, None))

    # --- statements --------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)
            if self.returned is not None:
                return

    def statement(self, node: ast.stmt) -> None:
        self.statements += 1
        if self.statements > MAX_STATEMENTS:
            raise DoctorInputError(f"line {node.lineno}: more than {MAX_STATEMENTS} statements to read")
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
            return
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Constant):
                return  # a docstring or a bare value
            value = self.value(node.value)
            if isinstance(value, _Unknown):
                self.skip(node, value.why)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            if node.value is None:
                return
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = self.value(node.value)
            for target in targets:
                self.assign(target, value, node)
        elif isinstance(node, ast.FunctionDef):
            self.env[node.name] = _Function(node)
        elif isinstance(node, ast.Return):
            if self.depth:
                self.returned = self.value(node.value) if node.value else _QUIET
        elif isinstance(node, ast.If) and self.is_main(node.test):
            self.block(node.body)
        elif isinstance(node, ast.With):
            self.block(node.body)
        elif isinstance(node, ast.For) and self.loop(node):
            return
        else:
            kind = type(node).__name__
            self.skip(node, f"a `{kind}` statement is not read: the doctor follows straight-line model code")

    @staticmethod
    def is_main(test: ast.expr) -> bool:
        return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
                and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant))

    def loop(self, node: ast.For) -> bool:
        """A loop over a few known values (range(3), [64, 32]) is read once per value; any other loop (say over
        epochs) is read once, its variable unknown."""
        if node.orelse or not isinstance(node.target, ast.Name):
            return False
        values = self.iterated(node.iter)
        if values is None:
            self.notes.append(f"The loop on line {node.lineno} is read once.")
            values = [_Unknown(f"`{node.target.id}` changes from one pass of the loop to the next")]
        for value in values:
            self.env[node.target.id] = value
            self.block(node.body)
        return True

    def iterated(self, node: ast.expr) -> list | None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" \
                and 1 <= len(node.args) <= 3 and not node.keywords:
            bounds = [self.value(a) for a in node.args]
            if all(isinstance(b, int) and not isinstance(b, bool) for b in bounds) and (len(bounds) < 3 or bounds[2]):
                found = range(*bounds)
                return list(found) if len(found) <= MAX_LAYERS else None
            return None
        value = self.value(node)
        return list(value) if isinstance(value, (tuple, list)) and len(value) <= MAX_LAYERS else None

    def assign(self, target: ast.expr, value: Any, node: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            name = target.id
            if isinstance(value, _Unknown):
                if name not in self.env and (_X_NAME.search(name) or _Y_NAME.search(name)) \
                        and not self.builds(node.value):
                    self.skip(node, "data preparation is not read: the doctor uses the shapes of X and y you gave",
                              False)
                else:
                    self.skip(node, value.why)
                    self.env[name] = value
                return
            if isinstance(value, Layer):
                value = dataclasses.replace(value, var=name)
            elif isinstance(value, _Model):
                value.var = name
            elif isinstance(value, _Tensor) and value.ref[1] is None:
                step = self.steps[value.ref[0]]
                if not step.names:
                    self.steps[step.id] = dataclasses.replace(step, names=(name,))
            self.env[name] = value
        elif isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(t, ast.Name) for t in target.elts):
            names = tuple(t.id for t in target.elts)
            if isinstance(value, _Tensor) and value.ref[1] is None and self.steps[value.ref[0]].kind == "layer":
                step = self.steps[value.ref[0]]
                self.steps[step.id] = dataclasses.replace(step, names=names, unpacked=True)
                for i, name in enumerate(names):
                    self.env[name] = _Tensor((step.id, i))
            elif isinstance(value, (tuple, list)) and len(value) == len(names):
                for name, item in zip(names, value):
                    self.env[name] = item
            else:
                self.skip(node, value.why if isinstance(value, _Unknown) else "this unpacking is not read")
        else:
            self.skip(node, "only assignments to plain names are read")

    # --- expressions -------------------------------------------------------------------------
    def value(self, node: ast.expr) -> Any:
        """An expression's value as far as the doctor reads it (_Unknown with the reason otherwise)."""
        read = _EXPRESSIONS.get(type(node))
        return read(self, node) if read else self.unknown(node)

    def constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, _PLAIN) and not (isinstance(node.value, str) and len(node.value) > 200):
            return node.value
        return self.unknown(node)

    def name(self, node: ast.Name) -> Any:
        if node.id in self.env:
            return self.env[node.id]
        if _X_NAME.search(node.id):
            return _Data("x")
        if _Y_NAME.search(node.id):
            return _Data("y")
        return _Unknown(f"`{node.id}` is not defined in the code")

    def sequence(self, node: ast.Tuple | ast.List) -> Any:
        items = [self.value(e) for e in node.elts]
        bad = next((i for i in items if isinstance(i, _Unknown)), None)
        return bad or (tuple(items) if isinstance(node, ast.Tuple) else list(items))

    def unary(self, node: ast.UnaryOp) -> Any:
        operand = self.value(node.operand)
        if isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(operand, (int, float)) \
                and not isinstance(operand, bool):
            return -operand if isinstance(node.op, ast.USub) else operand
        return self.unknown(node)

    def attribute(self, node: ast.Attribute) -> Any:
        owner = self.value(node.value)
        if isinstance(owner, _Data) and node.attr == "shape":
            return self.x_shape if owner.which == "x" else self.y_shape or self.unknown(node)
        dotted = _dotted(node)
        return _Name(dotted) if dotted else self.unknown(node)

    def arithmetic(self, node: ast.BinOp) -> Any:
        left, right = self.value(node.left), self.value(node.right)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
        if numbers and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
            result = {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}.get(type(node.op)) \
                if not isinstance(node.op, ast.FloorDiv) else (left // right if right else None)
            if result is not None and abs(result) <= MAX_DIM * MAX_DIM:
                return result
        if isinstance(left, tuple) and isinstance(right, tuple) and isinstance(node.op, ast.Add) \
                and len(left) + len(right) <= 8:
            return left + right
        return self.unknown(node)

    def subscript(self, node: ast.Subscript) -> Any:
        owner = self.value(node.value)
        index = node.slice
        if isinstance(owner, _Tensor) and owner.ref[1] is None and not self.is_last_step(index):
            picked = self.returned_items(owner.ref[0], index)
            if picked is not None:
                return picked
        if isinstance(owner, _Tensor) and self.is_last_step(index):
            return self.add_step(kind="last", line=node.lineno, inputs=(owner.ref,))
        if isinstance(owner, tuple):
            if isinstance(index, ast.Slice) and index.step is None:
                bounds = [self.value(b) if b is not None else None for b in (index.lower, index.upper)]
                if all(b is None or isinstance(b, int) for b in bounds):
                    return owner[bounds[0]:bounds[1]]
            position = self.value(index)
            if isinstance(position, int) and -len(owner) <= position < len(owner):
                return owner[position]
        return self.unknown(node)

    def returned_items(self, step_id: int, index: ast.expr) -> Any:
        """enc[0], enc[-1], enc[1:] on what a layer returned: its tensors by position (None if not read)."""
        count = self.returned_count(self.steps[step_id])
        if isinstance(index, ast.Slice):
            if index.step is not None or count is None:
                return None
            bounds = [self.value(b) if b is not None else None for b in (index.lower, index.upper)]
            if not all(b is None or isinstance(b, int) and not isinstance(b, bool) for b in bounds):
                return None
            return [_Tensor((step_id, i)) for i in range(count)[bounds[0]:bounds[1]]]
        position = self.value(index)
        if not isinstance(position, int) or isinstance(position, bool):
            return None
        if position < 0:
            if count is None or position < -count:
                return None
            position += count
        return _Tensor((step_id, position))

    @staticmethod
    def returned_count(step: Step) -> int | None:
        """How many tensors a recurrent layer returns, from its flags (None for other layers)."""
        layer = step.layer
        if layer is None or not layer.recurrent:
            return None
        both = layer.cls == "Bidirectional"
        outputs = 2 if both and layer.has("merge_mode") and layer.get("merge_mode") is None else 1
        if not layer.flag("return_state"):
            return outputs
        if layer.core.cls == "RNN":
            cell = layer.core.get("cell")
            cells = cell if isinstance(cell, (list, tuple)) else [cell]
            if not all(isinstance(c, Layer) for c in cells):
                return None
            # stacked cells: one list of states per cell; one cell: its states
            states = len(cells) if isinstance(cell, (list, tuple)) else 2 if cells[0].cls == "LSTMCell" else 1
        else:
            states = 2 if layer.core.cls in ("LSTM", "CuDNNLSTM") else 1
        return outputs + states * (2 if both else 1)

    def is_last_step(self, index: ast.expr) -> bool:
        """x[:, -1] or x[:, -1, :]: the last timestep of a sequence."""
        def whole(item: ast.expr) -> bool:
            return isinstance(item, ast.Slice) and item.lower is None and item.upper is None and item.step is None

        items = index.elts if isinstance(index, ast.Tuple) else []
        return len(items) in (2, 3) and whole(items[0]) and self.value(items[1]) == -1 and all(map(whole, items[2:]))

    # --- calls -------------------------------------------------------------------------------
    def call(self, node: ast.Call) -> Any:
        """A call: a layer object applied, a function of the code, a model's method, or a name from Keras."""
        func = node.func
        callee = self.value(func) if isinstance(func, ast.Call) else \
            self.env.get(func.id) if isinstance(func, ast.Name) else None
        if isinstance(callee, (Layer, _Function, _Unknown)):
            return self.apply(callee, node) if isinstance(callee, Layer) else \
                self.run_function(callee, node) if isinstance(callee, _Function) else callee
        owner = self.env.get(func.value.id) if isinstance(func, ast.Attribute) and \
            isinstance(func.value, ast.Name) else None
        if isinstance(owner, _Model):
            return self.model_method(owner, func.attr, node)
        if isinstance(owner, Layer) and func.attr in ("reset_states", "reset_state", "get_weights"):
            return _QUIET  # a layer's own reset is right in Keras 3
        dotted = _dotted(func)
        if dotted is None:
            return self.unknown(node)
        name = dotted.rsplit(".", 1)[-1]
        read = next((method for test, method in _CALLS if test(name, dotted)), None)
        return read(self, name, node) if read else self.unknown(node)

    def quiet(self, name: str, node: ast.Call) -> Any:
        return _QUIET

    def length(self, name: str, node: ast.Call) -> Any:
        """len(X) or len(y): the number of samples."""
        given = self.value(node.args[0]) if len(node.args) == 1 else None
        if not isinstance(given, _Data):
            return self.unknown(node)
        return (self.x_shape if given.which == "x" else self.y_shape or (0,))[0]

    def optimizer(self, name: str, node: ast.Call) -> Any:
        return self.constructor(name, node) or self.unknown(node)

    def constructor(self, cls: str, node: ast.Call) -> Layer | None:
        """keras.layers.<cls>(...) with plain values; arguments that are not plain are left out (and noted)."""
        names = POSITIONAL.get(cls)
        if names is not None and len(node.args) > len(names):
            self.skip(node, f"{cls}: the doctor reads at most {len(names)} arguments by position"
                            f"{' (' + ', '.join(names) + ')' if names else ''}; give the others by name")
            return None
        args = []
        for arg in node.args:
            value = self.value(arg)
            if isinstance(arg, ast.Starred) or not _plain(value):
                self.skip(node, f"{cls}: the argument `{self.source(arg)}` is not a plain value, so the layer "
                                "is left out", True)
                return None
            args.append(value)
        kwargs = []
        for keyword in node.keywords:
            value = self.value(keyword.value)
            if isinstance(value, _Name) and keyword.arg and keyword.arg.endswith("activation"):
                value = value.dotted.rsplit(".", 1)[-1]  # activation=tf.nn.relu -> "relu"
            if keyword.arg is None or not _plain(value):
                self.skip(node, f"{cls}: `{self.source(keyword.value)}` is not a plain value; argument "
                                f"{keyword.arg or '**'} left out",
                          keyword.arg is None or keyword.arg in SHAPE_ARGUMENTS)
                continue
            kwargs.append((keyword.arg, tuple(value) if isinstance(value, list) else value))
        layer = Layer(cls, tuple(args), tuple(kwargs), node.lineno, self.next_uid())
        too_big = next((v for v in _ints(layer) if abs(v) > MAX_DIM), None)
        if too_big is not None:
            raise DoctorInputError(f"line {node.lineno}: {cls} has a size of {too_big:,}; the doctor takes sizes "
                                   f"up to {MAX_DIM:,}")
        return layer

    def layer(self, cls: str, node: ast.Call) -> Any:
        return self.constructor(cls, node) or _QUIET

    def tensors(self, node: ast.expr) -> tuple[tuple[Ref, ...], bool] | None:
        """What a layer is called on: one tensor, or a list of them (listed=True); None if not understood.
        A name bound to a list of tensors (states = [h, c]) is that list."""
        listed = isinstance(node, (ast.List, ast.Tuple))
        refs = []
        for item in node.elts if listed else [node]:
            value = self.value(item)
            if isinstance(value, _Tensor):
                refs.append(value.ref)
            elif not listed and isinstance(value, (tuple, list)) and value and \
                    all(isinstance(v, _Tensor) for v in value):
                return tuple(v.ref for v in value), True
            elif isinstance(item, ast.Name) and item.id not in self.env and not self.inputs_from_x():
                refs.append(self.x_input(item.id, item.lineno).ref)
            else:
                return None
        return tuple(refs), listed

    def tupled(self, node: ast.expr | None) -> bool:
        """A name bound to a one-item tuple of a tensor, as `x = LSTM(8)(x),` (a trailing comma) makes."""
        if not isinstance(node, ast.Name):
            return False
        value = self.env.get(node.id)
        return isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], _Tensor)

    def inputs_from_x(self) -> bool:
        return any(s.source == "x" for s in self.steps)

    def x_input(self, name: str, line: int) -> _Tensor:
        """An undefined name a layer is called on stands for X: an input of X's shape."""
        self.notes.append(f"`{name}` is not defined in the code: the doctor took it as the input X, shape "
                          f"{self.x_shape}.")
        tensor = self.add_step(kind="input", line=line, layer=Layer("Input", kwargs=(("shape", self.x_shape[1:]),)),
                               names=(name,), source="x")
        self.env[name] = tensor
        return tensor

    def apply(self, layer: Layer, node: ast.Call) -> Any:
        """A layer object called on tensors: one step of the model."""
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        given = node.args[0] if node.args else keywords.get("inputs", keywords.get("sequences"))
        called = self.tensors(given) if given is not None else None
        if called is None:
            return self.unknown(node)
        initial: tuple[Ref, ...] = ()
        if "initial_state" in keywords:
            states = self.tensors(keywords["initial_state"])
            if states is None:
                return self.unknown(node)
            initial = states[0]
        self.count_layer(node.lineno)
        return self.add_step(kind="layer", line=node.lineno, layer=layer, inputs=called[0], listed=called[1],
                             initial_state=initial, tupled=self.tupled(given))

    def input(self, node: ast.Call) -> Any:
        layer = self.constructor("Input", node)
        if layer is None:
            return self.unknown(node)
        if not (layer.has("shape") or layer.has("batch_shape")):
            return _Unknown(f"line {node.lineno}: Input without a shape")
        return self.add_step(kind="input", line=node.lineno, layer=layer, source="Input")

    def merge_function(self, name: str, node: ast.Call) -> Any:
        cls = next(c for c, f in MERGES.items() if f == name)
        given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "inputs"), None)
        called = self.tensors(given) if isinstance(given, (ast.List, ast.Tuple)) else None
        if called is None:
            return self.unknown(node)
        extra = ast.Call(func=node.func, args=[], keywords=[k for k in node.keywords if k.arg != "inputs"])
        ast.copy_location(extra, node)
        layer = self.constructor(cls, extra)
        self.count_layer(node.lineno)
        return self.add_step(kind="layer", line=node.lineno, layer=layer, inputs=called[0], listed=True,
                             function=name)

    def flip(self, node: ast.Call) -> Any:
        """keras.ops.flip(t, axis=1), tf.reverse(t, axis=[1]), K.reverse(t, axes=1): reversing the time axis."""
        axis = next((self.value(k.value) for k in node.keywords if k.arg in ("axis", "axes")),
                    self.value(node.args[1]) if len(node.args) > 1 else None)
        called = self.tensors(node.args[0]) if node.args else None
        if axis not in (1, [1], (1,)) or called is None or called[1]:
            return self.unknown(node)
        return self.add_step(kind="flip", line=node.lineno, inputs=called[0])

    def sequential(self, node: ast.Call) -> Any:
        model = _Model("sequential", node.lineno)
        given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "layers"), None)
        if isinstance(given, (ast.List, ast.Tuple)):
            for item in given.elts:
                self.add_to(model, self.value(item), item)
        elif given is not None:
            return self.unknown(node)
        self.models.append(model)
        return model

    def add_to(self, model: _Model, value: Any, node: ast.expr) -> None:
        if isinstance(value, Layer) or isinstance(value, _Tensor) and self.steps[value.ref[0]].kind == "input":
            if isinstance(value, Layer):
                self.count_layer(value.line)
            model.layers.append(value)
        elif value is not _QUIET:
            self.skip(node, value.why if isinstance(value, _Unknown) else "not a layer the doctor knows")

    def functional_model(self, node: ast.Call) -> Any:
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        given = [node.args[i] if len(node.args) > i else keywords.get(key) for i, key in
                 enumerate(("inputs", "outputs"))]
        if any(g is None for g in given):
            return self.unknown(node)
        ends = [self.tensors(g) for g in given]
        if any(e is None for e in ends):
            return self.unknown(node)
        model = _Model("functional", node.lineno, inputs=ends[0][0], outputs=ends[1][0])
        self.models.append(model)
        return model

    def model_method(self, model: _Model, method: str, node: ast.Call) -> Any:
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if method == "add" and node.args:
            model.added = True
            self.add_to(model, self.value(node.args[0]), node.args[0])
        elif method == "compile":
            model.used = True
            self.read_compile(node, keywords)
        elif method == "fit":
            model.used = True
            batch = keywords.get("batch_size", node.args[2] if len(node.args) > 2 else None)
            value = self.value(batch) if batch is not None else None
            self.compiled["fit_batch"] = value if isinstance(value, int) and not isinstance(value, bool) else None
            shuffle = self.value(keywords["shuffle"]) if "shuffle" in keywords else None
            self.compiled["fit_shuffle"] = shuffle if isinstance(shuffle, bool) else None
            self.compiled["fit_line"] = node.lineno
        elif method in ("reset_states", "reset_state"):
            if (node.lineno, method) not in self.resets:
                self.resets.append((node.lineno, method))
        elif method == "build" and node.args:
            shape = self.value(node.args[0])
            if isinstance(shape, (tuple, list)) and all(isinstance(d, int) or d is None for d in shape):
                model.built_shape = tuple(shape)
        elif method not in QUIET_CALLS:
            return self.unknown(node)
        return _QUIET

    def read_compile(self, node: ast.Call, keywords: dict[str, ast.expr]) -> None:
        loss = keywords.get("loss", node.args[1] if len(node.args) > 1 else None)
        if loss is not None:
            value = self.value(loss.func if isinstance(loss, ast.Call) else loss)
            value = value.dotted if isinstance(value, _Name) else value
            if isinstance(value, str):
                self.compiled.update(loss=value.rsplit(".", 1)[-1], loss_line=node.lineno)
            else:
                self.skip(node, "the loss is not a name the doctor reads")
        optimizer = keywords.get("optimizer", node.args[0] if node.args else None)
        if optimizer is not None:
            value = self.value(optimizer)
            if isinstance(value, (str, Layer)):
                self.compiled.update(optimizer=value, optimizer_line=node.lineno)

    def run_function(self, function: _Function, node: ast.Call) -> Any:
        """A function defined in the code (say build_model) is read with its arguments bound."""
        if self.depth >= MAX_CALL_DEPTH:
            return self.unknown(node)
        self.called.add(function.node.name)
        spec = function.node.args
        params = [a.arg for a in spec.args]
        defaults = dict(zip(params[len(params) - len(spec.defaults):], spec.defaults))
        saved = dict(self.env)
        bound = {name: self.value(value) for name, value in defaults.items()}
        bound.update({name: self.value(arg) for name, arg in zip(params, node.args)})
        bound.update({k.arg: self.value(k.value) for k in node.keywords if k.arg in params})
        self.env.update(bound)
        self.depth += 1
        try:
            self.block(function.node.body)
            result = self.returned if self.returned is not None else _QUIET
        finally:
            self.depth -= 1
            self.returned = None
            kept = {k: v for k, v in self.env.items() if isinstance(v, _Function)}
            self.env = saved | kept
        return result

    # --- the program -------------------------------------------------------------------------
    def call_unused_functions(self) -> None:
        """No model yet: functions the code defines but never calls (say build_model) are read with their
        default arguments."""
        for name, value in list(self.env.items()):
            if isinstance(value, _Function) and name not in self.called and not self.models:
                self.run_function(value, ast.Call(func=ast.Name(name), args=[], keywords=[]))

    def program(self) -> Program:
        if not self.models and not any(s.kind == "layer" for s in self.steps):
            self.call_unused_functions()
        model = next((m for m in reversed(self.models) if m.used), self.models[-1] if self.models else None)
        extra = dict(loss=self.compiled.get("loss"), loss_line=self.compiled.get("loss_line"),
                     optimizer=self.compiled.get("optimizer", "adam"),
                     optimizer_line=self.compiled.get("optimizer_line"), fit_batch=self.compiled.get("fit_batch"),
                     fit_line=self.compiled.get("fit_line"), fit_shuffle=self.compiled.get("fit_shuffle"),
                     resets=tuple(self.resets), not_read=tuple(self.not_read))
        if model is not None and model.kind == "sequential":
            if not model.layers:
                raise DoctorInputError("the Sequential model has no layers the doctor knows")
            steps = self.sequential_steps(model)
            return Program(steps, "sequential_add" if model.added else "sequential", model.var,
                           notes=tuple(self.notes), **extra)
        layer_steps = [s for s in self.steps if s.kind != "input"]
        if not layer_steps:
            raise DoctorInputError("no Keras layers found in the code (the doctor reads Sequential([...]), "
                                   "model.add(...) and x = LSTM(...)(x))")
        if model is not None:
            return Program(tuple(self.steps), "functional", model.var, outputs=model.outputs,
                           notes=tuple(self.notes), **extra)
        return Program(tuple(self.steps), "functional", has_model=False, notes=tuple(self.notes), **extra)

    def sequential_steps(self, model: _Model) -> tuple[Step, ...]:
        items = list(model.layers)
        first = items[0]
        if isinstance(first, _Tensor):
            given = self.steps[first.ref[0]]
            inputs = Step(0, "input", given.line, given.layer, source="Input")
            items = items[1:]
        elif first.cls == "InputLayer":
            inputs = Step(0, "input", first.line, self.input_layer(first), source="InputLayer")
            items = items[1:]
        else:
            inputs = self.implied_input(first, model)
        steps = [inputs]
        for item in items:
            if isinstance(item, _Tensor):
                self.not_read.append(NotRead(self.steps[item.ref[0]].line, "Input(...)",
                                             "an Input after the first layer is not read"))
                continue
            steps.append(Step(len(steps), "layer", item.line, item, inputs=((len(steps) - 1, None),)))
        return tuple(steps)

    @staticmethod
    def input_layer(layer: Layer) -> Layer:
        shape = layer.get("shape", layer.get("input_shape"))
        batch = layer.get("batch_shape", layer.get("batch_input_shape"))
        return Layer("Input", kwargs=(("batch_shape", batch),) if batch else (("shape", shape),), line=layer.line)

    def implied_input(self, first: Layer, model: _Model) -> Step:
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
                steps_ = length if isinstance(length, int) else (self.x_shape[1] if len(self.x_shape) > 2 else None)
                return step("input_dim", shape=(steps_, dim))
            return step("input_dim", shape=(dim,))
        if isinstance(length, int):
            return step("input_length", shape=(length,))
        if model.built_shape:
            return step("build", shape=tuple(model.built_shape[1:]))
        return step("x", shape=self.x_shape[1:])


# A called name -> the _Reader method that reads the call (name, node); the first test that holds wins.
_CALLS = (
    (lambda name, dotted: name in QUIET_CALLS, _Reader.quiet),
    (lambda name, dotted: name == "Input", lambda r, name, node: r.input(node)),
    (lambda name, dotted: name in POSITIONAL, _Reader.layer),
    (lambda name, dotted: name == "Sequential", lambda r, name, node: r.sequential(node)),
    (lambda name, dotted: name in ("Model", "Functional"), lambda r, name, node: r.functional_model(node)),
    (lambda name, dotted: name in MERGES.values(), _Reader.merge_function),
    (lambda name, dotted: name in ("flip", "reverse") and "." in dotted, lambda r, name, node: r.flip(node)),
    (lambda name, dotted: name == "len", _Reader.length),
    (lambda name, dotted: name in OPTIMIZERS, _Reader.optimizer),
)
# Expression kind -> the _Reader method that reads it; any other expression is not read.
_EXPRESSIONS = {ast.Constant: _Reader.constant, ast.Name: _Reader.name, ast.Tuple: _Reader.sequence,
                ast.List: _Reader.sequence, ast.UnaryOp: _Reader.unary, ast.BinOp: _Reader.arithmetic,
                ast.Attribute: _Reader.attribute, ast.Subscript: _Reader.subscript, ast.Call: _Reader.call}


def read(code: str, x_shape: Shape, y_shape: Shape | None = None) -> Program:
    """Pasted code -> Program; DoctorInputError (with the line) when it cannot be read at all."""
    if not code.strip():
        raise DoctorInputError("the code is empty")
    if len(code) > MAX_CODE_CHARS:
        raise DoctorInputError(f"the code is {len(code):,} characters long; the doctor reads at most "
                               f"{MAX_CODE_CHARS:,}")
    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        where = f"line {err.lineno}: " if err.lineno else ""
        raise DoctorInputError(f"{where}this is not valid Python ({err.msg})") from None
    except (RecursionError, MemoryError, ValueError) as err:
        raise DoctorInputError(f"the code cannot be read ({type(err).__name__})") from None
    reader = _Reader(code, tuple(x_shape), tuple(y_shape) if y_shape else None)
    try:
        reader.block(tree.body)
    except RecursionError:
        raise DoctorInputError("the code is nested too deeply to read") from None
    return reader.program()
