"""Older Keras idioms in the code as read (input_shape=, batch_input_shape=, Keras 1 argument names, lr=) ->
Keras 3: each a Finding whose repair translates it; what is said about each is in wording.WORDINGS.
"""

from __future__ import annotations

import dataclasses

from rnnlab.doctor.catalogue import (INPUT_ARGUMENTS, KEEPS_NAME, MISSPELT, READS_SEQUENCES, REMOVED_LAYERS,
                                     RENAMED)
from rnnlab.doctor.program import Layer, Legacy, Program, Step
from rnnlab.doctor.rule_kit import Finding, change_layer, wrapped_layers
from rnnlab.doctor.trial import Data, refusal
from rnnlab.doctor.wording import part, said
from rnnlab.doctor.writing import layer_name, value_code


def translations(program: Program, data: Data) -> list[Finding]:
    """Keras 1/2 idioms in the code as read -> Keras 3 (each a Finding whose repair translates it)."""
    found: list[Finding] = []
    for step in program.steps:
        if step.kind == "layer":
            found += _renamed(step)
            found += _input_arguments(program, step, _implied_entry(program, step))
        elif step.kind == "input" and isinstance(step.layer.get("shape"), int):
            found.append(_bare_shape(step))
    found += [_legacy(item) for item in program.legacy]
    found += [Finding(said("misspelt_name", line, written=written, meant=meant, line=line), lambda p: p)
              for line, written, meant in program.misspelt]
    return found + _learning_rate(program)


def _bare_shape(step: Step) -> Finding:
    """keras.Input(shape=5): a shape that is not a tuple."""
    size = step.layer.get("shape")
    return Finding(said("shape_not_a_tuple", step.line, size=size, line=step.line),
                   lambda p: p.update(step.id, layer=step.layer.drop("shape").set("shape", (size,))))


def _learning_rate(program: Program) -> list[Finding]:
    """Adam(lr=...): the old name of the learning rate."""
    optimizer = program.optimizer
    if not isinstance(optimizer, Layer) or not optimizer.has("lr"):
        return []
    return [Finding(said("optimizer_lr_removed", program.optimizer_line, optimizer=optimizer.cls,
                         rate=repr(optimizer.get("lr"))),
                    lambda p: dataclasses.replace(p, optimizer=p.optimizer.rename("lr", "learning_rate")))]


def _legacy(item: Legacy) -> Finding:
    """A Keras 1/2 call the reader took as the Keras 3 call it meant: Keras 3 refuses it as written."""
    refused = refusal(item.check)
    keras_says = f" Keras 3 refuses it as written: \"{refused}\"." if refused else " Keras 3 refuses it as written."
    return Finding(said(item.kind, item.line, written=item.written, meant=item.meant, keras_says=keras_says,
                        written_calls=item.written.replace("=", "=...")), lambda p: p)


def _renamed(step: Step) -> list[Finding]:
    """Layers Keras 3 no longer has, argument names from Keras 1, and misspelt arguments."""
    found = []
    for layer in wrapped_layers(step.layer):
        if layer.cls in REMOVED_LAYERS:
            now = REMOVED_LAYERS[layer.cls]
            found.append(Finding(said("layer_removed", layer.line, cls=layer.cls, line=layer.line, now=now),
                                 change_layer(step.id, _current_layer, f"{now}: Keras 3 has no {layer.cls}")))
        found += _old_names(step, layer) + _typos(step, layer)
    return found


def _current_layer(layer: Layer) -> Layer:
    return dataclasses.replace(layer, cls=REMOVED_LAYERS.get(layer.cls, layer.cls))


def _old_names(step: Step, layer: Layer) -> list[Finding]:
    old = [k for k, _ in layer.kwargs if k in RENAMED and (layer.cls, k) not in KEEPS_NAME]
    if not old:
        return []
    says = ", ".join(f"{k}= is now {RENAMED[k]}=" if RENAMED[k] else f"{k}= is gone" for k in old)
    extra = part("time_major") if "time_major" in old else ""
    renames = ", ".join(f"{RENAMED[k]}= instead of {k}=" if RENAMED[k] else f"leave out {k}=" for k in old)
    return [Finding(said("keras1_argument", layer.line, cls=layer.cls, line=layer.line, says=says, extra=extra,
                         renames=renames),
                    change_layer(step.id, lambda lay: _rename_all(lay, old, RENAMED), "Keras 3 argument names"))]


