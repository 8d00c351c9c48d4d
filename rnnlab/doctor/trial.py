"""A Program built with the real Keras: layer by layer on keras.Input, then one training step on zeros.

Sizes above LIMIT (units, timesteps, features, batch) are shrunk for the trial so that it stays cheap; the
map keeps every rank and keeps equal sizes equal and different sizes different. The shapes reported are
the learner's own: Keras's compute_output_shape at the real sizes, which needs no weights.
These functions are called by one task at a time.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from rnnlab.doctor.catalogue import OLD_MODULES, OPTIMIZERS, POSITIONAL, SIZES
from rnnlab.doctor.program import ASSUMED_LOSS, Layer, Program, Ref, Shape

LIMIT = 128  # sizes above this are shrunk for the trial run (X of 3 axes)
SAMPLE_BUDGET = 2 ** 18  # with 3 or more axes per sample, the limit keeps one trial sample about this small
TRIAL_BATCH = 4  # samples in the trial batch, unless the model fixes its batch size
# Up to this many layer-steps (timesteps x recurrent layers) one eager training step beats tracing one: measured
# on 2 cores with LSTM(64), eager/traced 0.6/2.8 s at 90 layer-steps, 1.1/2.0 s at 200, 1.5/1.3 s at 400.
EAGER_TRAIN_STEPS = 400
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Data:
    """What the learner feeds the model: the shapes of X and y (with the batch axis) and the loss."""

    x: Shape
    y: Shape | None = None
    loss: str | None = None


@dataclass(frozen=True)
class Built:
    """What Keras made of a Program."""

    shapes: dict[int, tuple[Shape, ...] | None]  # step id -> each returned tensor's shape (real sizes)
    counts: dict[int, int]  # step id -> how many tensors the layer call returned
    failures: dict[int, str]  # step id -> Keras's message there
    error: str | None = None  # the first error, in Keras's (or Python's) words
    error_step: int | None = None  # the step it came from; None: compile, the training step or a reset
    error_phase: str = ""  # "build", "unpack", "train" or "reset"
    outputs: tuple[Shape, ...] | None = None  # the model's outputs (real sizes)
    trained: bool = False
    loss_value: float | None = None
    skipped: str = ""  # why no training step ran
    warnings: tuple[str, ...] = ()
    shrunk: dict[int, int] = field(default_factory=dict)  # real size -> trial size

    @property
    def ok(self) -> bool:
        return self.error is None


def clean(err: BaseException) -> str:
    """Keras's message without terminal colours, the echo of the call's arguments or TensorFlow's list of the
    Python lines that defined a failing graph node."""
    text = _ANSI.sub("", str(err)).split("\n\nArguments received by")[0].strip()
    lines = text.splitlines()
    files = [i for i, line in enumerate(lines) if line.lstrip().startswith('File "')]
    if files:
        text = "\n".join([lines[0]] + [line for line in lines[files[-1] + 1:] if line.strip()])
    if isinstance(err, KeyError) and text.startswith(("'", '"')) and text.endswith(("'", '"')):
        text = text[1:-1]
    return text if len(text) <= 1500 else text[:1497] + "..."


_KERAS_TENSOR = re.compile(r"<KerasTensor[^>]*>")


def refusal(check: str) -> str | None:
    """What the installed Keras says to a Keras 1/2 call or path: "merge" or "Merge" (keras.layers.merge), "Model"
    (Model(input=..., output=...)) or an old module's path (a name from OLD_MODULES); None if it accepts it."""
    try:
        if check in ("merge", "Merge") or check in OLD_MODULES:  # keras.layers.merge, .Merge, .recurrent, ...
            getattr(keras.layers, check.rsplit(".", 1)[-1])
        elif check == "Model":
            given = keras.Input((1,))
            keras.Model(input=given, output=given)
        else:
            return None
    except Exception as err:  # Keras's refusal is what is shown
        return _KERAS_TENSOR.sub("…", clean(err))
    return None


def _size_values(layer: Layer) -> Iterable[int]:
    for name in SIZES.get(layer.cls, ()):
        value = layer.get(name)
        for v in value if isinstance(value, tuple) else (value,):
            if isinstance(v, int) and not isinstance(v, bool):
                yield v
    cell = layer.get("cell")
    for inner in (layer.inner, *(cell if isinstance(cell, (list, tuple)) else (cell,))):
        if isinstance(inner, Layer):
            yield from _size_values(inner)


