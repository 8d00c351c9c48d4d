"""The problems the doctor knows: each a kind, plain words, the smallest fix, and that fix as a function
Program -> Program.

`translations` turn older Keras idioms into Keras 3 (input_shape=, batch_input_shape=, Keras 1 argument
names). `findings` compare what Keras built (a trial.Built) with X, y and the loss. What Keras says or does
is read from the trial run, never assumed; the tests check each explanation against the installed Keras.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import keras

from rnnlab import architecture
from rnnlab.doctor.catalogue import INPUT_ARGUMENTS, KEEPS_NAME, MERGES, MISSPELT, PER_STEP, REMOVED_LAYERS, RENAMED
from rnnlab.doctor.program import Layer, Program, Ref, Shape, Step
from rnnlab.doctor.trial import Built, Data, ref_shapes
from rnnlab.doctor.verdict import Problem, fmt
from rnnlab.doctor.writing import layer_name, value_code

_CONFIG_NAMES = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn"}


@dataclass(frozen=True)
class Finding:
    problem: Problem
    repair: Callable[[Program], Program] | None = None


def loss_family(loss: str | None) -> str:
    """'sparse', 'categorical', 'binary' or 'elementwise' (mse, mae, ...: Keras broadcasts these)."""
    key = re.sub(r"[^a-z]", "", (loss or "mse").lower())
    if key.startswith("sparsecategorical"):
        return "sparse"
    if "categorical" in key:
        return "categorical"
    return "binary" if "binary" in key else "elementwise"


def _map_layer(layer: Layer, change: Callable[[Layer], Layer]) -> Layer:
    """change applied to the layer and to the layer it wraps."""
    inner = layer.inner
    layer = change(layer)
    return layer.set("layer", _map_layer(inner, change)) if inner else layer


def _layers(layer: Layer) -> Iterator[Layer]:
    yield layer
    if layer.inner:
        yield from _layers(layer.inner)


def _change(step_id: int, change: Callable[[Layer], Layer], comment: str = "") -> Callable[[Program], Program]:
    return lambda p: p.update(step_id, comment, layer=_map_layer(p.step(step_id).layer, change))


def _set_flag(step_id: int, name: str, on: bool, comment: str) -> Callable[[Program], Program]:
    return lambda p: p.update(step_id, comment, layer=p.step(step_id).layer.set_flag(name, on))


# --- older idioms ---------------------------------------------------------------------------

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
    optimizer = program.optimizer
    if isinstance(optimizer, Layer) and optimizer.has("lr"):
        found.append(Finding(Problem(
            "optimizer_lr_removed", f"{optimizer.cls}(lr=...) uses the old name of the learning rate; Keras 3 "
            "does not accept lr.", f"{optimizer.cls}(learning_rate={optimizer.get('lr')!r})",
            program.optimizer_line),
            lambda p: dataclasses.replace(p, optimizer=p.optimizer.rename("lr", "learning_rate"))))
    return found


def _renamed(step: Step) -> list[Finding]:
    found = []
    for layer in _layers(step.layer):
        if layer.cls in REMOVED_LAYERS:
            now = REMOVED_LAYERS[layer.cls]
            found.append(Finding(Problem(
                "layer_removed", f"Keras 3 has no {layer.cls} (line {layer.line}): {now} uses the cuDNN kernel by "
                "itself on a GPU when its options allow it.", f"{now}(...) instead of {layer.cls}(...)", layer.line),
                _change(step.id, lambda lay: dataclasses.replace(lay, cls=REMOVED_LAYERS.get(lay.cls, lay.cls)),
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
                layer.line), _change(step.id, lambda lay, old=old: _rename_all(lay, old, RENAMED),
                                     "Keras 3 argument names")))
        if typos:
            found.append(Finding(Problem(
                "misspelt_argument", f"The {layer.cls} on line {layer.line} has an argument Keras does not know: "
                f"{', '.join(typos)} (a misspelling). Keras 3 refuses unknown arguments.",
                ", ".join(f"{MISSPELT[k]}= instead of {k}=" for k in typos), layer.line),
                _change(step.id, lambda lay, typos=typos: _rename_all(lay, typos, MISSPELT), "spelling")))
    return found


def _rename_all(layer: Layer, names: list[str], table: dict[str, str | None]) -> Layer:
    for name in names:
        if layer.has(name) and (layer.cls, name) not in KEEPS_NAME:
            layer = layer.rename(name, table[name]) if table[name] else layer.drop(name)
    return layer


def _input_arguments(program: Program, step: Step, first: bool) -> list[Finding]:
    given = {k: v for layer in _layers(step.layer) for k, v in layer.kwargs if k in INPUT_ARGUMENTS
             and not (layer.cls == "Embedding" and k == "input_dim")}
    if not given:
        return []
    written = ", ".join(f"{k}={value_code(v)}" for k, v in given.items())
    refused = [k for k in given if k in ("batch_input_shape", "batch_size")
               or k == "input_length" and step.layer.cls != "Embedding"
               or k == "input_dim" and (step.layer.recurrent or step.layer.cls in ("Conv1D", "TimeDistributed"))]
    drop = _change(step.id, lambda layer: layer.drop(*INPUT_ARGUMENTS) if layer.cls != "Embedding" else
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


# --- what Keras built, against X, y and the loss ------------------------------------------------

def findings(program: Program, built: Built, data: Data) -> list[Finding]:
    found: list[Finding] = []
    for rule in (_unknown_arguments, _unpacking, _states_into_layer, _backwards_in_bidirectional, _needs_sequence,
                 _needs_feature_axis, _merge_shapes, _batch_in_input_shape, _input_vs_x, _several_outputs,
                 _output_vs_y, _stateful, _go_backwards, _reset_states):
        found += rule(program, built, data)
    if built.error and not any(f.problem.severity == "error" for f in found):
        step = program.step(built.error_step) if built.error_step is not None else None
        found.append(Finding(Problem(
            "keras_error", "Keras stops here, and the doctor has no simpler explanation than its own message: "
            f"{built.error}", "read Keras's message: it names the layer and the shapes it received",
            step.line if step else program.fit_line or program.loss_line)))
    return found


def _ref_shape(built: Built, ref: Ref) -> Shape | None:
    """The shape of the one tensor a ref stands for (None if unknown, or several)."""
    found = ref_shapes(built.shapes, ref) if ref[0] in built.shapes else ()
    return found[0] if len(found) == 1 else None


def _source(program: Program, ref: Ref) -> tuple[Step, bool]:
    """The step a tensor comes from through per-timestep layers, and whether a flip was passed."""
    flipped = False
    step = program.producer(ref)
    while step.kind == "flip" or step.kind == "layer" and step.layer.cls in PER_STEP and step.inputs:
        flipped |= step.kind == "flip"
        step = program.producer(step.inputs[0])
    return step, flipped


def _upstream(program: Program, ref: Ref) -> tuple[Step | None, bool]:
    """The recurrent layer a tensor comes from through per-timestep layers, and whether a flip was passed."""
    step, flipped = _source(program, ref)
    return (step if step.kind == "layer" and step.layer.recurrent else None), flipped


def _regroup(p: Program, step_id: int, old: tuple[str, ...], new: tuple[str, ...], joined: bool = False) -> Program:
    """A step that now returns the tensors `new` names (it returned those `old` names): every use of one of its
    tensors follows that tensor's name; one tensor left is used whole. joined: its tensors became that one."""
    def moved(ref: Ref) -> Ref:
        if ref[0] == step_id and joined:
            return (step_id, None)
        if ref[0] != step_id or ref[1] is None or ref[1] >= len(old) or old[ref[1]] not in new:
            return ref
        index = new.index(old[ref[1]])
        return (step_id, None if len(new) == 1 else index)

    for step in p.steps:
        inputs, states = tuple(map(moved, step.inputs)), tuple(map(moved, step.initial_state))
        if (inputs, states) != (step.inputs, step.initial_state):
            if step.listed and len(set(inputs)) < len(inputs):  # the parts it took are now one tensor
                inputs = tuple(dict.fromkeys(inputs))
            p = p.update(step.id, inputs=inputs, initial_state=states, listed=step.listed and len(inputs) > 1)
    p = dataclasses.replace(p, outputs=tuple(map(moved, p.outputs)))
    return p.update(step_id, names=new, unpacked=len(new) > 1)


