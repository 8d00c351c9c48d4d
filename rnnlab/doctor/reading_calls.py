"""The calls in pasted code, read (never run): Keras constructors with plain values, layers applied to tensors,
Sequential and Model, a model's add / compile / fit / reset_states, and the code's own functions read with their
arguments bound. Each is a function of the reader (reading.Reader, as reading_values.Reading): its bookkeeping,
and its values of expressions."""

from __future__ import annotations

import ast
import re
from typing import Any

from rnnlab.doctor.catalogue import KERAS1_MERGE_MODES, MERGES, OPTIMIZERS, POSITIONAL, QUIET_CALLS
from rnnlab.doctor.program import Layer, Ref
from rnnlab.doctor.reading_program import graft
from rnnlab.doctor.reading_values import (MAX_CALL_DEPTH, MAX_DIM, QUIET, SHAPE_ARGUMENTS, DoctorInputError,
                                          DottedName, FunctionValue, LambdaValue, LearnerData, ModelValue, Reading,
                                          Tensor, Unknown, dotted_name, ints_in, is_layers_module, is_plain)


def read_call(reader: Reading, node: ast.Call) -> Any:
    """A call: a layer object applied, a function of the code, a model's method, or a name from Keras."""
    callee = _callee(reader, node.func)
    if isinstance(callee, Layer):
        return apply_layer(reader, callee, node)
    if isinstance(callee, FunctionValue):
        return run_function(reader, callee, node)
    if isinstance(callee, LambdaValue):
        called = tensors(reader, node.args[0]) if node.args else None
        if called is None or called[1]:
            return reader.unknown(node)
        return apply_lambda(reader, callee, Tensor(called[0][0]))
    if isinstance(callee, Unknown):
        return callee
    return _method_call(reader, node) if isinstance(node.func, ast.Attribute) else _named_call(reader, node)


def _callee(reader: Reading, func: ast.expr) -> Any:
    """What a call calls when it is a value of the code (a layer object, a function, ...), else None."""
    if isinstance(func, ast.Call):
        return reader.value(func)
    return reader.env.get(func.id) if isinstance(func, ast.Name) else None


def _method_call(reader: Reading, node: ast.Call) -> Any:
    """owner.method(...): a model's or a layer's method, else a dotted name from Keras."""
    func = node.func
    assert isinstance(func, ast.Attribute)
    owner = reader.env.get(func.value.id) if isinstance(func.value, ast.Name) else None
    if isinstance(owner, ModelValue):
        return model_method(reader, owner, func.attr, node)
    if isinstance(owner, Layer) and func.attr in ("reset_states", "reset_state", "get_weights"):
        return QUIET  # a layer's own reset is right in Keras 3
    return _named_call(reader, node)


def _named_call(reader: Reading, node: ast.Call) -> Any:
    """keras.layers.LSTM(...), Sequential(...), merge(...), int(...): read by the first of _CALLS that takes the
    name, or built by Keras when it names a layer of keras.layers."""
    dotted = dotted_name(node.func)
    if dotted is None:
        return reader.unknown(node)
    module, _, name = dotted.rpartition(".")
    reader.note_old_module(node.lineno, module)
    read = next((method for test, method in _CALLS if test(name, dotted)), None)
    if read is None and is_keras_layer(reader, name, dotted):
        read = read_layer
    return read(reader, name, node) if read else reader.unknown(node)


def is_keras_layer(reader: Reading, name: str, dotted: str) -> bool:
    """Any other layer of keras.layers (Conv2D, MaxPooling2D, ...), named through keras.layers or imported
    from it (by name, or with `import *` when Keras has it): Keras builds it as written (a name Keras does not have is
    Keras's error to report)."""
    module = dotted.rpartition(".")[0]
    if not name[:1].isupper():
        return False
    if module:
        return module == "layers" or is_layers_module(module)
    return name in reader.keras_names or "*" in reader.keras_names and keras_has_layer(name)


def keras_has_layer(name: str) -> bool:
    """Whether the installed Keras has a layer of this name (a star import brings its layers, not the code's
    own)."""
    import keras  # only for a star import: the diagnosis that reads it loads Keras to build the model anyway

    return isinstance(getattr(keras.layers, name, None), type)


def read_quiet(reader: Reading, name: str, node: ast.Call) -> Any:
    return QUIET


