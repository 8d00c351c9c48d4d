"""The calls in pasted code, read (never run): Keras constructors with plain values, layers applied to tensors,
Sequential and Model, a model's add / compile / fit / reset_states, and the code's own functions read with their
arguments bound. A mixin of the reader (reading._Reader): it uses the reader's bookkeeping and expressions."""

from __future__ import annotations

import ast
import re
from typing import Any

from rnnlab.doctor.catalogue import KERAS1_MERGE_MODES, MERGES, OLD_MODULES, OPTIMIZERS, POSITIONAL, QUIET_CALLS
from rnnlab.doctor.program import Layer, Legacy, Ref
from rnnlab.doctor.reading_values import (_QUIET, MAX_CALL_DEPTH, MAX_DIM, SHAPE_ARGUMENTS, DoctorInputError, _Data,
                                          _dotted, _Function, _ints, _Model, _Name, _plain, _Tensor, _Unknown)


class _Calls:
    """What calls mean to the reader (mixed into reading._Reader)."""

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
        module, _, name = dotted.rpartition(".")
        old = OLD_MODULES.get(module.removeprefix("tensorflow.").removeprefix("tf."))
        if old:
            self.old_call(node.lineno, "old_module_path", module, old,
                          module.removeprefix("tensorflow.").removeprefix("tf."))
        read = next((method for test, method in _CALLS if test(name, dotted)), None)
        if read is None and self.keras_layer(name, dotted):
            read = _Calls.layer
        return read(self, name, node) if read else self.unknown(node)

    def keras_layer(self, name: str, dotted: str) -> bool:
        """Any other layer of keras.layers (Conv2D, MaxPooling2D, ...), named through keras.layers or imported
        from it by name: Keras builds it as written (a name Keras does not have is Keras's error to report)."""
        module = dotted.rpartition(".")[0].removeprefix("tensorflow.").removeprefix("tf.")
        return name[:1].isupper() and (module in ("keras.layers", "layers") or module in OLD_MODULES
                                       or not module and name in self.keras_names)

    def quiet(self, name: str, node: ast.Call) -> Any:
        return _QUIET

    def old_call(self, line: int, kind: str, written: str, meant: str, check: str) -> None:
        """A Keras 1/2 call read as the Keras 3 call it meant; `check` is what Keras is asked to say about it."""
        item = Legacy(line, kind, written, meant, check)
        if item not in self.legacy:
            self.legacy.append(item)

    def loss_object(self, name: str, node: ast.Call) -> Any:
        """keras.losses.MeanSquaredError(), SparseCategoricalCrossentropy(from_logits=True): the loss (or metric)
        by its name; its arguments change no shape."""
        return _Name(_dotted(node.func))

    def number(self, name: str, node: ast.Call) -> Any:
        """int(100), float(0.5), abs(-3), round(2.0): a plain number from plain numbers."""
        given = self.value(node.args[0]) if len(node.args) == 1 and not node.keywords else None
        if not isinstance(given, (int, float)) or isinstance(given, bool) or abs(given) > MAX_DIM * MAX_DIM:
            return self.unknown(node)
        return {"int": int, "float": float, "abs": abs, "round": round}[name](given)

    def keras1_merge(self, name: str, node: ast.Call) -> Any:
        """Keras 1's merge([a, b], mode='sum', concat_axis=-1) -> the Keras 3 merge layer it meant (add, ...)."""
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        mode = self.value(keywords["mode"]) if "mode" in keywords else "sum"
        function = KERAS1_MERGE_MODES.get(mode) if isinstance(mode, str) else None
        if function is None:
            return self.unknown(node)
        kept = [k for k in node.keywords if k.arg not in ("mode", "concat_axis", "dot_axes")]
        if "concat_axis" in keywords and function == "concatenate":
            kept.append(ast.keyword(arg="axis", value=keywords["concat_axis"]))
        meant = ast.copy_location(ast.Call(func=ast.Name(function), args=node.args[:1], keywords=kept), node)
        read = self.merge_function(function, meant)
        if not isinstance(read, _Unknown):
            self.old_call(node.lineno, "keras1_merge", self.source(node), f"keras.layers.{function}([...])",
                          "merge")
        return read

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
        given = [node.args[i] if len(node.args) > i else keywords.get(key, keywords.get(key[:-1])) for i, key in
                 enumerate(("inputs", "outputs"))]
        if any(g is None for g in given):
            return self.unknown(node)
        old = [k for k in ("input", "output") if k in keywords]
        if old:
            self.old_call(node.lineno, "keras1_model_arguments", ", ".join(f"{k}=" for k in old),
                          ", ".join(f"{k}s=" for k in old), "Model")
        ends = [self.tensors(g) for g in given]
        if any(e is None for e in ends):
            return self.unknown(node)
        model = _Model("functional", node.lineno, inputs=ends[0][0], outputs=ends[1][0])
        self.models.append(model)
        return model

    def model_method(self, model: _Model, method: str, node: ast.Call) -> Any:
        """model.add / compile / fit / reset_states / build(...), read for what they say about the model."""
        read = _MODEL_METHODS.get(method)
        if read is not None and (node.args or method not in ("add", "build")):
            read(self, model, node, {k.arg: k.value for k in node.keywords if k.arg})
            return _QUIET
        return _QUIET if method in QUIET_CALLS else self.unknown(node)

    def model_add(self, model: _Model, node: ast.Call, keywords: dict) -> None:
        model.added = True
        self.add_to(model, self.value(node.args[0]), node.args[0])

    def model_compile(self, model: _Model, node: ast.Call, keywords: dict) -> None:
        model.used = True
        self.read_compile(node, keywords)

    def model_fit(self, model: _Model, node: ast.Call, keywords: dict) -> None:
        model.used = True
        batch = keywords.get("batch_size", node.args[2] if len(node.args) > 2 else None)
        value = self.value(batch) if batch is not None else None
        self.compiled["fit_batch"] = value if isinstance(value, int) and not isinstance(value, bool) else None
        shuffle = self.value(keywords["shuffle"]) if "shuffle" in keywords else None
        self.compiled["fit_shuffle"] = shuffle if isinstance(shuffle, bool) else None
        self.compiled["fit_line"] = node.lineno

    def model_reset(self, model: _Model, node: ast.Call, keywords: dict) -> None:
        method = node.func.attr
        if (node.lineno, method) not in self.resets:
            self.resets.append((node.lineno, method))

    def model_build(self, model: _Model, node: ast.Call, keywords: dict) -> None:
        shape = self.value(node.args[0])
        if isinstance(shape, (tuple, list)) and all(isinstance(d, int) or d is None for d in shape):
            model.built_shape = tuple(shape)

    def read_compile(self, node: ast.Call, keywords: dict[str, ast.expr]) -> None:
        loss = keywords.get("loss", node.args[1] if len(node.args) > 1 else None)
        if loss is not None:
            value = self.value(loss)
            if isinstance(loss, ast.Name) and loss.id not in self.env and _LOSS_FUNCTION.fullmatch(loss.id):
                value = _Name(loss.id)  # a Keras loss function imported by its name
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