def _consequence(built: Built, loss: str | None) -> str:
    if built.trained:
        spread = " (it broadcasts y against the output)" if loss_family(loss) == "elementwise" else ""
        return f" Keras 3 does not complain: one training step ran with {loss or 'mse'}{spread}, so the model " \
               "would learn the wrong thing."
    if built.error_phase == "train":
        return " Keras stops at the first training step (its message is shown)."
    return ""


def _unknown_arguments(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        match = re.search(r"Unrecognized keyword arguments passed to (\w+): \{(.*)\}", message, re.S)
        if match:
            names = re.findall(r"'(\w+)':", match.group(2))
            step = program.step(step_id)
            found.append(Finding(Problem(
                "unknown_argument", f"The {match.group(1)} on line {step.line} gets arguments Keras 3 does not know: "
                f"{', '.join(names)}.", f"leave out {', '.join(names)}", step.line),
                _change(step_id, lambda layer, names=names: layer.drop(*names), f"without {', '.join(names)}")))
    return found


def _standard_names(layer: Layer) -> tuple[str, ...]:
    """What the app calls the tensors a recurrent layer returns, in Keras's order."""
    core = layer.core
    merge = layer.get("merge_mode", "concat") if layer.cls == "Bidirectional" else "concat"
    config = SimpleNamespace(layer=_CONFIG_NAMES.get(core.cls, "lstm"), return_sequences=core.flag("return_sequences"),
                             return_state=core.flag("return_state"), bidirectional=layer.cls == "Bidirectional",
                             merge_mode="none" if merge is None else merge)
    return architecture.returned_names(config)


def _unpacking(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        step = program.step(step_id)
        if not step.unpacked or step_id not in built.counts:
            continue
        wanted, count, layer = len(step.names), built.counts[step_id], step.layer
        written = f"{', '.join(step.names)} = ..."
        if layer.recurrent and layer.core.cls in _CONFIG_NAMES:
            with_states = _standard_names(layer.with_core(layer.core.set("return_state", True)))
            if count == 1 and not layer.flag("return_state") and wanted == len(with_states):
                found.append(Finding(Problem(
                    "unpack_count", f"`{written}` on line {step.line} asks for {wanted} tensors, but without "
                    f"return_state=True the {layer_name(layer)} returns one tensor (Python: {message}). With "
                    f"return_state=True it returns {wanted}: {', '.join(with_states)}.",
                    f"return_state=True on the {layer_name(layer)}", step.line),
                    _set_flag(step_id, "return_state", True, "return_state=True: it returns the states too")))
                continue
            standard = _standard_names(layer)
        else:
            standard = tuple(f"{step.names[0]}_{i}" for i in range(count))
        keep = (2 if layer.get("merge_mode", "concat") is None else 1) if layer.cls == "Bidirectional" \
            else min(wanted, count)
        names = tuple(step.names[:keep]) + tuple(standard[keep:count]) if count > 1 else step.names[:1]
        returned = f"{count} tensors: {', '.join(standard[:count])}" if count > 1 else "one tensor"
        note = " The states are not merged: each direction keeps its own h (and c)." \
            if layer.cls == "Bidirectional" and count > 1 else ""
        found.append(Finding(Problem(
            "unpack_count", f"`{written}` on line {step.line} names {wanted} tensors, but the {layer_name(layer)} "
            f"returns {returned} (Python: {message}).{note}", f"{', '.join(names)} = ...", step.line),
            lambda p, step_id=step_id, names=names: _regroup(p.update(step_id, f"it returns {len(names)} tensors"),
                                                             step_id, p.step(step_id).names, names)))
    return found


def _states_into_layer(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        step = program.step(step_id)
        if "expects 1 input(s), but it received" not in message or not step.inputs:
            continue
        source = program.producer(step.inputs[0])
        if source.kind != "layer":
            continue
        name, later = layer_name(source.layer), layer_name(step.layer)
        if source.layer.cls == "Bidirectional" and source.layer.has("merge_mode") and \
                source.layer.get("merge_mode") is None and not source.layer.flag("return_state"):
            found.append(Finding(Problem(
                "merge_mode_none_into_layer", f"The {name} on line {source.line} has merge_mode=None, so it returns "
                f"its two directions as two tensors, but the {later} on line {step.line} takes one tensor.",
                f"a merge mode on the {name}: merge_mode='concat' (the default), 'sum', 'mul' or 'ave'", source.line),
                _merge_directions(source.id)))
            continue
        if not source.layer.flag("return_state"):
            continue
        if program.style != "functional":
            repair = _set_flag(source.id, "return_state", False, "no return_state: Sequential passes one tensor on")
            fix = f"remove return_state=True from the {name} on line {source.line}; to get its states, use the " \
                  "functional API"
        else:
            def repair(p: Program, step_id: int = step_id, ref: Ref = step.inputs[0]) -> Program:
                return p.update(step_id, "the output only, not the states", inputs=((ref[0], 0),))
            fix = "pass on only the first tensor it returns (the output), e.g. output, *states = ..."
        found.append(Finding(Problem(
            "states_into_layer", f"The {name} on line {source.line} has return_state=True, so it returns "
            f"{built.counts.get(source.id, 'several')} tensors (its output, then its final states), but the {later} on "
            f"line {step.line} takes one tensor.", fix, source.line), repair))
    return found


def _merge_directions(step_id: int) -> Callable[[Program], Program]:
    """merge_mode left out (concat): the Bidirectional returns one tensor, used wherever its two were."""
    def repair(p: Program) -> Program:
        p = _change(step_id, lambda layer: layer.drop("merge_mode") if layer.cls == "Bidirectional" else layer,
                    "merge_mode='concat' (the default) joins the two directions")(p)
        names = p.step(step_id).names
        return _regroup(p, step_id, names, names[:1], joined=True) if p.step(step_id).unpacked else p
    return repair


def _backwards_in_bidirectional(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id, message in built.failures.items():
        step = program.step(step_id)
        if step.kind == "layer" and step.layer.cls == "Bidirectional" and step.layer.flag("go_backwards"):
            found.append(Finding(Problem(
                "go_backwards_in_bidirectional", f"The {layer_name(step.layer)} on line {step.line} wraps a layer with "
                "go_backwards=True, but Bidirectional makes the backward copy itself, so the layer it wraps must "
                "read forwards.", "leave out go_backwards=True inside Bidirectional", step.line),
                _set_flag(step_id, "go_backwards", False, "Bidirectional runs the backward copy itself")))
    return found


def _needs_sequence(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step_id in built.failures:
        step = program.step(step_id)
        if step.kind != "layer" or len(step.inputs) != 1:
            continue
        shape = _ref_shape(built, step.inputs[0])
        below, _ = _upstream(program, step.inputs[0])
        if shape is None or len(shape) != 2 or below is None or below.layer.flag("return_sequences"):
            continue
        what = (f"the {layer_name(below.layer)} on line {below.line} below it hands on only its last output, "
                f"{fmt(shape)}: without return_sequences=True a recurrent layer drops the time axis.")
        fix = f"return_sequences=True on the {layer_name(below.layer)} on line {below.line}"
        repair = _set_flag(below.id, "return_sequences", True, "return_sequences=True: the next layer reads a sequence")
        if step.layer.recurrent:
            found.append(Finding(Problem("inner_layer_needs_sequences", f"The {layer_name(step.layer)} on line "
                                         f"{step.line} reads a sequence (batch, timesteps, features), but {what}",
                                         fix, below.line), repair))
        elif step.layer.cls == "TimeDistributed":
            if data.y is not None and len(data.y) < 3:  # one prediction per sample: no time axis wanted
                fix = f"use the layer inside TimeDistributed directly on line {step.line}"
                repair = (lambda p, step_id=step_id: p.update(step_id, "one prediction per sample, no time axis",
                                                              layer=p.step(step_id).layer.inner))
            found.append(Finding(Problem("time_distributed_needs_sequence", f"TimeDistributed on line {step.line} "
                                         f"applies its layer at every timestep, so it needs a sequence, but {what}",
                                         fix, step.line), repair))
    return found


def _needs_feature_axis(program: Program, built: Built, data: Data) -> list[Finding]:
    """A recurrent layer (or Conv1D) reading the model's input straight from a 2-D X: no feature axis."""
    if len(program.inputs) != 1 or len(data.x) != 2:
        return []
    entry = program.inputs[0]
    for step_id in built.failures:
        step = program.step(step_id)
        if step.kind != "layer" or not (step.layer.recurrent or step.layer.cls == "Conv1D") or len(step.inputs) != 1 \
                or _source(program, step.inputs[0])[0].id != entry.id or len(entry.features_shape) != 1:
            continue
        kind, shape = entry.shape_arg
        wanted = (*data.x, 1)
        return [Finding(Problem(
            "x_needs_feature_axis", f"The {layer_name(step.layer)} on line {step.line} reads sequences (batch, "
            f"timesteps, features), but X {fmt(data.x)} and the model's input {fmt(entry.features_shape)} have no "
            f"feature axis: each sample is {data.x[1]} numbers in a row. With one number per timestep, the feature "
            "axis has size 1.", f"X.reshape({fmt(wanted)}) and keras.Input({kind}={fmt((*shape, 1))})", entry.line),
            lambda p: p.update(entry.id, "one feature per timestep",
                               layer=entry.layer.drop("shape", "batch_shape").set(kind, (*shape, 1))))]
    return []


def _merged(shapes: list[Shape], concatenate: bool) -> bool:
    """Whether a merge layer can join tensors of these shapes (Concatenate on the last axis)."""
    ranks = {len(s) for s in shapes}
    keep = slice(None, -1) if concatenate else slice(None)
    return len(ranks) == 1 and all(len({d for d in axis if d is not None}) <= 1
                                   for axis in zip(*(s[keep] for s in shapes)))


def _merge_shapes(program: Program, built: Built, data: Data) -> list[Finding]:
    """A merge layer that Keras refused because the tensors it joins do not agree."""
    found = []
    for step_id in built.failures:
        step = program.step(step_id)
        if step.kind != "layer" or step.layer.cls not in MERGES or len(step.inputs) < 2:
            continue
        shapes = [_ref_shape(built, ref) for ref in step.inputs]
        concatenate = step.layer.cls == "Concatenate"
        if any(s is None for s in shapes) or _merged(shapes, concatenate) or \
                concatenate and step.layer.get("axis", -1) not in (-1, len(shapes[0]) - 1):
            continue
        rule = "every axis but the last must agree" if concatenate else "they must have the same shape"
        message = f"The {step.function or step.layer.cls} on line {step.line} joins tensors of shapes " \
                  f"{', '.join(fmt(s) for s in shapes)}: {rule}."
        below = [_upstream(program, ref)[0] for ref in step.inputs]
        fix, repair = "make the tensors it joins agree", None
        if len({len(s) for s in shapes}) > 1 and all(below):
            sequences = data.y is not None and len(data.y) >= 3  # y keeps the time axis
            change = [b for b, s in zip(below, shapes) if (len(s) == 2) == sequences]
            said = ", ".join(f"the {layer_name(b.layer)} on line {b.line}" for b in change)
            message += " A recurrent layer with return_sequences=True hands on its whole sequence (3 axes), one " \
                       "without only its last output (2 axes)."
            fix = f"{'return_sequences=True on' if sequences else 'remove return_sequences=True from'} {said}"

            def repair(p: Program, change: list[Step] = change, on: bool = sequences) -> Program:
                for b in change:
                    p = _set_flag(b.id, "return_sequences", on, "the same axes as the tensors it is joined with")(p) \
                        if on else _drop_time_axis(b.id)(p)
                return p
        elif not concatenate and len({len(s) for s in shapes}) == 1:
            layers = [_dense(program.producer(ref)) or _sized(program.producer(ref)) for ref in step.inputs]
            width = shapes[0][-1]
            if all(layers) and _merged([s[:-1] for s in shapes], False):
                fix = f"the same size on every branch ({width}), or keras.layers.concatenate to join different sizes"

                def repair(p: Program, layers: list = layers, width: int = width) -> Program:
                    for owner, layer in layers:
                        if layer.get("units") != width:
                            new = layer.set("units", width)
                            p = p.update(owner.id, "the same size as the tensors it is added to",
                                         layer=new if owner.layer is layer else owner.layer.set("layer", new))
                    return p
        found.append(Finding(Problem("merge_shapes_differ", message, fix, step.line), repair))
    return found


def _sized(step: Step) -> tuple[Step, Layer] | None:
    """A recurrent layer (not Bidirectional) whose units are the last axis of what it returns first."""
    if step.kind == "layer" and step.layer.recurrent and step.layer.cls != "Bidirectional" and step.layer.has("units"):
        return step, step.layer
    return None


def _batch_in_input_shape(program: Program, built: Built, data: Data) -> list[Finding]:
    entry = program.inputs[0] if program.inputs else None
    if entry is None or entry.source == "x":
        return []
    kind, shape = entry.shape_arg
    if kind != "shape" or len(shape) != len(data.x) or not _fits(shape[1:], data.x[1:]):
        return []
    sample = tuple(data.x[1:])
    return [Finding(Problem(
        "batch_in_input_shape", f"The input shape {fmt(shape)} (line {entry.line}) includes the batch axis. Keras "
        f"adds the batch axis itself, so each sample is taken to be {fmt(shape)} and the input becomes "
        f"{fmt((None, *shape))}, {len(shape) + 1} axes where the model needs {len(shape)}.",
        f"give one sample's shape only: keras.Input(shape={fmt(sample)})", entry.line),
        lambda p: p.update(entry.id, "one sample's shape: Keras adds the batch axis",
                           layer=p.step(entry.id).layer.drop("shape").set("shape", sample)))]


def _fits(model: Shape, given: Shape) -> bool:
    return len(model) == len(given) and all(m is None or m == g for m, g in zip(model, given))


def _same(output: Shape, target: Shape) -> bool:
    """Shapes without the batch axis that agree, up to a trailing axis of size 1 (Keras adds or drops it)."""
    return _fits(output, target) or len(output) == len(target) + 1 and output[-1] == 1 and _fits(output[:-1], target) \
        or len(target) == len(output) + 1 and target[-1] == 1 and _fits(output, target[:-1])


def _input_vs_x(program: Program, built: Built, data: Data) -> list[Finding]:
    entry = program.inputs[0] if program.inputs else None
    if entry is None or entry.source == "x":
        return []
    kind, shape = entry.shape_arg
    sample, given = entry.features_shape, tuple(data.x[1:])
    if _fits(sample, given) or kind == "shape" and len(shape) == len(data.x) and _fits(shape[1:], given):
        return []
    if _same(sample, given):  # one of them has a trailing axis of size 1 more
        if not built.trained:
            return []
        added = len(sample) > len(given)
        return [Finding(Problem(
            "x_without_feature_axis" if added else "x_with_extra_axis", f"The input takes samples of shape "
            f"{fmt(sample)}, X's are {fmt(given)}: Keras 3 {'adds' if added else 'drops'} the trailing axis of size 1 "
            f"itself (a training step ran).", f"X.reshape({fmt((-1, *sample))}) makes it explicit", entry.line,
            "warning"))]
    said = " Keras 3 does not complain (a training step ran)." if built.trained else ""
    new = entry.layer.drop("shape", "batch_shape").set(kind, (shape[0], *given) if kind == "batch_shape" else given)
    repair = (lambda p: p.update(entry.id, "X's sample shape", layer=new)) if len(sample) == len(given) else None
    return [Finding(Problem(
        "input_vs_x", f"The model's input takes samples of shape {fmt(sample)}, but X {fmt(data.x)} has samples of "
        f"shape {fmt(given)}.{said}", f"keras.Input({kind}={fmt(new.get(kind))})", entry.line), repair)]


def _output_step(program: Program) -> Step:
    return program.producer(program.output_refs()[0])


def _several_outputs(program: Program, built: Built, data: Data) -> list[Finding]:
    if data.y is None or not built.outputs or len(built.outputs) < 2 or not program.has_model:
        return []
    last = _output_step(program)
    if program.style != "functional" and last.layer is not None and last.layer.flag("return_state"):
        return [Finding(Problem(
            "return_state_in_sequential", f"The {layer_name(last.layer)} on line {last.line} has return_state=True, "
            f"so the model has {len(built.outputs)} outputs (its output, then its final states), but there is one y."
            + (f" Keras says: {built.error}" if built.error_phase == "train" else ""),
            "remove return_state=True; to get the states, use the functional API", last.line),
            _set_flag(last.id, "return_state", False, "one output for one y"))]
    first = program.output_refs()[0]
    return [Finding(Problem(
        "several_outputs", f"The model has {len(built.outputs)} outputs but there is one y {fmt(data.y)}.",
        "make the model's output the one tensor y describes", None),
        lambda p: dataclasses.replace(p, outputs=(first,)))]


def _output_vs_y(program: Program, built: Built, data: Data) -> list[Finding]:
    if data.y is None or not built.outputs or len(built.outputs) != 1 or not program.has_model:
        return []
    out, target, loss = built.outputs[0], tuple(data.y), program.loss
    family = loss_family(loss)
    last = _output_step(program)
    if family in ("categorical", "sparse") and out[-1] == 1 and (family == "sparse" or target[-1] == 1):
        return [_one_unit(program, last, out, loss)]
    if family == "sparse" and target[-1] > 1 and _fits(tuple(out[1:]), target[1:]):
        return [Finding(Problem(
            "one_hot_labels_with_sparse", f"The model's output is {fmt(out)} and y is {fmt(target)}: one column per "
            f"class (one-hot rows), but {loss} expects one class number per sample.{_consequence(built, loss)}",
            "loss='categorical_crossentropy' (it takes one-hot rows)", program.loss_line),
            lambda p: dataclasses.replace(p, loss="categorical_crossentropy"))]
    o, t = tuple(out[1:-1] if family == "sparse" else out[1:]), tuple(target[1:])
    if _same(o, t):
        return []
    said = _consequence(built, loss)
    head = f"The model's output is {fmt(out)} and y is {fmt(target)}."
    if len(o) >= 2 and _same(o[1:], t):
        below, _ = _upstream(program, program.output_refs()[0])
        if below is None or not below.layer.flag("return_sequences"):
            return [Finding(Problem("output_vs_target", f"{head} The output has a time axis y does not have.{said}",
                                    "end the model with one prediction per sample", None))]
        return [Finding(Problem(
            "last_layer_returns_sequences", f"The model's output is {fmt(out)}: one prediction per timestep, because "
            f"the {layer_name(below.layer)} on line {below.line} returns its whole sequence (return_sequences=True) "
            f"and the layers after it work on every timestep. y is {fmt(target)}: one value per sample.{said}",
            f"remove return_sequences=True from the {layer_name(below.layer)} on line {below.line}: it then hands "
            "on only its last output", below.line), _drop_time_axis(below.id))]
    if len(t) >= 1 and _same(o, t[1:]):
        below, _ = _upstream(program, program.output_refs()[0])
        timesteps = program.inputs[0].features_shape[0] if program.inputs else None
        if below is None or below.layer.flag("return_sequences") or t[0] != timesteps:
            return [Finding(Problem("output_vs_target", f"{head} y has a time axis the output does not have.{said}",
                                    "make the model return a sequence as long as y's", None))]
        return [Finding(Problem(
            "target_is_a_sequence", f"y is {fmt(target)}: one value per timestep, but the output is {fmt(out)}, "
            f"because the {layer_name(below.layer)} on line {below.line} hands on only its last output.{said}",
            f"return_sequences=True on the {layer_name(below.layer)} on line {below.line}", below.line),
            _set_flag(below.id, "return_sequences", True, "return_sequences=True: one prediction per timestep"))]
    if len(o) == len(t) and _fits(o[:-1], t[:-1]) and family != "sparse":
        if family == "categorical" and t[-1] == 1:
            return [Finding(Problem(
                "integer_labels_with_categorical", f"{head} y holds one class number per sample, but "
                "categorical_crossentropy expects one-hot rows, one column per class.",
                "loss='sparse_categorical_crossentropy' (it takes class numbers)", program.loss_line),
                lambda p: dataclasses.replace(p, loss="sparse_categorical_crossentropy"))]
        return [_units(program, last, out, target, said)]
    return [Finding(Problem("output_vs_target", f"{head} Their shapes do not correspond.{said}",
                            "make the last layers produce y's shape", None))]


def _drop_time_axis(below_id: int) -> Callable[[Program], Program]:
    """return_sequences off, and TimeDistributed(X) after it becomes X (there is no time axis left)."""
    def repair(p: Program) -> Program:
        p = _set_flag(below_id, "return_sequences", False, "no return_sequences: one output per sample")(p)
        for step in p.steps:
            if step.id > below_id and step.kind == "layer" and step.layer.cls == "TimeDistributed" and \
                    _upstream(p, step.inputs[0])[0] is not None and _upstream(p, step.inputs[0])[0].id == below_id:
                p = p.update(step.id, "no TimeDistributed: there is no time axis left", layer=step.layer.inner)
        return p
    return repair


def output_matches(program: Program, built: Built, data: Data) -> bool | None:
    """Whether the model's one output fits y under the loss (None: no y, or not one output)."""
    if data.y is None or not built.outputs or len(built.outputs) != 1:
        return None
    return not _output_vs_y(program, built, data)


def _dense(step: Step | None) -> tuple[Step, Layer] | None:
    """The output's Dense (or the Dense in its TimeDistributed)."""
    if step is None or step.kind != "layer":
        return None
    if step.layer.cls == "Dense":
        return step, step.layer
    if step.layer.cls == "TimeDistributed" and step.layer.inner and step.layer.inner.cls == "Dense":
        return step, step.layer.inner
    return None


def _units(program: Program, last: Step, out: Shape, target: Shape, said: str) -> Finding:
    wanted = target[-1]
    dense = _dense(last)
    problem = Problem("units_vs_target", f"The model's output is {fmt(out)}: its last axis has {out[-1]}, but y's "
                      f"{fmt(target)} has {wanted}.{said}", "", last.line)
    if dense:
        step, layer = dense
        new = layer.set("units", wanted)
        return Finding(dataclasses.replace(problem, fix=f"{layer.cls}({wanted}) on line {step.line}"),
                       lambda p: p.update(step.id, "units like y", layer=new if step.layer is layer
                                          else step.layer.set("layer", new)))
    def add_dense(p: Program) -> Program:
        end = p.output_refs()[0]
        new_id = p.next_id
        step = Step(new_id, "layer", last.line, Layer("Dense", (wanted,), line=last.line, uid=-new_id),
                    inputs=(end,), names=("prediction",) if p.style == "functional" else (),
                    comment="one value per unit of y's last axis")
        p = p.insert_after(end[0], step)
        return dataclasses.replace(p, outputs=((new_id, None),)) if p.outputs else p

    return Finding(dataclasses.replace(problem, fix=f"add keras.layers.Dense({wanted}) at the end"), add_dense)


def _one_unit(program: Program, last: Step, out: Shape, loss: str) -> Finding:
    dense = _dense(last)
    problem = Problem(
        "one_unit_categorical", f"The output {fmt(out)} has one unit and the loss is {loss}: a softmax over one unit "
        "is always 1, so the loss cannot change and nothing is learnt (Keras only warns). One unit suits two classes "
        "with a sigmoid and binary_crossentropy; k classes need k units with a softmax.",
        "two classes: activation='sigmoid' and loss='binary_crossentropy'; k classes: Dense(k, "
        "activation='softmax') with one-hot y (categorical_crossentropy) or class numbers "
        "(sparse_categorical_crossentropy)", program.loss_line or last.line)

    def repair(p: Program) -> Program:
        p = dataclasses.replace(p, loss="binary_crossentropy")
        if dense:
            step, layer = dense
            new = layer.set("activation", "sigmoid")
            p = p.update(step.id, "sigmoid: one unit, two classes",
                         layer=new if step.layer is layer else step.layer.set("layer", new))
        return p

    return Finding(problem, repair)


def _divisor(n: int, most: int) -> int:
    """The largest batch size <= most that splits n samples evenly."""
    return next(d for d in range(max(1, min(most, n)), 0, -1) if n % d == 0)


def _stateful(program: Program, built: Built, data: Data) -> list[Finding]:
    stateful = [s for s in program.steps if s.kind == "layer" and s.layer.recurrent and s.layer.flag("stateful")]
    if not stateful or len(program.inputs) != 1:
        return []
    entry, samples, found = program.inputs[0], data.x[0], []
    batch = entry.fixed_batch
    name = layer_name(stateful[0].layer)

    def set_batch(size: int, comment: str) -> Callable[[Program], Program]:
        def repair(p: Program) -> Program:
            step = p.step(entry.id)
            layer = step.layer.drop("shape", "batch_shape", "batch_size").set("batch_shape",
                                                                              (size, *step.features_shape))
            p = p.update(entry.id, comment, layer=layer)
            return dataclasses.replace(p, fit_batch=size) if p.fit_line is not None else p
        return repair

    if not isinstance(batch, int) or batch < 1:
        fit = program.fit_batch if isinstance(program.fit_batch, int) and program.fit_batch > 0 else None
        size = fit if fit and samples % fit == 0 else _divisor(samples, fit or 32)
        found.append(Finding(Problem(
            "stateful_needs_batch_size", f"The {name} on line {stateful[0].line} is stateful: it keeps one state per "
            "row of the batch, so the batch size must be fixed when the model is built, and this input "
            + ("leaves it open." if batch is None else f"fixes it at {batch!r}, which is no number of samples.")
            + (f" Keras says: {built.error}" if built.error else ""),
            f"keras.Input(batch_shape={fmt((size, *entry.features_shape))})", entry.line),
            set_batch(size, "stateful: a fixed batch size")))
        return found
    if program.fit_batch is not None and program.fit_batch != batch and samples % batch == 0:
        found.append(Finding(Problem(
            "stateful_fit_batch", f"fit uses batch_size={program.fit_batch} but the stateful model is built for "
            f"batches of {batch}.", f"fit(..., batch_size={batch})", program.fit_line),
            lambda p: dataclasses.replace(p, fit_batch=batch)))
    if samples % batch:
        size = _divisor(samples, batch)
        found.append(Finding(Problem(
            "stateful_batch_does_not_divide", f"The {name} on line {stateful[0].line} is stateful with batch size "
            f"{batch}: it carries each row's state on to the same row of the next batch, so every batch must hold "
            f"exactly {batch} samples. {samples} samples do not split into batches of {batch}: the last one holds "
            f"{samples % batch}. " + (f"Keras stops at that batch: {built.error}" if built.error_phase == "train" else
                                      "Keras 3 trains on it without an error, so states and samples fall out of step."),
            f"a batch size that divides {samples}: {size}, in keras.Input(batch_shape=...) and in fit", entry.line),
            set_batch(size, f"{size} divides the {samples} samples")))
    if program.fit_line is not None and program.fit_shuffle is not False:
        found.append(Finding(Problem(
            "stateful_shuffle", "fit shuffles the samples by default, so a stateful layer would carry its state "
            "between samples that do not follow each other.", "fit(..., shuffle=False)", program.fit_line,
            "warning"), lambda p: dataclasses.replace(p, fit_shuffle=False)))
    return found


def _go_backwards(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for step in program.steps:
        if step.kind != "layer" or step.layer.cls not in MERGES or len(step.inputs) < 2:
            continue
        for i, ref in enumerate(step.inputs):
            below, flipped = _upstream(program, ref)
            if below is None or below.layer.cls == "Bidirectional" or flipped or \
                    not (below.layer.flag("go_backwards") and below.layer.flag("return_sequences")):
                continue
            name = layer_name(below.layer)

            def repair(p: Program, merge: Step = step, i: int = i, ref: Ref = ref) -> Program:
                new_id = p.next_id
                base = p.producer(ref).names[ref[1] or 0] if p.producer(ref).names else "backward"
                flip = Step(new_id, "flip", merge.line, inputs=(ref,), names=(f"{base}_flipped",),
                            comment="back in time order")
                p = p.insert_after(ref[0], flip)
                inputs = tuple((new_id, None) if j == i else r for j, r in enumerate(p.step(merge.id).inputs))
                return p.update(merge.id, inputs=inputs)

            found.append(Finding(Problem(
                "go_backwards_not_flipped", f"The {name} on line {below.line} has go_backwards=True: it reads the "
                "sequence from the last step to the first and returns its outputs in that reversed order (its output "
                f"step t belongs to input step T-1-t). The {step.layer.cls} on line {step.line} merges it step by step "
                "with another sequence, so step t meets step T-1-t.",
                "flip it back first: keras.ops.flip(x, axis=1) (Bidirectional does this itself)", step.line), repair))
    return found


def _reset_states(program: Program, built: Built, data: Data) -> list[Finding]:
    found = []
    for line, method in program.resets:
        if hasattr(keras.Model, method):
            continue
        said = f" Keras says: {built.error}" if built.error_phase == "reset" else ""
        found.append(Finding(Problem(
            "model_reset_states", f"Keras 3 models have no {method}(): only recurrent layers hold states, and each "
            f"layer has reset_state().{said}", "reset each layer: for layer in model.layers: if hasattr(layer, "
            "'reset_state'): layer.reset_state()", line),
            lambda p: dataclasses.replace(p, resets=(), reset_loop=True)))
    return found