def read_loss_object(reader: Reading, name: str, node: ast.Call) -> Any:
    """keras.losses.MeanSquaredError(), SparseCategoricalCrossentropy(from_logits=True): the loss (or metric)
    by its name; its arguments change no shape."""
    return DottedName(dotted_name(node.func))


def read_number(reader: Reading, name: str, node: ast.Call) -> Any:
    """int(100), float(0.5), abs(-3), round(2.0): a plain number from plain numbers."""
    given = reader.value(node.args[0]) if len(node.args) == 1 and not node.keywords else None
    if not isinstance(given, (int, float)) or isinstance(given, bool) or abs(given) > MAX_DIM * MAX_DIM:
        return reader.unknown(node)
    return {"int": int, "float": float, "abs": abs, "round": round}[name](given)


def read_keras1_merge(reader: Reading, name: str, node: ast.Call) -> Any:
    """Keras 1's merge([a, b], mode='sum', concat_axis=-1) -> the Keras 3 merge layer it meant (add, ...)."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    mode = reader.value(keywords["mode"]) if "mode" in keywords else "sum"
    function = KERAS1_MERGE_MODES.get(mode) if isinstance(mode, str) else None
    if function is None:
        return reader.unknown(node)
    read = read_merge_function(reader, function, _merge_meant(node, function))
    if not isinstance(read, Unknown):
        reader.old_call(node.lineno, "keras1_merge", reader.source(node), f"keras.layers.{function}([...])",
                        "merge")
    return read


def read_keras1_Merge(reader: Reading, name: str, node: ast.Call) -> Any:
    """Keras 1's Merge([left, right], mode='concat') of Sequential models, added first to a Sequential: each
    branch read as a functional model's from its own input, joined by the Keras 3 merge function it meant."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    mode = reader.value(keywords["mode"]) if "mode" in keywords else "sum"
    function = KERAS1_MERGE_MODES.get(mode) if isinstance(mode, str) else None
    branches = _branches(reader, node.args[0] if node.args else keywords.get("layers"))
    if function is None or branches is None:
        return reader.unknown(node)
    ends = tuple(graft(reader, branch) for branch in branches)
    layer = _merge_layer(reader, node, function)
    reader.count_layer(node.lineno)
    reader.old_call(node.lineno, "keras1_merge", reader.source(node), f"keras.layers.{function}([...])", "Merge")
    return reader.add_step(kind="layer", line=node.lineno, layer=layer, inputs=ends, listed=True, function=function)


def _merge_layer(reader: Reading, node: ast.Call, function: str) -> Layer | None:
    """The Keras 3 merge layer a Keras 1 Merge meant, with its other arguments (concat_axis as axis)."""
    kept = [k for k in _merge_meant(node, function).keywords if k.arg != "layers"]
    call = ast.copy_location(ast.Call(func=ast.Name(function), args=[], keywords=kept), node)
    return constructor(reader, next(c for c, f in MERGES.items() if f == function), call)


def _branches(reader: Reading, given: ast.expr | None) -> list[ModelValue] | None:
    """The Sequential models a Merge joins (marked as parts of the model), or None when they are not read."""
    items = [reader.value(item) for item in given.elts] if isinstance(given, (ast.List, ast.Tuple)) else []
    if len(items) < 2 or not all(isinstance(m, ModelValue) and m.kind == "sequential" and m.layers for m in items):
        return None
    for branch in items:
        branch.merged = True
    return items


def read_lambda(reader: Reading, name: str, node: ast.Call) -> Any:
    """Lambda(lambda x: x[:, -1]) or Lambda(a function of the code): its body is read where it is applied."""
    given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "function"), None)
    if isinstance(given, ast.Lambda) and given.args.args:
        body = ast.Return(value=given.body)
        function = ast.FunctionDef(name="<lambda>", args=given.args, body=[ast.copy_location(body, given.body)],
                                   decorator_list=[], returns=None, type_comment=None, lineno=given.lineno)
        return LambdaValue(function, node.lineno)
    value = reader.value(given) if given is not None else None
    if isinstance(value, FunctionValue) and value.node.args.args:
        return LambdaValue(value.node, node.lineno)
    return reader.unknown(node)