# A loss or metric made as an object: keras.losses.X(...), metrics.X(...), or a loss class by its name.
_LOSS_OBJECT = re.compile(r"\.(losses|metrics)\.\w+$|\.[A-Z]\w*(Crossentropy|Error|Hinge|Divergence|Huber|LogCosh|"
                          r"Poisson|Similarity)$")
_LOSS_FUNCTION = re.compile(r"mse|mae|mape|msle|kld|\w*(crossentropy|error|hinge|divergence|huber|logcosh|poisson)")

# A called name -> the _Reader method that reads the call (name, node); the first test that holds wins.
_CALLS = (
    (lambda name, dotted: name in QUIET_CALLS, _Calls.quiet),
    (lambda name, dotted: name == "Input", lambda r, name, node: r.input(node)),
    (lambda name, dotted: name in POSITIONAL, _Calls.layer),
    (lambda name, dotted: name == "Sequential", lambda r, name, node: r.sequential(node)),
    (lambda name, dotted: name in ("Model", "Functional"), lambda r, name, node: r.functional_model(node)),
    (lambda name, dotted: name in MERGES.values(), _Calls.merge_function),
    (lambda name, dotted: name in ("flip", "reverse") and "." in dotted, lambda r, name, node: r.flip(node)),
    (lambda name, dotted: name == "len", _Calls.length),
    (lambda name, dotted: name in OPTIMIZERS, _Calls.optimizer),
    (lambda name, dotted: name == "merge", _Calls.keras1_merge),
    (lambda name, dotted: _LOSS_OBJECT.search(f".{dotted}") is not None, _Calls.loss_object),
    (lambda name, dotted: dotted in ("int", "float", "abs", "round"), _Calls.number),
)

# A model's method -> the _Reader method that reads the call (model, node, keywords).
_MODEL_METHODS = {"add": _Calls.model_add, "compile": _Calls.model_compile, "fit": _Calls.model_fit,
                  "reset_states": _Calls.model_reset, "reset_state": _Calls.model_reset,
                  "build": _Calls.model_build}