def _typos(step: Step, layer: Layer) -> list[Finding]:
    typos = [k for k, _ in layer.kwargs if k in MISSPELT]
    if not typos:
        return []
    return [Finding(said("misspelt_argument", layer.line, cls=layer.cls, line=layer.line, typos=", ".join(typos),
                         renames=", ".join(f"{MISSPELT[k]}= instead of {k}=" for k in typos)),
                    change_layer(step.id, lambda lay: _rename_all(lay, typos, MISSPELT), "spelling"))]


def _rename_all(layer: Layer, names: list[str], table: dict[str, str | None]) -> Layer:
    for name in names:
        if layer.has(name) and (layer.cls, name) not in KEEPS_NAME:
            layer = layer.rename(name, table[name]) if table[name] else layer.drop(name)
    return layer


def _implied_entry(program: Program, step: Step) -> Step | None:
    """The input a layer's own arguments gave the model (the layer is a model's first), or None."""
    entry = program.producer(step.inputs[0]) if step.inputs and not step.listed else None
    return entry if entry is not None and entry.kind == "input" and \
        entry.source not in ("Input", "InputLayer", "x") else None


def _input_arguments(program: Program, step: Step, entry: Step | None) -> list[Finding]:
    """input_shape=, batch_input_shape=, input_dim=, input_length= on a layer: where Keras 3 wants an Input
    (entry: the input the layer's arguments gave, when it is the model's first)."""
    given = _input_given(step)
    if not given:
        return []
    facts = dict(written=", ".join(f"{k}={value_code(v)}" for k, v in given.items()), name=layer_name(step.layer),
                 line=step.line, names=", ".join(given))
    refused = _refused(step, given)
    drop = change_layer(step.id, _without_input_arguments)
    if entry is None:
        return [Finding(said("ignored_input_shape:" + ("refused" if refused else "ignored"), step.line,
                             "error" if refused else "warning", **facts), drop)]
    kind, shape = entry.shape_arg

    def repair(p: Program) -> Program:
        return drop(p).update(entry.id, f"instead of {facts['written']} on the {facts['name']}", source="Input")

    wording = _input_wording(step, given, refused)
    severity = "warning" if wording.startswith("input_shape_argument") else "error"
    return [Finding(said(wording, step.line, severity, input_code=f"keras.Input({kind}={value_code(shape)})",
                         **facts), repair)]


def _input_given(step: Step) -> dict:
    """The input arguments on a layer (or the layer it wraps); an Embedding's input_dim is its vocabulary."""
    return {k: v for layer in wrapped_layers(step.layer) for k, v in layer.kwargs if k in INPUT_ARGUMENTS
            and not (layer.cls == "Embedding" and k == "input_dim")}


def _refused(step: Step, given: dict) -> bool:
    """Whether Keras 3 refuses one of these input arguments on this layer (rather than warning)."""
    sequence = step.layer.recurrent or step.layer.cls in READS_SEQUENCES
    return any(k in ("batch_input_shape", "batch_size") or k == "input_length" and step.layer.cls != "Embedding"
               or k == "input_dim" and sequence for k in given)


def _without_input_arguments(layer: Layer) -> Layer:
    if layer.cls == "Embedding":
        return layer.drop("input_shape", "batch_input_shape", "input_length", "batch_size")
    return layer.drop(*INPUT_ARGUMENTS)


def _input_wording(step: Step, given: dict, refused: bool) -> str:
    """Which wording says what is wrong with input arguments on the model's first layer."""
    if "batch_input_shape" in given or "batch_size" in given:
        return "batch_input_shape_removed"
    if refused:
        return "input_argument_removed:input_dim" if "input_dim" in given else "input_argument_removed"
    if step.layer.cls == "Embedding" and "input_shape" not in given:
        return "input_shape_argument:embedding"
    return "input_shape_argument"