def apply_lambda(reader: Reading, value: LambdaValue, tensor: Tensor) -> Any:
    """A Lambda on a tensor: its function read with its first argument bound to the tensor; the tensor it
    gives back, or Unknown with the reason."""
    bound = "<the Lambda's input>"
    reader.env[bound] = tensor
    call = ast.Call(func=ast.Name(value.function.name), args=[ast.Name(bound)], keywords=[])
    try:
        result = run_function(reader, FunctionValue(value.function), call)
    finally:
        reader.env.pop(bound, None)
    if isinstance(result, Tensor):
        return result
    return result if isinstance(result, Unknown) else \
        Unknown("the Lambda's function gives back no tensor the doctor reads")


def _merge_meant(node: ast.Call, function: str) -> ast.Call:
    """merge([a, b], mode=..., concat_axis=1) written as the Keras 3 call: function([a, b], axis=1)."""
    kept = [k for k in node.keywords if k.arg not in ("mode", "concat_axis", "dot_axes")]
    axis = next((k.value for k in node.keywords if k.arg == "concat_axis"), None)
    if axis is not None and function == "concatenate":
        kept.append(ast.keyword(arg="axis", value=axis))
    return ast.copy_location(ast.Call(func=ast.Name(function), args=node.args[:1], keywords=kept), node)


def read_length(reader: Reading, name: str, node: ast.Call) -> Any:
    """len(X) or len(y): the number of samples."""
    given = reader.value(node.args[0]) if len(node.args) == 1 else None
    if not isinstance(given, LearnerData):
        return reader.unknown(node)
    return (reader.x_shape if given.which == "x" else reader.y_shape or (0,))[0]


def read_optimizer(reader: Reading, name: str, node: ast.Call) -> Any:
    return constructor(reader, name, node) or reader.unknown(node)


def constructor(reader: Reading, cls: str, node: ast.Call) -> Layer | None:
    """keras.layers.<cls>(...) with plain values; arguments that are not plain are left out (and noted)."""
    args = _positional(reader, cls, node)
    if args is None:
        return None
    layer = Layer(cls, tuple(args), tuple(_keywords(reader, cls, node)), node.lineno, reader.next_uid())
    too_big = next((v for v in ints_in(layer) if abs(v) > MAX_DIM), None)
    if too_big is not None:
        raise DoctorInputError(f"line {node.lineno}: {cls} has a size of {too_big:,}; the doctor takes sizes "
                               f"up to {MAX_DIM:,}")
    return layer


def _positional(reader: Reading, cls: str, node: ast.Call) -> list | None:
    """The values given by position; None (noted) when there are more than the doctor reads, or one is not
    plain: the layer is left out."""
    names = POSITIONAL.get(cls)
    if names is not None and len(node.args) > len(names):
        reader.skip(node, f"{cls}: the doctor reads at most {len(names)} arguments by position"
                          f"{' (' + ', '.join(names) + ')' if names else ''}; give the others by name")
        return None
    args = []
    for arg in node.args:
        value = reader.value(arg)
        if isinstance(arg, ast.Starred) or not is_plain(value):
            reader.skip(node, f"{cls}: the argument `{reader.source(arg)}` is not a plain value, so the layer "
                              "is left out", True)
            return None
        args.append(value)
    return args


def _keywords(reader: Reading, cls: str, node: ast.Call) -> list[tuple[str, Any]]:
    """The values given by name; one that is not plain is left out (and noted)."""
    kwargs = []
    for keyword in node.keywords:
        value = reader.value(keyword.value)
        if isinstance(value, DottedName) and keyword.arg and keyword.arg.endswith("activation"):
            value = value.dotted.rsplit(".", 1)[-1]  # activation=tf.nn.relu -> "relu"
        if keyword.arg is None or not is_plain(value):
            reader.skip(node, f"{cls}: `{reader.source(keyword.value)}` is not a plain value; argument "
                              f"{keyword.arg or '**'} left out",
                        keyword.arg is None or keyword.arg in SHAPE_ARGUMENTS)
            continue
        kwargs.append((keyword.arg, tuple(value) if isinstance(value, list) else value))
    return kwargs


def read_layer(reader: Reading, cls: str, node: ast.Call) -> Any:
    return constructor(reader, cls, node) or QUIET


def tensors(reader: Reading, node: ast.expr) -> tuple[tuple[Ref, ...], bool] | None:
    """What a layer is called on: one tensor, or a list of them (listed=True); None if not understood.
    A name bound to a list of tensors (states = [h, c]) is that list."""
    if not isinstance(node, (ast.List, ast.Tuple)):
        value = reader.value(node)
        if isinstance(value, (tuple, list)) and value and all(isinstance(v, Tensor) for v in value):
            return tuple(v.ref for v in value), True
        ref = _tensor_ref(reader, node, value)
        return None if ref is None else ((ref,), False)
    refs = []
    for item in node.elts:
        ref = _tensor_ref(reader, item, reader.value(item))
        if ref is None:
            return None
        refs.append(ref)
    return tuple(refs), True


