"""Repair by search: small edits of the learner's model, each built with the real Keras and trained one step.

An edit is a function (Program, Shapes, Data) -> [Edit]: a few words on what it changes, its size (how many
things a learner would change by hand) and the edited Program. Edits are tried alone, then two at a time,
smallest first; an edit whose output shape (Keras's compute_output_shape, no weights) cannot fit y is dropped
before anything is built. What is proposed has been built at trial sizes, trained one step on zeros of the
learner's shapes and, with a y, gives y's shape. Called by one task at a time.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rnnlab.doctor import rule_kit, rules
from rnnlab.doctor.catalogue import RECURRENT
from rnnlab.doctor.program import Layer, Program, Ref, Step
from rnnlab.doctor.trial import Built, Data, real_shapes, trial
from rnnlab.doctor.writing import layer_name

SEARCH_SECONDS = 5.0  # the whole search stops after this long
MAX_TRIALS = 16  # Keras builds and training steps, at most
MAX_FOUND = 3  # fixes kept (the smallest first)
POOLING = ("GlobalAveragePooling1D", "Flatten")
SHAPE_ONLY = frozenset({"Flatten", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "RepeatVector", "Reshape"})


@dataclass(frozen=True)
class Edit:
    what: str  # e.g. "return_sequences=True on the LSTM on line 4"
    size: int
    program: Program


@dataclass(frozen=True)
class Found:
    """An edit that builds, trains one step and fits y."""

    what: str
    size: int
    program: Program
    built: Built


Shapes = Built  # a Built holding only shapes, from compute_output_shape
EditFn = Callable[[Program, Shapes, Data], Iterator[Edit]]


# --- shapes without building -----------------------------------------------------------------

def static(program: Program) -> Shapes:
    """Every step's output shapes at the learner's sizes from compute_output_shape (None where unknown)."""
    shapes = real_shapes(program, {s.id: None for s in program.steps})
    try:
        outputs = tuple(s for ref in program.output_refs() for s in _ref(shapes, ref))
    except (KeyError, TypeError, IndexError):
        outputs = None
    return Built(shapes, {}, {}, outputs=outputs or None)


def _ref(shapes: dict, ref: Ref) -> tuple:
    found = shapes.get(ref[0])
    if found is None:
        raise KeyError(ref)
    return found if ref[1] is None else (found[ref[1]],)


def fits(program: Program, shapes: Shapes, data: Data) -> bool | None:
    """Whether the one output fits y (True without y); None when its shape is not known without building."""
    if not shapes.outputs:
        return None
    if data.y is None:
        return True
    if len(shapes.outputs) != 1:
        return False
    return rules.output_matches(program, shapes, data) is True


def works(program: Program, built: Built, data: Data) -> bool:
    """Built, one training step ran, and the output fits y (when there is one; without y, no one unit under a
    loss over classes)."""
    if not (built.ok and built.trained):
        return False
    if data.y is None:
        return not (built.outputs and built.outputs[0] and built.outputs[0][-1] == 1
                    and rule_kit.loss_family(program.loss) in ("categorical", "sparse"))
    return rules.output_matches(program, built, data) is True


# --- editing a Program ------------------------------------------------------------------------

def _new_step(p: Program, cls: str, args: tuple, inputs: tuple[Ref, ...], line: int, comment: str,
              kwargs: tuple = ()) -> Step:
    new_id = p.next_id
    return Step(new_id, "layer", line, Layer(cls, args, kwargs, line=line, uid=-new_id - 1000), inputs=inputs,
                comment=comment)


def insert(p: Program, ref: Ref, layers: list[tuple[str, tuple, tuple]], comment: str) -> Program:
    """New layers (cls, args, kwargs) one after another on the tensor ref; what used ref uses the last."""
    line = p.step(ref[0]).line
    after, current = ref[0], ref
    created = []
    for cls, args, kwargs in layers:
        step = _new_step(p, cls, args, (current,), line, comment, kwargs)
        p = p.insert_after(after, step)
        after, current = step.id, (step.id, None)
        created.append(step.id)
    return _rewire(p, ref, current, set(created))


def _rewire(p: Program, old: Ref, new: Ref, skip: set[int]) -> Program:
    def moved(r: Ref) -> Ref:
        return new if r == old or old[1] is None and r[0] == old[0] and r[1] == 0 and \
            p.step(old[0]).kind != "layer" else new if r == old else r

    for step in p.steps:
        if step.id in skip:
            continue
        inputs = tuple(moved(r) for r in step.inputs)
        if inputs != step.inputs:
            p = p.update(step.id, inputs=inputs)
    if old in p.outputs:
        p = dataclasses.replace(p, outputs=tuple(new if r == old else r for r in p.outputs))
    return p


def remove(p: Program, step: Step, comment: str) -> Program:
    """A one-input layer left out: what used it uses its input."""
    p = _rewire(p, (step.id, None), step.inputs[0], {step.id})
    p = dataclasses.replace(p, steps=tuple(s for s in p.steps if s.id != step.id))
    after = next((s for s in p.steps if step.inputs[0] in s.inputs), None)
    return p.update(after.id, comment) if after is not None else p


def _end(p: Program) -> Ref:
    return p.output_refs()[0]


def _last_recurrent(p: Program) -> Step | None:
    below, _ = rule_kit.upstream(p, _end(p))
    if below is not None:
        return below
    found = [s for s in p.steps if s.kind == "layer" and s.layer.recurrent]
    return found[-1] if found else None


def _rank(shapes: Shapes, ref: Ref) -> int | None:
    found = shapes.shapes.get(ref[0])
    if not found:
        return None
    shape = found[0] if ref[1] is None else found[ref[1]] if ref[1] < len(found) else None
    return len(shape) if shape is not None else None


def _head_activation(loss: str | None) -> str | None:
    return {"binary": "sigmoid", "categorical": "softmax", "sparse": "softmax"}.get(rule_kit.loss_family(loss))


def _units_wanted(data: Data, loss: str | None) -> int | None:
    """The last axis the output needs for y (None: not known, e.g. class numbers under a sparse loss)."""
    if data.y is None or rule_kit.loss_family(loss) == "sparse":
        return None
    return data.y[-1] if len(data.y) > 1 else 1


# --- the catalogue ----------------------------------------------------------------------------

def flip_last_sequences(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """return_sequences flipped on the recurrent layer the output comes from (TimeDistributed unwrapped with it)."""
    last = _last_recurrent(p)
    if last is None:
        return
    name = f"the {layer_name(last.layer)} on line {last.line}"
    if last.layer.flag("return_sequences"):
        yield Edit(f"remove return_sequences=True from {name}", 1, rule_kit.drop_time_axis(last.id)(p))
    else:
        yield Edit(f"return_sequences=True on {name}", 1, rule_kit.set_flag(
            last.id, "return_sequences", True, "return_sequences=True: one output per timestep")(p))


def flip_lower_sequences(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """return_sequences=True on a lower recurrent layer that drops the time axis."""
    last = _last_recurrent(p)
    for step in p.steps:
        if step.kind == "layer" and step.layer.recurrent and step is not last and \
                not step.layer.flag("return_sequences"):
            yield Edit(f"return_sequences=True on the {layer_name(step.layer)} on line {step.line}", 1,
                       rule_kit.set_flag(step.id, "return_sequences", True,
                                       "return_sequences=True: the next layer reads a sequence")(p))


def dense_units(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """The output's Dense with as many units as y's last axis."""
    wanted = _units_wanted(data, p.loss)
    dense = rule_kit.output_dense(p.producer(_end(p)))
    if wanted is None or dense is None or dense[1].get("units") == wanted:
        return
    step, layer = dense
    new = layer.set("units", wanted)
    yield Edit(f"Dense({wanted}) on line {step.line}: one unit per value of y's last axis", 1,
               p.update(step.id, "units like y's last axis", layer=new if step.layer is layer
                        else step.layer.set("layer", new)))


def time_distributed(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """The output's Dense wrapped in TimeDistributed, or a TimeDistributed unwrapped."""
    step = p.producer(_end(p))
    if step.kind != "layer":
        return
    if step.layer.cls == "TimeDistributed" and step.layer.inner:
        yield Edit(f"the layer inside TimeDistributed directly on line {step.line}", 1,
                   p.update(step.id, "no TimeDistributed", layer=step.layer.inner))
    elif step.layer.cls == "Dense":
        wrapped = Layer("TimeDistributed", (step.layer,), line=step.layer.line, uid=step.layer.uid)
        yield Edit(f"TimeDistributed(Dense(...)) on line {step.line}", 1,
                   p.update(step.id, "applied at every timestep", layer=wrapped))