def shrink_map(program: Program, data: Data) -> dict[int, int]:
    """Every size above the limit -> limit+1, limit+2, ... in order (equal sizes stay equal, different ones
    different); a fixed batch size above it -> a few samples. A Reshape is tried with -1 on one axis (see
    trial_layer), so its sizes may shrink too."""
    values = set(data.x[1:]) | set((data.y or ())[1:])
    ranks = [len(data.x)]
    for step in program.steps:
        if step.layer is not None:
            values |= set(_size_values(step.layer))
        if step.kind == "input":
            ranks.append(len(step.features_shape) + 1)
    axes = max(ranks) - 1  # per sample
    top = LIMIT if axes <= 2 else int(round(SAMPLE_BUDGET ** (1 / axes)))
    batches = {s.fixed_batch for s in program.inputs if isinstance(s.fixed_batch, int)}
    big = sorted(v for v in values if isinstance(v, int) and v > top and v not in batches)
    shrunk = {v: top + 1 + i for i, v in enumerate(big)}
    taken = values | set(shrunk.values())
    for batch in sorted(b for b in batches if b > top):  # a fixed batch: a few samples, a size used nowhere else
        shrunk[batch] = next(n for n in range(TRIAL_BATCH + 1, 10 * top) if n not in taken)
        taken.add(shrunk[batch])
    return shrunk


def trial_layer(layer: Layer, shrunk: dict[int, int]) -> Layer:
    """A Reshape at trial sizes: its largest axis becomes -1 (the sizes it multiplies out to are the trial's)."""
    target = layer.get("target_shape") if layer.cls == "Reshape" and shrunk else None
    if not _plain_target(target):
        return layer
    widest = max(range(len(target)), key=lambda i: target[i])
    return layer.set("target_shape", tuple(-1 if i == widest else d for i, d in enumerate(target)))


def _plain_target(target: Any) -> bool:
    """A Reshape's target: a tuple of whole numbers, none of them -1."""
    return isinstance(target, tuple) and bool(target) and -1 not in target and \
        all(isinstance(d, int) and not isinstance(d, bool) for d in target)


