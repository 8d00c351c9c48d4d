"""Older Keras idioms in the code as read (input_shape=, batch_input_shape=, Keras 1 argument names, lr=) ->
Keras 3: each a Finding whose repair translates it.
"""

from __future__ import annotations

import dataclasses

from rnnlab.doctor.catalogue import INPUT_ARGUMENTS, KEEPS_NAME, MISSPELT, REMOVED_LAYERS, RENAMED
from rnnlab.doctor.program import Layer, Legacy, Program, Step
from rnnlab.doctor.rule_kit import Finding, change_layer, wrapped_layers
from rnnlab.doctor.trial import Data, refusal
from rnnlab.doctor.verdict import Problem
from rnnlab.doctor.writing import layer_name, value_code


def translations(program: Program, data: Data) -> list[Finding]:
    """Keras 1/2 idioms in the code as read -> Keras 3 (each a Finding whose repair translates it)."""
    found: list[Finding] = []
    first = program.steps[1].id if program.style != "functional" and len(program.steps) > 1 else None
    implied = program.steps[0].source not in ("Input", "InputLayer", "x")
    for step in program.steps:
        if step.kind == "layer":
            found += _renamed(step)
            found += _input_arguments(program, step, first == step.id and implied)
        elif step.kind == "input" and isinstance(step.layer.get("shape"), int):
            size = step.layer.get("shape")
            found.append(Finding(Problem(
                "shape_not_a_tuple", f"keras.Input(shape={size}) on line {step.line}: a shape is a tuple, even with "
                "one axis; Keras 3 refuses a bare number.", f"keras.Input(shape=({size},))", step.line),
                lambda p, step=step, size=size: p.update(step.id, layer=step.layer.drop("shape").set("shape",
                                                                                                   (size,)))))
    found += [_legacy(item) for item in program.legacy]
    optimizer = program.optimizer
    if isinstance(optimizer, Layer) and optimizer.has("lr"):
        found.append(Finding(Problem(
            "optimizer_lr_removed", f"{optimizer.cls}(lr=...) uses the old name of the learning rate; Keras 3 "
            "does not accept lr.", f"{optimizer.cls}(learning_rate={optimizer.get('lr')!r})",
            program.optimizer_line),
            lambda p: dataclasses.replace(p, optimizer=p.optimizer.rename("lr", "learning_rate"))))
    return found


def _legacy(item: Legacy) -> Finding:
    """A Keras 1/2 call the reader took as the Keras 3 call it meant: Keras 3 refuses it as written."""
    said = refusal(item.check)
    keras_says = f" Keras 3 refuses it as written: \"{said}\"." if said else " Keras 3 refuses it as written."
    what = {"keras1_merge": f"{item.written} is Keras 1's merge, which Keras 3 no longer has; the doctor read it "
                            f"as {item.meant}.",
            "keras1_model_arguments": f"Model({item.written.replace('=', '=...')}) uses Keras 1's argument names; "
                                      f"Keras 3 takes {item.meant} and the doctor read them so.",
            "old_module_path": f"{item.written} is a Keras 1/2 module path; Keras 3's layers are all in "
                               f"{item.meant}, where the doctor looked them up."}[item.kind]
    return Finding(Problem(item.kind, what + keras_says, f"{item.meant} instead of {item.written}", item.line),
                   lambda p: p)


def _renamed(step: Step) -> list[Finding]:
    found = []
    for layer in wrapped_layers(step.layer):
        if layer.cls in REMOVED_LAYERS:
            now = REMOVED_LAYERS[layer.cls]
            found.append(Finding(Problem(
                "layer_removed", f"Keras 3 has no {layer.cls} (line {layer.line}): {now} uses the cuDNN kernel by "
                "itself on a GPU when its options allow it.", f"{now}(...) instead of {layer.cls}(...)", layer.line),
                change_layer(step.id, lambda lay: dataclasses.replace(lay, cls=REMOVED_LAYERS.get(lay.cls, lay.cls)),
                        f"{now}: Keras 3 has no {layer.cls}")))
        old = [k for k, _ in layer.kwargs if k in RENAMED and (layer.cls, k) not in KEEPS_NAME]
        typos = [k for k, _ in layer.kwargs if k in MISSPELT]
        if old:
            says = ", ".join(f"{k}= is now {RENAMED[k]}=" if RENAMED[k] else f"{k}= is gone" for k in old)
            extra = " Keras 3 layers take (batch, timesteps, features) only: transpose X to that order." \
                if "time_major" in old else ""
            found.append(Finding(Problem(
                "keras1_argument", f"The {layer.cls} on line {layer.line} uses argument names from Keras 1 that "
                f"Keras 3 does not accept: {says}.{extra}",
                ", ".join(f"{RENAMED[k]}= instead of {k}=" if RENAMED[k] else f"leave out {k}=" for k in old),
                layer.line), change_layer(step.id, lambda lay, old=old: _rename_all(lay, old, RENAMED),
                                     "Keras 3 argument names")))
        if typos:
            found.append(Finding(Problem(
                "misspelt_argument", f"The {layer.cls} on line {layer.line} has an argument Keras does not know: "
                f"{', '.join(typos)} (a misspelling). Keras 3 refuses unknown arguments.",
                ", ".join(f"{MISSPELT[k]}= instead of {k}=" for k in typos), layer.line),
                change_layer(step.id, lambda lay, typos=typos: _rename_all(lay, typos, MISSPELT), "spelling")))
    return found


