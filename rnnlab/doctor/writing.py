"""A Program -> runnable Keras 3 code (keras.Input first, never input_shape=), in the learner's own style:
a Sequential list stays a list, a model.add chain stays a chain, functional code keeps its names.

    >>> from rnnlab.doctor.program import Layer
    >>> layer_code(Layer("LSTM", (8,), (("return_sequences", True),)))
    'keras.layers.LSTM(8, return_sequences=True)'
"""

from __future__ import annotations

from typing import Any

from rnnlab.codegen import RESET
from rnnlab.doctor.catalogue import OPTIMIZERS
from rnnlab.doctor.program import ASSUMED_LOSS, Layer, Program, Ref, Step


def value_code(value: Any) -> str:
    if isinstance(value, Layer):
        return layer_code(value)
    if isinstance(value, (tuple, list)):
        items = ", ".join(value_code(v) for v in value)
        if isinstance(value, list):
            return f"[{items}]"
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(value)


def _arguments(layer: Layer, full: bool = True) -> str:
    parts = [value_code(a) if full or not isinstance(a, Layer) else short(a) for a in layer.args]
    parts += [f"{k}={value_code(v) if full or not isinstance(v, Layer) else short(v)}" for k, v in layer.kwargs]
    return ", ".join(parts)


def layer_code(layer: Layer) -> str:
    """keras.layers.LSTM(8, return_sequences=True); keras.Input(shape=(5, 3)); keras.optimizers.Adam(...)."""
    module = "keras." if layer.cls == "Input" else "keras.optimizers." if layer.cls in OPTIMIZERS else "keras.layers."
    return f"{module}{layer.cls}({_arguments(layer)})"


def short(layer: Layer) -> str:
    """The constructor without the module, for tables and messages: LSTM(8, return_sequences=True)."""
    return f"{layer.cls}({_arguments(layer, full=False)})"


def step_label(step: Step) -> str:
    if step.kind == "flip":
        return "flip(axis=1)"
    if step.kind == "last":
        return "[:, -1] (last timestep)"
    if step.kind == "input":
        kind, shape = step.shape_arg
        return f"Input({kind}={value_code(shape)})"
    return short(step.layer)


class _Names:
    """The name each step's result goes by in the written code."""

    def __init__(self, program: Program):
        self.program = program
        self.given: dict[int, tuple[str, ...]] = {s.id: s.names for s in program.steps if s.names}
        self.taken = {n for names in self.given.values() for n in names}

    def of(self, step: Step) -> tuple[str, ...]:
        """The learner's names, or a made-up one for a result the code never named."""
        if step.id not in self.given:
            base = {"input": "inputs", "flip": "flipped", "last": "last_step"}.get(step.kind) or step.layer.cls.lower()
            name = base if base not in self.taken else f"{base}_{step.id}"
            self.taken.add(name)
            self.given[step.id] = (name,)
        return self.given[step.id]

    def ref(self, ref: Ref) -> str:
        step = self.program.step(ref[0])
        names = self.of(step)
        if ref[1] is None:
            return names[0] if len(names) == 1 else f"[{', '.join(names)}]"
        if step.unpacked and ref[1] < len(names):
            return names[ref[1]]
        return f"{names[0]}[{ref[1]}]"


def _with_comment(code: str, step: Step) -> str:
    return f"{code}  # {step.comment}" if step.comment else code


def _sequential(program: Program) -> list[str]:
    model = program.model_var
    items = []
    for step in program.steps:
        code = layer_code(step.layer) if step.kind != "input" else f"keras.Input({step.shape_arg[0]}="\
            f"{value_code(step.shape_arg[1])})"
        items.append((code, step))
    if program.style == "sequential_add":
        return [f"{model} = keras.Sequential()"] + [_with_comment(f"{model}.add({code})", s) for code, s in items]
    lines = [f"{model} = keras.Sequential(["]
    lines += [_with_comment(f"    {code},", s) for code, s in items]
    return lines + ["])"]


def _functional(program: Program) -> list[str]:
    names = _Names(program)
    defined: set[int] = set()
    lines = []
    for step in program.steps:
        given = [names.ref(r) for r in step.inputs]
        x = f"[{', '.join(given)}]" if step.listed else (given[0] if given else "")
        if step.kind == "input":
            call = f"keras.Input({step.shape_arg[0]}={value_code(step.shape_arg[1])})"
        elif step.kind == "flip":
            call = f"keras.ops.flip({x}, axis=1)"
        elif step.kind == "last":
            call = f"{x}[:, -1]"
        elif step.function:
            extra = _arguments(step.layer)
            call = f"keras.layers.{step.function}({x}{', ' + extra if extra else ''})"
        else:
            extra = f", initial_state=[{', '.join(names.ref(r) for r in step.initial_state)}]" \
                if step.initial_state else ""
            if step.layer.var:
                if step.layer.uid not in defined:
                    lines.append(f"{step.layer.var} = {layer_code(step.layer)}")
                    defined.add(step.layer.uid)
                call = f"{step.layer.var}({x}{extra})"
            else:
                call = f"{layer_code(step.layer)}({x}{extra})"
        lines.append(_with_comment(f"{', '.join(names.of(step))} = {call}", step))
    if program.has_model:
        ins = [names.of(s)[0] for s in program.inputs]
        outs = [names.ref(r) for r in program.output_refs()]
        pick = lambda items: items[0] if len(items) == 1 else f"[{', '.join(items)}]"  # noqa: E731
        lines.append(f"{program.model_var} = keras.Model({pick(ins)}, {pick(outs)})")
    return lines


def _fit_comment(program: Program) -> list[str]:
    stateful = any(s.layer is not None and s.layer.recurrent and s.layer.flag("stateful") for s in program.steps)
    if program.fit_line is None and not stateful:
        return []
    args = [f"batch_size={program.fit_batch}"] if program.fit_batch else []
    args += ["shuffle=False"] if program.fit_shuffle is False else []
    return [f"# then train: {program.model_var}.fit(X, y{''.join(', ' + a for a in args)}, epochs=...)"]


def program_code(program: Program) -> str:
    """The whole program: import, the model, compile, then the training and reset lines it needs."""
    lines = ["import keras", ""]
    lines += _sequential(program) if program.style != "functional" else _functional(program)
    if program.has_model:
        optimizer = value_code(program.optimizer)
        compiled = f"{program.model_var}.compile(optimizer={optimizer}, loss={(program.loss or ASSUMED_LOSS)!r})"
        lines.append(compiled if program.loss else f"{compiled}  # no loss given: the doctor trained it with "
                     f"{ASSUMED_LOSS}; choose yours")
        lines += _fit_comment(program)
    if program.reset_loop:
        lines += [""] + RESET.replace("model.layers", f"{program.model_var}.layers").splitlines()
    return "\n".join(lines) + "\n"


def layer_name(layer: Layer) -> str:
    """How messages name a layer: 'LSTM', or 'Bidirectional(LSTM)'."""
    return f"{layer.cls}({layer.inner.cls})" if layer.inner else layer.cls