def construct(layer: Layer, shrunk: dict[int, int] | None = None) -> Any:
    """The Keras layer (or optimizer) a Layer describes; with shrunk, its sizes at the trial's."""
    def small(value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(small(v) for v in value)
        return shrunk.get(value, value) if shrunk and isinstance(value, int) else value

    if shrunk:
        layer = trial_layer(layer, shrunk).drop("weights")  # weights hold the real sizes
    sized = SIZES.get(layer.cls, ())
    def made(value: Any) -> Any:  # a wrapped layer, or a list of cells
        if isinstance(value, Layer):
            return construct(value, shrunk)
        if isinstance(value, list) and any(isinstance(v, Layer) for v in value):
            return [made(v) for v in value]
        return value

    args = [made(a) for a in layer.args]
    kwargs = {k: made(v) for k, v in layer.kwargs}
    for name in sized:
        if layer.has(name):
            value = small(layer.get(name))
            names = POSITIONAL.get(layer.cls, ())
            if name in names and names.index(name) < len(args):
                args[names.index(name)] = value
            else:
                kwargs[name] = value
    if layer.cls in OPTIMIZERS:
        return getattr(keras.optimizers, layer.cls)(*args, **kwargs)
    if layer.cls == "Input":
        return keras.Input(*args, **kwargs)
    return getattr(keras.layers, layer.cls)(*args, **kwargs)


def as_written(program: Program) -> tuple[str | None, int | None, tuple[str, ...]]:
    """Every constructor exactly as the code writes it (Keras 3 may refuse an argument, or warn about it):
    (the first error, its line, the warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in program.steps:
            if step.kind == "layer" or step.kind == "input" and step.source == "Input":
                try:
                    construct(step.layer)
                except Exception as err:  # Keras's refusal is the finding
                    return clean(err), step.layer.line or step.line, _messages(caught)
        if not isinstance(program.optimizer, str):
            try:
                construct(program.optimizer)
            except Exception as err:
                return clean(err), program.optimizer_line, _messages(caught)
    return None, None, _messages(caught)


def _messages(caught: list) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for w in caught:
        seen.setdefault(_ANSI.sub("", str(w.message)).strip(), None)
    return tuple(seen)


def unpack_error(result: Any, count: int) -> str | None:
    """The error Python raises for `a, b, ... = result` with count names (None if it unpacks)."""
    try:
        items = iter(result)
        for got in range(count):
            try:
                next(items)
            except StopIteration:
                return f"not enough values to unpack (expected {count}, got {got})"
        next(items)
    except StopIteration:
        return None
    except Exception as err:
        return clean(err)
    return f"too many values to unpack (expected {count})"


def _shapes(result: Any) -> tuple[Shape, ...]:
    """compute_output_shape's answer -> one shape per returned tensor."""
    if isinstance(result, (tuple, list)) and all(d is None or isinstance(d, int) for d in result):
        return (tuple(result),)
    return tuple(shape for item in result for shape in _shapes(item))


def _pick(results: dict[int, Any], ref: Ref) -> Any:
    """A ref's value among the results so far; KeyError when it was not built."""
    value = results[ref[0]]
    if ref[1] is None:
        return value
    if isinstance(value, (tuple, list)):
        if ref[1] < len(value):
            return value[ref[1]]
        raise KeyError(ref)
    if ref[1] == 0:
        return value
    raise KeyError(ref)


def ref_shapes(shapes: dict[int, Any], ref: Ref) -> tuple[Shape, ...]:
    """The shapes a ref stands for: every returned tensor's, or the one it picks."""
    found = shapes[ref[0]] or ()
    if ref[1] is None:
        return found
    return (found[ref[1]],) if ref[1] < len(found) else ()


def real_shapes(program: Program, built: dict[int, Any],
                 refused: dict[int, str] | None = None) -> dict[int, tuple[Shape, ...] | None]:
    """Each built step's output shapes at the learner's sizes, from fresh layers that hold no weights.
    A Reshape that does not multiply out at those sizes (the trial's runs with -1) goes into refused."""
    shapes: dict[int, Any] = {}
    for step in program.steps:
        if step.id not in built:
            continue
        try:
            if step.kind == "input":
                kind, shape = step.shape_arg
                shapes[step.id] = ((step.fixed_batch, *shape) if kind == "shape" else shape,)
                continue
            given = [ref_shapes(shapes, ref) for ref in step.inputs]
            given = [g[0] if len(g) == 1 else g for g in given]
            if step.kind == "flip":
                shapes[step.id] = (given[0],)
            elif step.kind == "last":
                shapes[step.id] = ((given[0][0], *given[0][2:]),)
            else:
                layer = construct(step.layer)
                shapes[step.id] = _shapes(layer.compute_output_shape(given if step.listed else given[0]))
        except Exception as err:  # a shape Keras cannot say without building: leave it unknown
            shapes[step.id] = None
            if refused is not None and step.kind == "layer" and step.layer.cls == "Reshape":
                refused[step.id] = clean(err)
    return shapes


def _zeros(shape: Shape, shrunk: dict[int, int], batch: int) -> np.ndarray:
    return np.zeros((batch, *(shrunk.get(d, d) for d in shape[1:])), dtype="float32")


def _layer_steps(program: Program, x: np.ndarray) -> int:
    """Timesteps times recurrent layers (each direction counted): the Python-level steps of an eager run."""
    directions = sum(2 if s.layer.cls == "Bidirectional" else 1 for s in program.steps
                     if s.kind == "layer" and s.layer.recurrent)
    return (x.shape[1] if x.ndim > 2 else 1) * directions


def _optimizer(program: Program) -> Any:
    if isinstance(program.optimizer, str):
        return program.optimizer
    try:
        return construct(program.optimizer)
    except Exception:  # reported by as_written; the trial goes on with the default
        return "adam"


def trial(program: Program, data: Data, quick: bool = False) -> Built:
    """Build program at trial sizes, run one training step on zeros, and check model.reset_states calls.
    quick: one way of training only (a failure's exact message in fit's words is not needed)."""
    shrunk = shrink_map(program, data)
    built = _trial_at(program, data, shrunk, quick)
    if shrunk and built.error_phase == "train" and _fits_y(built, data) and _small_at_full_size(program, data):
        # sizes shrunk apart can disagree where the learner's agree (200 pooled to 100 against y's 100)
        return _trial_at(program, data, {}, quick)
    return built


def _fits_y(built: Built, data: Data) -> bool:
    """Whether the model's one output, at the learner's sizes, has y's shape."""
    return data.y is not None and built.outputs is not None and len(built.outputs) == 1 \
        and tuple(built.outputs[0][1:]) == tuple(data.y[1:])


def _trial_at(program: Program, data: Data, shrunk: dict[int, int], quick: bool) -> Built:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        built = _build(program, data, shrunk, quick)
    return Built(**{**built, "warnings": _messages(caught), "shrunk": shrunk})


def _small_at_full_size(program: Program, data: Data) -> bool:
    """Whether the model is cheap to try at the learner's own sizes: a sample of X within the trial's budget and
    no layer size above a few times the trial's limit."""
    sizes = [v for step in program.steps if step.layer is not None for v in _size_values(step.layer)]
    return math.prod(data.x[1:]) <= SAMPLE_BUDGET and all(v <= 4 * LIMIT for v in sizes if isinstance(v, int))


class _Graph:
    """The tensors of a Program as Keras builds them at trial sizes, step by step."""

    def __init__(self, shrunk: dict[int, int]):
        self.shrunk = shrunk
        self.results: dict[int, Any] = {}
        self.objects: dict[int, Any] = {}  # uid -> Keras layer: one layer object used twice shares weights
        self.counts: dict[int, int] = {}
        self.failures: dict[int, str] = {}
        self.first: tuple[str, int | None, str] | None = None  # (message, step id, phase) of the first error

    def fail(self, step_id: int, message: str, phase: str) -> None:
        self.failures[step_id] = message
        self.first = self.first or (message, step_id, phase)

    def layer(self, step: Any, given: list, states: list) -> Any:
        if step.layer.uid not in self.objects:
            self.objects[step.layer.uid] = construct(step.layer, self.shrunk)
        extra = {"initial_state": states} if states else {}
        called = tuple(given) if step.tupled else given if step.listed else given[0]
        return self.objects[step.layer.uid](called, **extra)

    def add(self, step: Any) -> None:
        """One step built on the results so far (skipped when something it needs was not built)."""
        try:
            given = [_pick(self.results, ref) for ref in step.inputs]
            states = [_pick(self.results, ref) for ref in step.initial_state]
        except KeyError:
            return
        run = {"input": lambda: construct(step.layer, self.shrunk), "flip": lambda: keras.ops.flip(given[0], axis=1),
               "last": lambda: given[0][:, -1]}.get(step.kind, lambda: self.layer(step, given, states))
        try:
            result = run()
        except Exception as err:  # Keras's refusal is the finding
            self.fail(step.id, clean(err), "build")
            return
        self.results[step.id] = result
        self.counts[step.id] = len(result) if isinstance(result, (tuple, list)) else 1
        message = unpack_error(result, len(step.names)) if step.unpacked else None
        if message:
            self.fail(step.id, message, "unpack")


def _reset(program: Program, model: Any) -> dict[str, Any]:
    """The code's reset_states calls, on the model (or on an empty one)."""
    owner = model if model is not None else keras.Sequential()
    for _, method in program.resets:
        try:
            getattr(owner, method)()
        except Exception as err:
            return dict(error=clean(err), error_phase="reset")
    return {}


def _build(program: Program, data: Data, shrunk: dict[int, int], quick: bool = False) -> dict[str, Any]:
    graph = _Graph(shrunk)
    for step in program.steps:
        graph.add(step)
    refused: dict[int, str] = {}
    shapes = real_shapes(program, graph.results, refused)
    for step_id, message in refused.items():
        graph.fail(step_id, message, "build")
    out = dict(shapes=shapes, counts=graph.counts, failures=graph.failures)
    outputs = _outputs(program, graph, shapes, out)
    if graph.first:
        return out | dict(error=graph.first[0], error_step=graph.first[1], error_phase=graph.first[2])
    model = None
    if outputs is not None:
        model, out = _train(program, data, shrunk, graph.results, outputs, out, list(graph.objects.values()), quick)
    if program.resets and out.get("error") is None:
        out |= _reset(program, model)
    return out


def _outputs(program: Program, graph: _Graph, shapes: dict[int, Any], out: dict[str, Any]) -> list | None:
    """The model's output tensors (None when one was not built); their shapes go in out["outputs"]."""
    try:
        outputs = [_pick(graph.results, ref) for ref in program.output_refs()]
        out["outputs"] = tuple(s for ref in program.output_refs() for s in ref_shapes(shapes, ref))
    except KeyError:
        return None
    return outputs


def _model(program: Program, shrunk: dict[int, int], results: dict[int, Any], outputs: list,
           layers: list) -> Any:
    """The model the code makes: a Sequential of the same layer objects (it does not check X's shape against
    its input, as a functional model does), or a functional Model (also when the code stops at tensors)."""
    if program.style != "functional":
        return keras.Sequential([construct(program.inputs[0].layer, shrunk), *layers])
    inputs = [results[s.id] for s in program.inputs]
    outputs = [t for out in outputs for t in (out if isinstance(out, (tuple, list)) else [out])]
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs[0] if len(outputs) == 1 else outputs)