def _rename_all(layer: Layer, names: list[str], table: dict[str, str | None]) -> Layer:
    for name in names:
        if layer.has(name) and (layer.cls, name) not in KEEPS_NAME:
            layer = layer.rename(name, table[name]) if table[name] else layer.drop(name)
    return layer


def _input_arguments(program: Program, step: Step, first: bool) -> list[Finding]:
    given = {k: v for layer in wrapped_layers(step.layer) for k, v in layer.kwargs if k in INPUT_ARGUMENTS
             and not (layer.cls == "Embedding" and k == "input_dim")}
    if not given:
        return []
    written = ", ".join(f"{k}={value_code(v)}" for k, v in given.items())
    refused = [k for k in given if k in ("batch_input_shape", "batch_size")
               or k == "input_length" and step.layer.cls != "Embedding"
               or k == "input_dim" and (step.layer.recurrent or step.layer.cls in ("Conv1D", "TimeDistributed"))]
    drop = change_layer(step.id, lambda layer: layer.drop(*INPUT_ARGUMENTS) if layer.cls != "Embedding" else
                   layer.drop("input_shape", "batch_input_shape", "input_length", "batch_size"))
    name = layer_name(step.layer)
    if not first:
        return [Finding(Problem(
            "ignored_input_shape", f"{written} on the {name} on line {step.line}: only the model's first layer "
            "can say the input's shape. " + ("Keras 3 refuses this argument." if refused else
                                             "Keras ignores it here without a word."),
            f"leave out {written}", step.line, "error" if refused else "warning"), drop)]
    entry = program.steps[0]
    kind, shape = entry.shape_arg
    input_code = f"keras.Input({kind}={value_code(shape)})"

    def repair(p: Program) -> Program:
        p = drop(p)
        return p.update(entry.id, f"instead of {written} on the {name}", source="Input")

    if "batch_input_shape" in given or "batch_size" in given:
        problem = Problem("batch_input_shape_removed", f"{written} on the {name} (line {step.line}) is a Keras 2 "
                          "argument that Keras 3 no longer accepts. The fixed batch size it carried (which stateful "
                          "layers need) now goes on the model's input.", f"{input_code} as the first item, and "
                          f"no {', '.join(given)} on the {name}", step.line)
    elif refused:
        problem = Problem("input_argument_removed", f"{written} on the {name} (line {step.line}): Keras 3 no longer "
                          "reads these arguments on a layer" + (" (input_dim=F alone becomes a sample shape (F,), "
                                                                "with no time axis)" if "input_dim" in given else "")
                          + ".", f"{input_code} as the first item, and no {', '.join(given)} on the {name}",
                          step.line)
    elif step.layer.cls == "Embedding" and "input_shape" not in given:
        problem = Problem("input_shape_argument", f"{written} on the {name} (line {step.line}): Keras 3 ignores "
                          "input_length (it warns that the argument is deprecated); the input's shape comes from an "
                          "Input as the model's first item.", f"{input_code} as the first item, and no "
                          f"{', '.join(given)} on the {name}", step.line, "warning")
    else:
        problem = Problem("input_shape_argument", f"{written} on the {name} (line {step.line}) still works in Keras "
                          "3, but Keras warns about it: the Keras 3 way is an Input as the model's first item.",
                          f"{input_code} as the first item, and no {', '.join(given)} on the {name}", step.line,
                          "warning")
    return [Finding(problem, repair)]
