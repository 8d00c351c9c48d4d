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
import difflib
from typing import Any

from rnnlab.doctor.catalogue import MERGES, OLD_MODULES, POSITIONAL
from rnnlab.doctor.program import Layer, Legacy, NotRead, Program, Shape, Step
from rnnlab.doctor.reading_calls import read_call, run_function
from rnnlab.doctor.reading_program import program
from rnnlab.doctor.reading_values import (MAX_CODE_CHARS, MAX_DIM, MAX_LAYERS, MAX_STATEMENTS,  # noqa: F401
                                          MODEL_NAMES, NOT_READ, PLAIN_TYPES, QUIET, X_NAME, Y_NAME,
                                          DoctorInputError, DottedName, FunctionValue, LearnerData, ModelValue,
                                          Tensor, Unknown, arithmetic, dotted_name, is_int, is_layers_module,
                                          is_number, keras_module)


class Reader(ast.NodeVisitor):
    """Reads statements (visit_* of a statement: False back when it is not read after all) and expressions
    (visit_* of an expression: its value, Unknown with the reason when it is not read). Calls are read by
    reading_calls, the Program put together by reading_program, both from this reader's record."""

    def __init__(self, code: str, x_shape: Shape, y_shape: Shape | None):
        self.code, self.x_shape, self.y_shape = code, x_shape, y_shape
        self.env: dict[str, Any] = {}
        self.steps: list[Step] = []
        self.models: list[ModelValue] = []
        self.not_read: list[NotRead] = []
        self.notes: list[str] = []
        self.compiled: dict[str, Any] = {}
        self.resets: list[tuple[int, str]] = []
        self.statements = self.depth = self.uid = self.layers = 0
        self.returned: Any = None
        self.called: set[str] = set()
        self.legacy: list[Legacy] = []  # Keras 1/2 calls read as the Keras 3 call they meant
        self.misspelt: list[tuple[int, str, str]] = []  # names not defined, read as the defined name they are near
        self.keras_names: set[str] = set()  # names imported from keras.layers (or an old module of it)

    def generic_visit(self, node: ast.AST) -> Any:
        """Any other expression is not read; any other statement is listed as not read."""
        return self.unknown(node) if isinstance(node, ast.expr) else False

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
                    isinstance(self.env.get(name), (Tensor, ModelValue, Layer)):
                return True
        return False

    def unknown(self, node: ast.AST) -> Unknown:
        text = self.source(node)
        return Unknown(f"`{text}` is not Keras model code the doctor reads (it reads the code, never runs it)")

    def next_uid(self) -> int:
        self.uid += 1
        return self.uid

    def count_layer(self, line: int) -> None:
        self.layers += 1
        if self.layers > MAX_LAYERS:
            raise DoctorInputError(f"line {line}: more than {MAX_LAYERS} layers; the doctor reads at most "
                                   f"{MAX_LAYERS}")

    def call_unused_functions(self) -> None:
        """No model nor layer read: functions the code defines but never calls (say build_model) are read with
        their default arguments."""
        if self.models or any(s.kind == "layer" for s in self.steps):
            return
        for name, value in list(self.env.items()):
            if isinstance(value, FunctionValue) and name not in self.called and not self.models:
                run_function(self, value, ast.Call(func=ast.Name(name), args=[], keywords=[]))

    def old_call(self, line: int, kind: str, written: str, meant: str, check: str) -> None:
        """A Keras 1/2 call read as the Keras 3 call it meant; `check` is what Keras is asked to say about it."""
        item = Legacy(line, kind, written, meant, check)
        if item not in self.legacy:
            self.legacy.append(item)

    def add_step(self, **fields: Any) -> Tensor:
        step = Step(id=len(self.steps), **fields)
        self.steps.append(step)
        return Tensor((step.id, None))

    # --- statements --------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)
            if self.returned is not None:
                return

    def statement(self, node: ast.stmt) -> None:
        """One statement read; one the reader does not follow is listed as not read."""
        self.statements += 1
        if self.statements > MAX_STATEMENTS:
            raise DoctorInputError(f"line {node.lineno}: more than {MAX_STATEMENTS} statements to read")
        if self.visit(node) is False:
            kind = type(node).__name__
            self.skip(node, f"a `{kind}` statement is not read: the doctor follows straight-line model code")

    def visit_Pass(self, node: ast.stmt) -> None:
        return None  # pass

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Imports change nothing the doctor reads, but the names taken from keras.layers are kept (all of them
        after `import *`), and a module path Keras 3 no longer has is noted."""
        paths = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        for path in paths:
            self.note_old_module(node.lineno, path)
        if isinstance(node, ast.ImportFrom) and is_layers_module(node.module or ""):
            self.keras_names |= {a.asname or a.name for a in node.names}

    def note_old_module(self, line: int, path: str) -> None:
        """A Keras 1/2 module path (keras.layers.recurrent, ...) is noted with where its layers are now."""
        if keras_module(path) in OLD_MODULES:
            self.old_call(line, "old_module_path", path, OLD_MODULES[keras_module(path)], keras_module(path))

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant):
            return  # a docstring or a bare value
        value = self.value(node.value)
        if isinstance(value, Unknown):
            self.skip(node, value.why)

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        if node.value is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = self.value(node.value)
        for target in targets:
            self.assign(target, value, node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.env[node.name] = FunctionValue(node)

    def visit_Return(self, node: ast.Return) -> None:
        if self.depth:
            self.returned = self.value(node.value) if node.value else QUIET

    def visit_If(self, node: ast.If) -> bool:
        """if __name__ == "__main__": read; any other if is not."""
        if not self.is_main(node.test):
            return False
        self.block(node.body)
        return True

    def visit_With(self, node: ast.With) -> None:
        self.block(node.body)

    @staticmethod
    def is_main(test: ast.expr) -> bool:
        return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
                and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant))

    def visit_For(self, node: ast.For) -> bool:
        """A loop over a few known values (range(3), [64, 32]) is read once per value; any other loop (say over
        epochs) is read once, its variable unknown. Such a loop that makes layers leaves the model unread: how
        many times it makes them is part of the model."""
        if node.orelse or not isinstance(node.target, ast.Name):
            return False
        values = self.iterated(node.iter)
        if values is not None:
            for value in values:
                self.env[node.target.id] = value
                self.block(node.body)
            return True
        layers = self.layers
        self.env[node.target.id] = Unknown(f"`{node.target.id}` changes from one pass of the loop to the next")
        self.block(node.body)
        if self.layers > layers:
            self.skip(node, f"a loop that makes layers is read only over a few known values (at most {MAX_LAYERS}"
                            "); this one was read once, so the model read is not the model this code builds",
                      model=True)
        else:
            self.notes.append(f"The loop on line {node.lineno} is read once.")
        return True

    def iterated(self, node: ast.expr) -> list | None:
        """The values a loop goes over, when they are known and few."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
            found = self.range_of(node)
        else:
            value = self.value(node)
            found = value if isinstance(value, (tuple, list)) else None
        return list(found) if found is not None and len(found) <= MAX_LAYERS else None

    def range_of(self, node: ast.Call) -> range | None:
        """range(...) of plain whole numbers."""
        if not 1 <= len(node.args) <= 3 or node.keywords:
            return None
        bounds = [self.value(a) for a in node.args]
        if all(map(is_int, bounds)) and (len(bounds) < 3 or bounds[2]):
            return range(*bounds)
        return None

    def assign(self, target: ast.expr, value: Any, node: ast.stmt) -> None:
        """name = value, or a, b, c = value (a layer's tensors, or a tuple's items)."""
        if isinstance(target, ast.Name):
            self.assign_name(target.id, value, node)
        elif isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(t, ast.Name) for t in target.elts):
            self.unpack(tuple(t.id for t in target.elts), value, node)
        else:
            self.skip(node, "only assignments to plain names are read")

    def assign_name(self, name: str, value: Any, node: ast.stmt) -> None:
        if isinstance(value, Unknown):
            self.assign_unknown(name, value, node)
            return
        if isinstance(value, Layer):
            value = dataclasses.replace(value, var=name)
        elif isinstance(value, ModelValue):
            value.var = name
        elif isinstance(value, Tensor) and value.ref[1] is None and not self.steps[value.ref[0]].names:
            self.steps[value.ref[0]] = dataclasses.replace(self.steps[value.ref[0]], names=(name,))
        self.env[name] = value

    def assign_unknown(self, name: str, value: Unknown, node: ast.stmt) -> None:
        """A name bound to what is not read: data preparation (X or y) is passed over without a word."""
        data = name not in self.env and (X_NAME.search(name) or Y_NAME.search(name))
        if data and not self.builds(getattr(node, "value", node)):
            self.skip(node, "data preparation is not read: the doctor uses the shapes of X and y you gave", False)
            return
        self.skip(node, value.why)
        self.env[name] = value

    def unpack(self, names: tuple[str, ...], value: Any, node: ast.stmt) -> None:
        if isinstance(value, Tensor) and value.ref[1] is None and self.steps[value.ref[0]].kind == "layer":
            step = self.steps[value.ref[0]]
            self.steps[step.id] = dataclasses.replace(step, names=names, unpacked=True)
            self.env.update({name: Tensor((step.id, i)) for i, name in enumerate(names)})
        elif isinstance(value, (tuple, list)) and len(value) == len(names):
            self.env.update(zip(names, value))
        else:
            self.skip(node, value.why if isinstance(value, Unknown) else "this unpacking is not read")

    # --- expressions -------------------------------------------------------------------------
    def value(self, node: ast.expr) -> Any:
        """An expression's value as far as the doctor reads it (Unknown with the reason otherwise)."""
        return self.visit(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, PLAIN_TYPES) and not (isinstance(node.value, str) and len(node.value) > 200):
            return node.value
        return self.unknown(node)

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in self.env:
            return self.env[node.id]
        if X_NAME.search(node.id):
            return LearnerData("x")
        if Y_NAME.search(node.id):
            return LearnerData("y")
        near = self.near_name(node)
        return self.env[near] if near else Unknown(f"`{node.id}` is not defined in the code")

    def near_name(self, node: ast.Name) -> str | None:
        """The defined number or shape a name not defined is a misspelling of (recorded), or None."""
        plain = [name for name, value in self.env.items() if is_int(value) or isinstance(value, tuple)
                 and all(map(is_int, value))]
        close = difflib.get_close_matches(node.id, plain, n=1, cutoff=0.8)
        if not close:
            return None
        self.misspelt.append((node.lineno, node.id, close[0]))
        return close[0]

    def visit_Tuple(self, node: ast.Tuple | ast.List) -> Any:
        items = [self.value(e) for e in node.elts]
        bad = next((i for i in items if isinstance(i, Unknown)), None)
        return bad or (tuple(items) if isinstance(node, ast.Tuple) else list(items))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.value(node.operand)
        if isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(operand, (int, float)) \
                and not isinstance(operand, bool):
            return -operand if isinstance(node.op, ast.USub) else operand
        return self.unknown(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        owner = self.value(node.value)
        if isinstance(owner, LearnerData) and node.attr == "shape":
            return self.x_shape if owner.which == "x" else self.y_shape or self.unknown(node)
        dotted = dotted_name(node)
        return DottedName(dotted) if dotted else self.unknown(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.value(node.left), self.value(node.right)
        if is_number(left) and is_number(right):
            result = arithmetic(node.op, left, right)
            if result is not None and abs(result) <= MAX_DIM * MAX_DIM:
                return result
        if isinstance(left, tuple) and isinstance(right, tuple) and isinstance(node.op, ast.Add) \
                and len(left) + len(right) <= 8:
            return left + right
        return self.unknown(node)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        """A layer's returned tensors by position (enc[0], enc[1:]), a sequence's last step (x[:, -1]), a
        tuple's items."""
        owner, index = self.value(node.value), node.slice
        picked: Any = NOT_READ
        if isinstance(owner, Tensor) and self.is_last_step(index):
            picked = self.add_step(kind="last", line=node.lineno, inputs=(owner.ref,))
        elif isinstance(owner, Tensor) and owner.ref[1] is None:
            picked = self.returned_items(owner.ref[0], index)
        elif isinstance(owner, (tuple, list)):
            picked = self.tuple_items(owner, index)
        return self.unknown(node) if picked is NOT_READ else picked

    def slice_bounds(self, index: ast.Slice) -> tuple[int | None, int | None] | None:
        """[lower:upper] with whole numbers or nothing as bounds (None for any other slice)."""
        bounds = tuple(self.value(b) if b is not None else None for b in (index.lower, index.upper))
        return bounds if index.step is None and all(b is None or is_int(b) for b in bounds) else None  # type: ignore

    def tuple_items(self, owner: tuple | list, index: ast.expr) -> Any:
        """t[1], t[-1], t[1:] on a tuple or list of values read (NOT_READ otherwise)."""
        if isinstance(index, ast.Slice):
            bounds = self.slice_bounds(index)
            return owner[bounds[0]:bounds[1]] if bounds else NOT_READ
        position = self.value(index)
        return owner[position] if is_int(position) and -len(owner) <= position < len(owner) else NOT_READ

    def returned_items(self, step_id: int, index: ast.expr) -> Any:
        """enc[0], enc[-1], enc[1:] on what a layer returned: its tensors by position (NOT_READ if not read)."""
        count = returned_count(self.steps[step_id])
        if isinstance(index, ast.Slice):
            bounds = self.slice_bounds(index)
            if bounds is None or count is None:
                return NOT_READ
            return [Tensor((step_id, i)) for i in range(count)[bounds[0]:bounds[1]]]
        position = self.value(index)
        if not is_int(position) or position < 0 and (count is None or position < -count):
            return NOT_READ
        return Tensor((step_id, position % count if position < 0 else position))

    def is_last_step(self, index: ast.expr) -> bool:
        """x[:, -1] or x[:, -1, :]: the last timestep of a sequence."""
        def whole(item: ast.expr) -> bool:
            return isinstance(item, ast.Slice) and item.lower is None and item.upper is None and item.step is None

        items = index.elts if isinstance(index, ast.Tuple) else []
        return len(items) in (2, 3) and whole(items[0]) and self.value(items[1]) == -1 and all(map(whole, items[2:]))

    visit_ImportFrom = visit_Import
    visit_AnnAssign = visit_Assign
    visit_List = visit_Tuple

    def visit_Call(self, node: ast.Call) -> Any:
        return read_call(self, node)


def returned_count(step: Step) -> int | None:
    """How many tensors a recurrent layer returns, from its flags (None for other layers)."""
    layer = step.layer
    if layer is None or not layer.recurrent:
        return None
    both = layer.cls == "Bidirectional"
    outputs = 2 if both and layer.has("merge_mode") and layer.get("merge_mode") is None else 1
    if not layer.flag("return_state"):
        return outputs
    states = state_count(layer.core)
    return None if states is None else outputs + states * (2 if both else 1)


def state_count(core: Layer) -> int | None:
    """The states a recurrent layer returns with return_state (None when its cells are not read)."""
    if core.cls != "RNN":
        return 2 if core.cls in ("LSTM", "CuDNNLSTM") else 1
    cell = core.get("cell")
    cells = cell if isinstance(cell, (list, tuple)) else [cell]
    if not all(isinstance(c, Layer) for c in cells):
        return None
    # stacked cells: one list of states per cell; one cell: its states
    return len(cells) if isinstance(cell, (list, tuple)) else 2 if cells[0].cls == "LSTMCell" else 1


def read(code: str, x_shape: Shape, y_shape: Shape | None = None) -> Program:
    """Pasted code -> Program; DoctorInputError (with the line) when it cannot be read at all."""
    tree = _parse(code)
    reader = Reader(code, tuple(x_shape), tuple(y_shape) if y_shape else None)
    try:
        reader.block(tree.body)
        reader.call_unused_functions()
    except RecursionError:
        raise DoctorInputError("the code is nested too deeply to read") from None
    return program(reader)


def _parse(code: str) -> ast.Module:
    """The code's syntax tree; DoctorInputError when it is empty, too long or not Python."""
    if not code.strip():
        raise DoctorInputError("the code is empty")
    if len(code) > MAX_CODE_CHARS:
        raise DoctorInputError(f"the code is {len(code):,} characters long; the doctor reads at most "
                               f"{MAX_CODE_CHARS:,}")
    try:
        return ast.parse(code)
    except SyntaxError as err:
        where = f"line {err.lineno}: " if err.lineno else ""
        raise DoctorInputError(f"{where}this is not valid Python ({err.msg})") from None
    except (RecursionError, MemoryError, ValueError) as err:
        raise DoctorInputError(f"the code cannot be read ({type(err).__name__})") from None