def _feeds(program: Program, data: Data, shrunk: dict[int, int], batch: int) -> list[np.ndarray]:
    """Zeros for every input: X for the first, each other input at its own sample shape (an open axis takes
    X's timesteps), all at trial sizes."""
    time = data.x[1] if len(data.x) > 2 else 1
    feeds = [_zeros(data.x, shrunk, batch)]
    for entry in program.inputs[1:]:
        sample = tuple(time if d is None else d for d in entry.features_shape)
        feeds.append(_zeros((None, *sample), shrunk, batch))
    return feeds


def _targets(model: Any, feeds: list[np.ndarray], data: Data, shrunk: dict[int, int], loss: str) -> Any:
    """y at trial sizes, or without y zeros of the model's own output shapes (class numbers for a sparse loss)."""
    batch = feeds[0].shape[0]
    if data.y is not None:
        return _zeros(data.y, shrunk, batch)
    predicted = model(feeds[0] if len(feeds) == 1 else feeds, training=False)
    outs = predicted if isinstance(predicted, (tuple, list)) else [predicted]
    sparse = loss.lower().replace("_", "").startswith("sparsecategorical")
    ys = [np.zeros(tuple(o.shape)[:-1] if sparse else tuple(o.shape), dtype="int32" if sparse else "float32")
          for o in outs]
    return ys[0] if len(ys) == 1 else ys