def _tensor_ref(reader: Reading, item: ast.expr, value: Any) -> Ref | None:
    """The tensor an item stands for; an undefined name (before any input of X) stands for X."""
    if isinstance(value, Tensor):
        return value.ref
    if isinstance(item, ast.Name) and item.id not in reader.env and not inputs_from_x(reader):
        return x_input(reader, item.id, item.lineno).ref
    return None


def tupled(reader: Reading, node: ast.expr | None) -> bool:
    """A name bound to a one-item tuple of a tensor, as `x = LSTM(8)(x),` (a trailing comma) makes."""
    if not isinstance(node, ast.Name):
        return False
    value = reader.env.get(node.id)
    return isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], Tensor)


def inputs_from_x(reader: Reading) -> bool:
    return any(s.source == "x" for s in reader.steps)


def x_input(reader: Reading, name: str, line: int) -> Tensor:
    """An undefined name a layer is called on stands for X: an input of X's shape."""
    reader.notes.append(f"`{name}` is not defined in the code: the doctor took it as the input X, shape "
                      f"{reader.x_shape}.")
    tensor = reader.add_step(kind="input", line=line, layer=Layer("Input", kwargs=(("shape", reader.x_shape[1:]),)),
                           names=(name,), source="x")
    reader.env[name] = tensor
    return tensor