def repeat_steps(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """k output steps: the last recurrent layer's final output repeated k times (RepeatVector(k)), read by a
    recurrent layer that returns sequences."""
    if data.y is None or len(data.y) < 3:
        return
    last = _last_recurrent(p)
    if last is None or last.layer.core.cls not in RECURRENT:
        return
    k, size = data.y[1], 2
    if last.layer.flag("return_sequences"):
        p, size = rule_kit.drop_time_axis(last.id)(p), 3
    units = last.layer.core.get("units")
    cls = "LSTM" if last.layer.core.cls in ("RNN", "CuDNNLSTM") else last.layer.core.cls.replace("CuDNN", "")
    if not isinstance(units, int):
        return
    edited = insert(p, (last.id, None), [("RepeatVector", (k,), ()), (cls, (units,), (("return_sequences", True),))],
                    f"{k} output steps")
    yield Edit(f"RepeatVector({k}) and a {cls}({units}, return_sequences=True) after the "
               f"{layer_name(last.layer)} on line {last.line}: {k} output steps", size, edited)


def pool_sequence(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """Global pooling or Flatten after a layer that hands on a whole sequence (the output, or a merge's branch)."""
    if data.y is not None and len(data.y) >= 3:
        return
    refs = [_end(p)] + [r for s in p.steps if s.kind == "layer" and len(s.inputs) > 1 for r in s.inputs]
    seen = set()
    for ref in refs:
        source = p.producer(ref)
        if ref in seen or _rank(shapes, ref) != 3 or source.kind == "input":
            continue
        seen.add(ref)
        where = f"{layer_name(source.layer)} on line {source.line}" if source.layer else f"line {source.line}"
        for cls in POOLING:
            yield Edit(f"{cls}() after the {where}: one vector per sample", 1,
                       insert(p, ref, [(cls, (), ())], "one vector per sample"))


def restore_head(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """A Dense head at the end with y's last axis and the activation the loss expects."""
    wanted = _units_wanted(data, p.loss)
    if wanted is None:
        return
    activation = _head_activation(p.loss)
    kwargs = (("activation", activation),) if activation else ()
    shown = f"Dense({wanted}{', activation=' + repr(activation) if activation else ''})"
    yield Edit(f"add {shown} at the end: the model's head", 1,
               insert(p, _end(p), [("Dense", (wanted,), kwargs)], "the head: one value per unit of y's last axis"))


def reshape_head(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """A forecast of k steps of f values: Dense(k*f) then Reshape((k, f))."""
    if data.y is None or len(data.y) != 3 or rule_kit.loss_family(p.loss) == "sparse":
        return
    k, f = data.y[1:]
    dense = rule_kit.output_dense(p.producer(_end(p)))
    if dense is not None and dense[0].layer.cls == "Dense":
        step = dense[0]
        edited = p.update(step.id, f"{k} steps x {f} values", layer=step.layer.set("units", k * f))
        edited = insert(edited, (step.id, None), [("Reshape", ((k, f),), ())], f"{k} steps of {f} values")
        yield Edit(f"Dense({k * f}) on line {step.line} then Reshape(({k}, {f})): {k} steps of {f} values", 2, edited)
    else:
        yield Edit(f"add Dense({k * f}) and Reshape(({k}, {f})) at the end: {k} steps of {f} values", 2,
                   insert(p, _end(p), [("Dense", (k * f,), ()), ("Reshape", ((k, f),), ())],
                          f"{k} steps of {f} values"))


def drop_shape_layer(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """A layer that only reshapes (Flatten, pooling, RepeatVector, Reshape) left out."""
    for step in p.steps:
        if step.kind == "layer" and step.layer.cls in SHAPE_ONLY and len(step.inputs) == 1 and not step.listed:
            yield Edit(f"leave out the {step.layer.cls} on line {step.line}", 1,
                       remove(p, step, f"without the {step.layer.cls}"))


def widen_decoder(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """A layer started from states of another width gets their width as units."""
    for step in p.steps:
        if not step.initial_state or step.kind != "layer" or not step.layer.core.has("units"):
            continue
        widths = {s[-1] for ref in step.initial_state for s in (_safe(shapes, ref) or ())}
        if len(widths) == 1 and widths != {step.layer.core.get("units")}:
            width = widths.pop()
            core = step.layer.core.set("units", width)
            yield Edit(f"{layer_name(step.layer)}({width}) on line {step.line}: as wide as the states it starts "
                       "from", 1, p.update(step.id, "as wide as its initial states", layer=step.layer.with_core(core)))


def states_not_sequences(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """initial_state without the tensors that are sequences (batch, timesteps, units), not states."""
    for step in p.steps:
        ranks = [len(found[0]) if (found := _safe(shapes, ref)) else None for ref in step.initial_state]
        kept = tuple(ref for ref, rank in zip(step.initial_state, ranks) if rank == 2)
        if step.initial_state and 3 in ranks and kept:
            yield Edit(f"initial_state on line {step.line} without the sequence: a state is (batch, units)", 1,
                       p.update(step.id, "states only, not a sequence", initial_state=kept))


def _safe(shapes: Shapes, ref: Ref) -> tuple | None:
    try:
        return _ref(shapes.shapes, ref)
    except (KeyError, IndexError):
        return None


def input_like_x(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """The model's input takes X's sample shape (a batch axis in input_shape dropped, a changed window)."""
    if len(p.inputs) != 1:
        return
    entry = p.inputs[0]
    kind, shape = entry.shape_arg
    sample = tuple(data.x[1:])
    if kind != "shape" or tuple(shape) == sample:
        return
    layer = entry.layer.drop("shape", "batch_shape").set("shape", sample)
    yield Edit(f"keras.Input(shape={sample}): X's sample shape, without the batch axis", 1,
               p.update(entry.id, "X's sample shape", layer=layer))


def untuple(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """A tensor made a one-item tuple by a trailing comma, used as the tensor itself."""
    for step in p.steps:
        if step.tupled:
            yield Edit(f"remove the trailing comma on line {step.line}: it makes a tuple of the tensor", 1,
                       p.update(step.id, "no trailing comma", listed=False, tupled=False))


def no_state_output(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """return_state=True left out where a Sequential passes the tensors on."""
    if p.style == "functional":
        return
    for step in p.steps:
        if step.kind == "layer" and step.layer.recurrent and step.layer.flag("return_state"):
            yield Edit(f"remove return_state=True from the {layer_name(step.layer)} on line {step.line}", 1,
                       rule_kit.set_flag(step.id, "return_state", False, "one tensor on")(p))


def image_rows(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """An image (height, width, channels) read by a recurrent layer as a sequence: each row one timestep of
    width * channels features, by a Reshape or by TimeDistributed(Flatten())."""
    for step in p.steps:
        if step.kind != "layer" or not step.layer.recurrent or len(step.inputs) != 1:
            continue
        entry = p.producer(step.inputs[0])
        image = entry.features_shape if entry.kind == "input" else ()
        if len(image) != 3 or not all(map(rule_kit.is_size, image)):
            continue
        rows, width, channels = image
        name = f"{layer_name(step.layer)} on line {step.line}"
        yield Edit(f"Reshape(({rows}, {width * channels})) before the {name}: each of the {rows} rows of the image "
                   f"one timestep of {width} x {channels} features", 1,
                   insert(p, step.inputs[0], [("Reshape", ((rows, width * channels),), ())], "rows as timesteps"))
        flatten = Layer("Flatten", line=step.line)
        yield Edit(f"TimeDistributed(Flatten()) before the {name}: each row of the image one timestep", 1,
                   insert(p, step.inputs[0], [("TimeDistributed", (flatten,), ())], "rows as timesteps"))


IMAGE_LAYERS = ("Conv2D", "Convolution2D", "MaxPooling2D", "AveragePooling2D", "MaxPool2D", "AveragePool2D")


def channels_last(p: Program, shapes: Shapes, data: Data) -> Iterator[Edit]:
    """Images given channels first (Theano's layout: a few channels, then height and width) to 2-D convolutions,
    which read Keras 3's channels-last layout: the channels moved last by a Permute after the input."""
    uses_images = any(layer.cls in IMAGE_LAYERS for s in p.steps if s.layer is not None
                      for layer in rule_kit.wrapped_layers(s.layer))
    if not uses_images or len(p.inputs) != 1:
        return
    entry = p.inputs[0]
    image = entry.features_shape[-3:]
    if len(image) != 3 or not all(map(rule_kit.is_size, image)) or not image[0] <= 4 < min(image[1:]):
        return
    lead = len(entry.features_shape) - 3  # a time axis before each image stays where it is
    order = (*range(1, lead + 1), lead + 2, lead + 3, lead + 1)
    yield Edit(f"Permute({order}) after the input: its {image[0]} channel{'s' * (image[0] != 1)} moved last, "
               "where Keras 3's convolutions read them (channels last)", 1,
               insert(p, (entry.id, None), [("Permute", (order,), ())], "channels last"))


# Every edit the search tries, the likeliest first (ties in size keep this order).
CATALOGUE: tuple[EditFn, ...] = (untuple, flip_last_sequences, dense_units, restore_head, time_distributed,
                                 widen_decoder, states_not_sequences, input_like_x, no_state_output,
                                 flip_lower_sequences, pool_sequence, drop_shape_layer, repeat_steps, reshape_head,
                                 image_rows, channels_last)


def edits(p: Program, shapes: Shapes, data: Data) -> list[Edit]:
    """Every single edit the catalogue offers for p, smallest first."""
    found: list[Edit] = []
    for make in CATALOGUE:
        try:
            found += list(make(p, shapes, data))
        except (KeyError, StopIteration, ValueError, TypeError, IndexError, AttributeError):
            continue  # an edit that does not apply to this model
    return sorted(found, key=lambda e: e.size)


# --- the search -------------------------------------------------------------------------------

def _combined(base: Program, data: Data, deadline: float) -> Iterator[Edit]:
    """Single edits, then pairs of them, by size; each pair's second edit is made on the first's result."""
    singles = edits(base, static(base), data)
    yield from singles
    pairs = []
    for first in singles:
        if time.perf_counter() > deadline:
            return
        for second in edits(first.program, static(first.program), data):
            pairs.append(Edit(f"{first.what}; {second.what}", first.size + second.size, second.program))
    yield from sorted(pairs, key=lambda e: e.size)


def y_rank(program: Program, built: Built, data: Data) -> bool:
    """Whether the output has as many axes as y (a sparse loss's class axis aside): Keras would add or drop a
    trailing axis of 1 for a loss, but the shape a learner asked for is y's."""
    if data.y is None or not built.outputs or rule_kit.loss_family(program.loss) == "sparse":
        return True
    return len(built.outputs[0]) == len(data.y)


def search(bases: list[Program], data: Data, seconds: float = SEARCH_SECONDS) -> list[Found]:
    """Fixes for the first base that has any, smallest first (at most MAX_FOUND), each built and trained; those
    with y's own number of axes before the others, and the search goes on past MAX_FOUND until one is found."""
    deadline = time.perf_counter() + seconds
    for base in bases:
        found: list[Found] = []
        seen: set[str] = {repr(base)}  # a Program may hold lists (say RNN([cells])): compared by repr
        keep = static(base).outputs if data.y is None else None  # without y, a fix keeps the output's shape
        trials = 0
        for edit in _combined(base, data, deadline):
            if time.perf_counter() > deadline or trials >= MAX_TRIALS or len(found) >= MAX_FOUND and \
                    any(y_rank(f.program, f.built, data) for f in found):
                break
            key = repr(edit.program)
            if key in seen or found and edit.size > found[0].size + 1:
                continue
            seen.add(key)
            shapes = static(edit.program)
            if fits(edit.program, shapes, data) is False or keep and shapes.outputs and shapes.outputs != keep:
                continue
            built = trial(edit.program, data, quick=True)
            trials += 1
            if works(edit.program, built, data):
                found.append(Found(edit.what, edit.size, edit.program, built))
        if found:
            return sorted(found, key=lambda f: not y_rank(f.program, f.built, data))[:MAX_FOUND]
    return []