def _train(program: Program, data: Data, shrunk: dict[int, int], results: dict[int, Any], outputs: list,
           out: dict[str, Any], layers: list, quick: bool = False) -> tuple[Any, dict[str, Any]]:
    """One training step on zeros (on targets of the output's own shape when there is no y): eagerly when that
    is quicker (short sequences) and again traced, as fit traces it, when that fails, so that the message is the
    one a learner sees."""
    inputs = program.inputs
    try:
        model = _model(program, shrunk, results, outputs, layers)
    except Exception as err:
        return None, out | dict(error=clean(err), error_phase="build")
    batch = inputs[0].fixed_batch
    batch = shrunk.get(batch, batch) if isinstance(batch, int) else min(data.x[0], TRIAL_BATCH)
    loss = program.loss or ASSUMED_LOSS
    feeds = _feeds(program, data, shrunk, batch)
    try:
        y = _targets(model, feeds, data, shrunk, loss)
    except Exception as err:
        return model, out | dict(error=clean(err), error_phase="train")
    x = feeds[0] if len(feeds) == 1 else feeds
    batches = [(x, y)]
    fixed = inputs[0].fixed_batch
    if isinstance(fixed, int) and fixed > 0 and data.x[0] % fixed:  # fit's last batch would be smaller: try it too
        partial = data.x[0] % fixed if batch == fixed else max(1, min(data.x[0] % fixed, batch - 1))
        cut = (lambda a: [v[:partial] for v in a] if isinstance(a, list) else a[:partial])  # noqa: E731
        batches.append((cut(x), cut(y)))
    error = None
    ways = (True, False) if _layer_steps(program, feeds[0]) <= EAGER_TRAIN_STEPS else (False,)
    for eager in ways[:1] if quick else ways:
        try:
            model.compile(optimizer=_optimizer(program), loss=loss, run_eagerly=eager)
            values = [model.train_on_batch(xs, ys) for xs, ys in batches]
            return model, out | dict(trained=True, loss_value=float(np.ravel(values[0])[0]))
        except Exception as err:
            error = clean(err)
    return model, out | dict(error=error, error_phase="train")