def apply_layer(reader: Reading, layer: Layer, node: ast.Call) -> Any:
    """A layer object called on tensors: one step of the model."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    given = node.args[0] if node.args else keywords.get("inputs", keywords.get("sequences"))
    called = tensors(reader, given) if given is not None else None
    if called is None:
        return reader.unknown(node)
    initial: tuple[Ref, ...] = ()
    if "initial_state" in keywords:
        states = tensors(reader, keywords["initial_state"])
        if states is None:
            return reader.unknown(node)
        initial = states[0]
    reader.count_layer(node.lineno)
    return reader.add_step(kind="layer", line=node.lineno, layer=layer, inputs=called[0], listed=called[1],
                         initial_state=initial, tupled=tupled(reader, given))


def read_input(reader: Reading, node: ast.Call) -> Any:
    layer = constructor(reader, "Input", node)
    if layer is None:
        return reader.unknown(node)
    if not (layer.has("shape") or layer.has("batch_shape")):
        return Unknown(f"line {node.lineno}: Input without a shape")
    return reader.add_step(kind="input", line=node.lineno, layer=layer, source="Input")


def read_merge_function(reader: Reading, name: str, node: ast.Call) -> Any:
    cls = next(c for c, f in MERGES.items() if f == name)
    given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "inputs"), None)
    called = tensors(reader, given) if isinstance(given, (ast.List, ast.Tuple)) else None
    if called is None:
        return reader.unknown(node)
    extra = ast.Call(func=node.func, args=[], keywords=[k for k in node.keywords if k.arg != "inputs"])
    ast.copy_location(extra, node)
    layer = constructor(reader, cls, extra)
    reader.count_layer(node.lineno)
    return reader.add_step(kind="layer", line=node.lineno, layer=layer, inputs=called[0], listed=True,
                         function=name)


def read_flip(reader: Reading, node: ast.Call) -> Any:
    """keras.ops.flip(t, axis=1), tf.reverse(t, axis=[1]), K.reverse(t, axes=1): reversing the time axis."""
    axis = next((reader.value(k.value) for k in node.keywords if k.arg in ("axis", "axes")),
                reader.value(node.args[1]) if len(node.args) > 1 else None)
    called = tensors(reader, node.args[0]) if node.args else None
    if axis not in (1, [1], (1,)) or called is None or called[1]:
        return reader.unknown(node)
    return reader.add_step(kind="flip", line=node.lineno, inputs=called[0])


def read_sequential(reader: Reading, node: ast.Call) -> Any:
    model = ModelValue("sequential", node.lineno)
    given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "layers"), None)
    if isinstance(given, (ast.List, ast.Tuple)):
        for item in given.elts:
            add_to(reader, model, reader.value(item), item)
    elif given is not None:
        return reader.unknown(node)
    reader.models.append(model)
    return model


def add_to(reader: Reading, model: ModelValue, value: Any, node: ast.expr) -> None:
    """A layer added to a Sequential model; a model's first item may also be an Input or a tensor made in the
    code (Keras 1's Merge); a Lambda is applied to the model's output so far."""
    if isinstance(value, Tensor) and (not model.layers or reader.steps[value.ref[0]].kind == "input"):
        model.layers.append(value)
    elif isinstance(value, Layer):
        reader.count_layer(value.line)
        model.layers.append(value)
    elif isinstance(value, LambdaValue) and model.layers:
        _add_lambda(reader, model, value, node)
    elif value is not QUIET:
        reader.skip(node, value.why if isinstance(value, Unknown) else "not a layer the doctor knows")


def _add_lambda(reader: Reading, model: ModelValue, value: LambdaValue, node: ast.expr) -> None:
    """A Lambda in a Sequential model: the model so far becomes steps, and the model goes on from the Lambda's
    tensor (a Lambda whose body is not read leaves the model unread from there)."""
    end = Tensor(graft(reader, model))
    reader.count_layer(value.line)
    result = apply_lambda(reader, value, end)
    model.layers[:] = [result if isinstance(result, Tensor) else end]
    if not isinstance(result, Tensor):
        reader.skip(node, f"Lambda: {result.why}", True)


def read_functional_model(reader: Reading, node: ast.Call) -> Any:
    """Model(inputs, outputs), or Keras 1's Model(input=..., output=...) (noted)."""
    given = _model_ends(node)
    if given is None:
        return reader.unknown(node)
    old = [k.arg for k in node.keywords if k.arg in ("input", "output")]
    if old:
        reader.old_call(node.lineno, "keras1_model_arguments", ", ".join(f"{k}=" for k in old),
                        ", ".join(f"{k}s=" for k in old), "Model")
    inputs, outputs = tensors(reader, given[0]), tensors(reader, given[1])
    if inputs is None or outputs is None:
        return reader.unknown(node)
    model = ModelValue("functional", node.lineno, inputs=inputs[0], outputs=outputs[0])
    reader.models.append(model)
    return model


def _model_ends(node: ast.Call) -> tuple[ast.expr, ast.expr] | None:
    """The inputs and outputs Model(...) is given, by position or by name (Keras 1's input=, output= too)."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    given = [node.args[i] if len(node.args) > i else keywords.get(key, keywords.get(key[:-1])) for i, key in
             enumerate(("inputs", "outputs"))]
    return None if given[0] is None or given[1] is None else (given[0], given[1])


def model_method(reader: Reading, model: ModelValue, method: str, node: ast.Call) -> Any:
    """model.add / compile / fit / reset_states / build(...), read for what they say about the model."""
    read = _MODEL_METHODS.get(method)
    if read is not None and (node.args or method not in ("add", "build")):
        read(reader, model, node, {k.arg: k.value for k in node.keywords if k.arg})
        return QUIET
    return QUIET if method in QUIET_CALLS else reader.unknown(node)


def model_add(reader: Reading, model: ModelValue, node: ast.Call, keywords: dict) -> None:
    model.added = True
    add_to(reader, model, reader.value(node.args[0]), node.args[0])


def model_compile(reader: Reading, model: ModelValue, node: ast.Call, keywords: dict) -> None:
    model.used = True
    read_compile(reader, node, keywords)


def model_fit(reader: Reading, model: ModelValue, node: ast.Call, keywords: dict) -> None:
    model.used = True
    batch = keywords.get("batch_size", node.args[2] if len(node.args) > 2 else None)
    value = reader.value(batch) if batch is not None else None
    reader.compiled["fit_batch"] = value if isinstance(value, int) and not isinstance(value, bool) else None
    shuffle = reader.value(keywords["shuffle"]) if "shuffle" in keywords else None
    reader.compiled["fit_shuffle"] = shuffle if isinstance(shuffle, bool) else None
    reader.compiled["fit_line"] = node.lineno


def model_reset(reader: Reading, model: ModelValue, node: ast.Call, keywords: dict) -> None:
    method = node.func.attr
    if (node.lineno, method) not in reader.resets:
        reader.resets.append((node.lineno, method))


def model_build(reader: Reading, model: ModelValue, node: ast.Call, keywords: dict) -> None:
    shape = reader.value(node.args[0])
    if isinstance(shape, (tuple, list)) and all(isinstance(d, int) or d is None for d in shape):
        model.built_shape = tuple(shape)


def read_compile(reader: Reading, node: ast.Call, keywords: dict[str, ast.expr]) -> None:
    loss = keywords.get("loss", node.args[1] if len(node.args) > 1 else None)
    if loss is not None:
        _read_loss(reader, node, loss)
    optimizer = keywords.get("optimizer", node.args[0] if node.args else None)
    if optimizer is not None:
        value = reader.value(optimizer)
        if isinstance(value, (str, Layer)):
            reader.compiled.update(optimizer=value, optimizer_line=node.lineno)


def _read_loss(reader: Reading, node: ast.Call, loss: ast.expr) -> None:
    """compile's loss, by its name: a string, a Keras loss function or object."""
    value = reader.value(loss)
    if isinstance(loss, ast.Name) and loss.id not in reader.env and _LOSS_FUNCTION.fullmatch(loss.id):
        value = DottedName(loss.id)  # a Keras loss function imported by its name
    value = value.dotted if isinstance(value, DottedName) else value
    if isinstance(value, str):
        reader.compiled.update(loss=value.rsplit(".", 1)[-1], loss_line=node.lineno)
    else:
        reader.skip(node, "the loss is not a name the doctor reads")


def run_function(reader: Reading, function: FunctionValue, node: ast.Call) -> Any:
    """A function defined in the code (say build_model) is read with its arguments bound."""
    if reader.depth >= MAX_CALL_DEPTH:
        return reader.unknown(node)
    reader.called.add(function.node.name)
    spec = function.node.args
    params = [a.arg for a in spec.args]
    defaults = dict(zip(params[len(params) - len(spec.defaults):], spec.defaults))
    saved = dict(reader.env)
    bound = {name: reader.value(value) for name, value in defaults.items()}
    bound.update({name: reader.value(arg) for name, arg in zip(params, node.args)})
    bound.update({k.arg: reader.value(k.value) for k in node.keywords if k.arg in params})
    reader.env.update(bound)
    reader.depth += 1
    try:
        reader.block(function.node.body)
        result = reader.returned if reader.returned is not None else QUIET
    finally:
        reader.depth -= 1
        reader.returned = None
        kept = {k: v for k, v in reader.env.items() if isinstance(v, FunctionValue)}
        reader.env = saved | kept
    return result


# A loss or metric made as an object: keras.losses.X(...), metrics.X(...), or a loss class by its name.
_LOSS_OBJECT = re.compile(r"\.(losses|metrics)\.\w+$|\.[A-Z]\w*(Crossentropy|Error|Hinge|Divergence|Huber|LogCosh|"
                          r"Poisson|Similarity)$")
_LOSS_FUNCTION = re.compile(r"mse|mae|mape|msle|kld|\w*(crossentropy|error|hinge|divergence|huber|logcosh|poisson)")

# A called name -> the function that reads the call (name, node); the first test that holds wins.
_CALLS = (
    (lambda name, dotted: name in QUIET_CALLS, read_quiet),
    (lambda name, dotted: name == "Input", lambda r, name, node: read_input(r, node)),
    (lambda name, dotted: name in POSITIONAL, read_layer),
    (lambda name, dotted: name == "Sequential", lambda r, name, node: read_sequential(r, node)),
    (lambda name, dotted: name in ("Model", "Functional"), lambda r, name, node: read_functional_model(r, node)),
    (lambda name, dotted: name in MERGES.values(), read_merge_function),
    (lambda name, dotted: name in ("flip", "reverse") and "." in dotted, lambda r, name, node: read_flip(r, node)),
    (lambda name, dotted: name == "len", read_length),
    (lambda name, dotted: name in OPTIMIZERS, read_optimizer),
    (lambda name, dotted: name == "merge", read_keras1_merge),
    (lambda name, dotted: name == "Merge", read_keras1_Merge),
    (lambda name, dotted: name == "Lambda", read_lambda),
    (lambda name, dotted: _LOSS_OBJECT.search(f".{dotted}") is not None, read_loss_object),
    (lambda name, dotted: dotted in ("int", "float", "abs", "round"), read_number),
)

# A model's method -> the function that reads the call (model, node, keywords).
_MODEL_METHODS = {"add": model_add, "compile": model_compile, "fit": model_fit,
                  "reset_states": model_reset, "reset_state": model_reset,
                  "build": model_build}
