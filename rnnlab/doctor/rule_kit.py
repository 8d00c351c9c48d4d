"""What the rules share: a Finding (a Problem and its repair Program -> Program), the @rule decorator that
registers a rule (Program, Built, Data) -> findings, the loss's family, how a
tensor is traced back to the recurrent layer it comes from, and the small edits repairs are made of.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType


from rnnlab import architecture
from rnnlab.doctor.catalogue import PER_STEP
from rnnlab.doctor.program import Layer, Program, Ref, Shape, Step
from rnnlab.doctor.trial import Built, Data, ref_shapes
from rnnlab.doctor.verdict import Problem
from rnnlab.doctor.wording import part
from rnnlab.params import Config


CONFIG_NAMES = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn"}


@dataclass(frozen=True)
class Finding:
    problem: Problem
    repair: Callable[[Program], Program] | None = None


Rule = Callable[[Program, Built, Data], list[Finding]]
_REGISTERED: dict[str, list[Rule]] = {}


def rule(check: Rule) -> Rule:
    """Registers a rule with the rules of its module, in the order they are written (rules.RULES lists the
    modules in the order their findings are reported)."""
    _REGISTERED.setdefault(check.__module__, []).append(check)
    return check


def registered(module: ModuleType) -> list[Rule]:
    """The rules a module registered with @rule, in its order."""
    return list(_REGISTERED.get(module.__name__, ()))


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


def wrapped_layers(layer: Layer) -> Iterator[Layer]:
    yield layer
    if layer.inner:
        yield from wrapped_layers(layer.inner)


def change_layer(step_id: int, change: Callable[[Layer], Layer], comment: str = "") -> Callable[[Program], Program]:
    return lambda p: p.update(step_id, comment, layer=_map_layer(p.step(step_id).layer, change))


def set_flag(step_id: int, name: str, on: bool, comment: str) -> Callable[[Program], Program]:
    return lambda p: p.update(step_id, comment, layer=p.step(step_id).layer.set_flag(name, on))


def ref_shape(built: Built, ref: Ref) -> Shape | None:
    """The shape of the one tensor a ref stands for (None if unknown, or several)."""
    found = ref_shapes(built.shapes, ref) if ref[0] in built.shapes else ()
    return found[0] if len(found) == 1 else None


def source_step(program: Program, ref: Ref) -> tuple[Step, bool]:
    """The step a tensor comes from through per-timestep layers, and whether a flip was passed."""
    flipped = False
    step = program.producer(ref)
    while step.kind == "flip" or step.kind == "layer" and step.layer.cls in PER_STEP and step.inputs:
        flipped |= step.kind == "flip"
        step = program.producer(step.inputs[0])
    return step, flipped


def upstream(program: Program, ref: Ref) -> tuple[Step | None, bool]:
    """The recurrent layer a tensor comes from through per-timestep layers, and whether a flip was passed."""
    step, flipped = source_step(program, ref)
    return (step if step.kind == "layer" and step.layer.recurrent else None), flipped


def regroup(p: Program, step_id: int, old: tuple[str, ...], new: tuple[str, ...], joined: bool = False) -> Program:
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


def consequence(built: Built, loss: str | None) -> str:
    """What Keras did with a model whose output and y disagree: trained on quietly, or stopped at training."""
    if built.trained:
        return part("trained_wrong", loss=loss or "mse",
                    spread=part("broadcasts") if loss_family(loss) == "elementwise" else "")
    return part("stops_training") if built.error_phase == "train" else ""


def drop_time_axis(below_id: int) -> Callable[[Program], Program]:
    """return_sequences off, and TimeDistributed(X) after it becomes X (there is no time axis left)."""
    def repair(p: Program) -> Program:
        p = set_flag(below_id, "return_sequences", False, "no return_sequences: one output per sample")(p)
        for step in p.steps:
            if step.id > below_id and step.kind == "layer" and step.layer.cls == "TimeDistributed" and \
                    upstream(p, step.inputs[0])[0] is not None and upstream(p, step.inputs[0])[0].id == below_id:
                p = p.update(step.id, "no TimeDistributed: there is no time axis left", layer=step.layer.inner)
        return p
    return repair


def output_dense(step: Step | None) -> tuple[Step, Layer] | None:
    """The output's Dense (or the Dense in its TimeDistributed)."""
    if step is None or step.kind != "layer":
        return None
    if step.layer.cls == "Dense":
        return step, step.layer
    if step.layer.cls == "TimeDistributed" and step.layer.inner and step.layer.inner.cls == "Dense":
        return step, step.layer.inner
    return None


def sized_recurrent(step: Step) -> tuple[Step, Layer] | None:
    """A recurrent layer (not Bidirectional) whose units are the last axis of what it returns first."""
    if step.kind == "layer" and step.layer.recurrent and step.layer.cls != "Bidirectional" and step.layer.has("units"):
        return step, step.layer
    return None


def is_size(value: object) -> bool:
    """A known axis size: a whole number, not a bool."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def fits_shape(model: Shape, given: Shape) -> bool:
    return len(model) == len(given) and all(m is None or m == g for m, g in zip(model, given))


def same_shape(output: Shape, target: Shape) -> bool:
    """Shapes without the batch axis that agree, up to a trailing axis of size 1 (Keras adds or drops it). Where
    it does, an open axis (None, timesteps) of the output does not stand for an axis of 1 in y: (None, 1) against
    y's (1,) is one prediction per timestep against one value per sample."""
    def fits_open(model: Shape, given: Shape) -> bool:
        return len(model) == len(given) and all(m == g or m is None and g != 1 for m, g in zip(model, given))

    return fits_shape(output, target) \
        or len(output) == len(target) + 1 and output[-1] == 1 and fits_open(output[:-1], target) \
        or len(target) == len(output) + 1 and target[-1] == 1 and fits_open(output, target[:-1])


def output_step(program: Program) -> Step:
    return program.producer(program.output_refs()[0])


def divisor(n: int, most: int) -> int:
    """The largest batch size <= most that splits n samples evenly."""
    return next(d for d in range(max(1, min(most, n)), 0, -1) if n % d == 0)


def standard_names(layer: Layer) -> tuple[str, ...]:
    """What the app calls the tensors a recurrent layer returns, in Keras's order."""
    core = layer.core
    merge = layer.get("merge_mode", "concat") if layer.cls == "Bidirectional" else "concat"
    config = Config(layer=CONFIG_NAMES.get(core.cls, "lstm"), return_sequences=core.flag("return_sequences"),
                    return_state=core.flag("return_state"), bidirectional=layer.cls == "Bidirectional",
                    merge_mode="none" if merge is None else merge)
    return architecture.returned_names(config)
