"""run(config) -> Run: Keras's returned tensors, the NumPy trace of every step, and how well they agree."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from rnnlab import architecture, model, refusals, trace
from rnnlab.inputs import lengths_of, make_data, mask_of
from rnnlab.params import Config
from rnnlab.result import TOLERANCE, Check, Part, Run, Stateful, Tensor

KERAS_VERSION = keras.__version__

WEIGHT_NAMES = ("kernel", "recurrent_kernel", "bias")
MERGES = {
    "concat": lambda a, b: np.concatenate([a, b], axis=-1),
    "sum": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "ave": lambda a, b: (a + b) / 2,
}
HEAD_ACTIVATIONS = {**trace.ACTIVATIONS, "softmax": lambda z: np.exp(z - z.max(-1, keepdims=True))
                    / np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True)}


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def _trace_stack(config: Config, x: np.ndarray, mask: np.ndarray | None, weights: tuple,
                 initial: list | None = None) -> tuple[list[list[trace.Trace]], list[np.ndarray]]:
    """Trace every layer of the stack bottom-up -> (per layer [forward] or [forward, backward], its inputs)."""
    layers, inputs, seen = [], x, []
    for k, directions in enumerate(weights):
        seen.append(inputs)
        traces = []
        for d, w in enumerate(directions):
            start = None if initial is None else initial[k][d]
            backwards = config.go_backwards or d == 1
            traces.append(trace.recurrence(config.layer, inputs, w, config.activation, mask, backwards, start))
        layers.append(traces)
        inputs = _sequence_output(config, traces, mask)
    return layers, seen


def _sequence_output(config: Config, traces: list[trace.Trace], mask: np.ndarray | None) -> np.ndarray | tuple:
    """What a layer returning sequences hands on: per direction in input time order, merged."""
    outs = []
    for d, steps in enumerate(traces):
        seq = steps.h
        if config.bidirectional and mask is not None:  # Bidirectional zeroes masked steps of sequences
            seq = np.where((mask[:, ::-1] if d else mask)[..., None], seq, 0.0)
        outs.append(seq[:, ::-1] if d else seq)
    return _merge(config, outs)


def _merge(config: Config, outs: list[np.ndarray]) -> np.ndarray | tuple:
    if len(outs) == 1:
        return outs[0]
    if config.merge_mode == "none":
        return tuple(outs)
    return MERGES[config.merge_mode](*outs)


def _expected(config: Config, last: list[trace.Trace], mask: np.ndarray | None, head: list | None) -> dict:
    """What the trace says Keras returns, by name."""
    if config.return_sequences:
        first = _sequence_output(config, last, mask)
    else:
        first = _merge(config, [steps.h[:, -1] for steps in last])
    firsts = list(first) if isinstance(first, tuple) else [first]
    states = [getattr(steps, s)[:, -1] for steps in last for s in architecture.STATE_LETTERS[config.layer]]
    values = firsts + (states if config.return_state else [])
    if head:
        kernel, bias = head
        values.append(HEAD_ACTIVATIONS[config.head_activation](firsts[0] @ kernel + bias))
    return dict(zip(architecture.output_names(config), values))


def _checks(config: Config, returns: dict[str, np.ndarray]) -> tuple[Check, ...]:
    """The identities a learner should see hold (or not) between the returned tensors."""
    if not config.return_state:
        return ()
    first_name = architecture.returned_names(config)[0]
    if config.bidirectional:
        return _direction_checks(config, first_name, returns[first_name], returns["forward_h"],
                                 returns["backward_h"])
    return _state_checks(config, returns[first_name], returns)


def _state_checks(config: Config, first: np.ndarray, returns: dict[str, np.ndarray]) -> tuple[Check, ...]:
    """One direction: the output is state_h (at the last step), and an LSTM's state_h is not its state_c."""
    if config.return_sequences:
        checks = [Check("whole_seq[:, -1, :] == state_h", _diff(first[:, -1], returns["state_h"]), True)]
    else:
        checks = [Check("output == state_h", _diff(first, returns["state_h"]), True)]
    if config.layer == "lstm":
        checks.append(Check("state_h != state_c", _diff(returns["state_h"], returns["state_c"]), False))
    return tuple(checks)


def _direction_checks(config: Config, first_name: str, first: np.ndarray, fwd: np.ndarray, bwd: np.ndarray
                      ) -> tuple[Check, ...]:
    """Bidirectional: where forward_h and backward_h are found in the first returned tensor, by merge mode."""
    if config.merge_mode == "none":
        pick = (lambda a: a[:, -1]) if config.return_sequences else (lambda a: a)
        return (Check(f"{first_name}{'[:, -1]' * config.return_sequences} == forward_h",
                      _diff(pick(first), fwd), True),)
    if config.merge_mode == "concat":
        return _concat_checks(config, first, fwd, bwd)
    if not config.return_sequences:
        return (Check(f"output == {config.merge_mode}(forward_h, backward_h)",
                      _diff(first, MERGES[config.merge_mode](fwd, bwd)), True),)
    return ()


def _concat_checks(config: Config, first: np.ndarray, fwd: np.ndarray, bwd: np.ndarray) -> tuple[Check, ...]:
    """merge_mode=concat: forward_h in the first units, backward_h in the rest (of the first step, for the whole
    sequence: the backward direction ends there); nothing to say of a padded sequence."""
    units = config.units
    if not config.return_sequences:
        return (Check("output[:, :units] == forward_h", _diff(first[:, :units], fwd), True),
                Check("output[:, units:] == backward_h", _diff(first[:, units:], bwd), True))
    if config.mask and config.lengths:
        return ()
    checks = [Check("whole_seq[:, -1, :units] == forward_h", _diff(first[:, -1, :units], fwd), True),
              Check("whole_seq[:, 0, units:] == backward_h", _diff(first[:, 0, units:], bwd), True)]
    if config.timesteps > 1:
        checks.append(Check("whole_seq[:, -1, units:] != backward_h", _diff(first[:, -1, units:], bwd), False))
    return tuple(checks)


def _parts(config: Config, traced: list[list[trace.Trace]], inputs: list[np.ndarray], weights: tuple
           ) -> tuple[Part, ...]:
    parts = []
    for k in reversed(range(len(traced))):
        for d, steps in enumerate(traced[k]):
            where = f"layer {k + 1} of {config.depth}" if config.depth > 1 else ""
            label = ", ".join(filter(None, [where, ("backward" if d else "forward") if config.bidirectional else ""]))
            for array in (steps.h, steps.c, *steps.gates.values()):
                if array is not None:
                    array.flags.writeable = False
            parts.append(Part(label or architecture.KERAS_CLASSES[config.layer], k, d == 1, config.go_backwards or d == 1,
                              _frozen(inputs[k]), steps, dict(zip(WEIGHT_NAMES, map(_frozen, weights[k][d])))))
    return tuple(parts)


def _tensors(config: Config, arrays: tuple[np.ndarray, ...]) -> tuple[Tensor, ...]:
    names = architecture.output_names(config)
    return tuple(Tensor(n, _frozen(a), architecture.returned_axes(config, n)) for n, a in zip(names, arrays))


def _plain(config: Config) -> Any:
    """The same layers with sequences, states and head switched off: the (merged) last output only."""
    return dataclasses.replace(config, return_sequences=False, return_state=False, head="none", lengths=())


def _keras_final(config: Config, x: np.ndarray) -> np.ndarray:
    """Keras's (merged) last output for x, with sequences, states and head switched off."""
    return model.call(_plain(config), x).arrays[0]


def _traced(config: Config, x: np.ndarray, weights: model.Prepared | model.Called, initial: list | None = None
            ) -> tuple[tuple[np.ndarray, ...], list]:
    """What the NumPy trace says Keras returns for x (in output_names order), and the trace itself."""
    mask = mask_of(x, config)
    traced, _ = _trace_stack(config, x, mask, weights.recurrent, initial)
    expected = _expected(config, traced[-1], mask, weights.head)
    return tuple(expected[n] for n in architecture.output_names(config)), traced


def _padding_effect(config: Config, x: np.ndarray, final: Callable[[Any, np.ndarray], np.ndarray]) -> tuple[Check, ...]:
    """Final outputs of the padded batch against those of each sequence run unpadded, with and without the
    mask; final(config, x) gives them (Keras's own numbers, or the trace's before Keras has run).

    Without the mask the padded zeros run through the layer and change its output, except where the layer
    reads them first (padding "pre" read forwards, "post" read with go_backwards; never both directions of
    Bidirectional) and a zero input leaves the zero state at zero (as it does while the biases the zeros meet
    are zero: an untrained layer with its default activation)."""
    unpadded = _unpadded(config, x, final)
    unchanged = _zeros_change_nothing(config, x, final)
    why = " (the zeros, read first, leave the zero state at zero)" if unchanged else ""
    return tuple(
        Check(f"{'with' if masked else 'without'} the mask: padded output {'==' if masked or unchanged else '!='} "
              f"unpadded output{'' if masked else why}",
              _diff(final(dataclasses.replace(config, mask=masked), x), unpadded), masked or unchanged)
        for masked in (True, False)
    )


def _unpadded(config: Config, x: np.ndarray, final: Callable[[Config, np.ndarray], np.ndarray]) -> np.ndarray:
    """The final outputs of each sequence of the padded batch x, run without its padding."""
    lengths = lengths_of(config.batch, config.lengths, config.timesteps)
    unpadded = np.empty_like(final(config, x))
    for n in np.unique(lengths):
        rows = np.flatnonzero(lengths == n)
        real = x[rows, :n] if config.padding == "post" else x[rows, config.timesteps - n:]
        unpadded[rows] = final(dataclasses.replace(config, mask=False), real)
    return unpadded


def _zeros_change_nothing(config: Config, x: np.ndarray, final: Callable[[Config, np.ndarray], np.ndarray]) -> bool:
    """Whether the padded zeros, unmasked, leave the output as it was: the layer reads them first and a zero
    input keeps the zero state at zero."""
    step = dataclasses.replace(config, mask=False, timesteps=1)
    zero_stays = _diff(final(step, np.zeros_like(x[:, :1])), 0.0) <= TOLERANCE
    zeros_first = not config.bidirectional and (config.padding == "pre") != config.go_backwards
    return zeros_first and zero_stays


def _stateful_checks(config: Config, second: tuple, after_reset: tuple, ends_whole: np.ndarray,
                     starts_fresh: np.ndarray, x_second: np.ndarray, traces: tuple = ()) -> Stateful:
    name = architecture.output_names(config)[0]
    pick = (lambda a: a[:, -1]) if config.return_sequences else (lambda a: a)
    same = "==" if not config.bidirectional else "!="  # the backward direction reads each chunk on its own
    checks = (
        Check(f"second chunk with carried state: {name} {same} that of both chunks as one sequence",
              _diff(pick(second[0]), pick(ends_whole)), not config.bidirectional),
        Check(f"after reset_state(): {name} == a fresh start on the second chunk",
              _diff(after_reset[0], starts_fresh), True),
    )
    return Stateful(_tensors(config, second), _tensors(config, after_reset), _frozen(x_second), checks,
                    _diff(second[0], after_reset[0]), traces)


def _whole(config: Config) -> Any:
    """The stateful config as one stateless sequence of both chunks."""
    return dataclasses.replace(config, stateful=False, timesteps=2 * config.timesteps)


def _stateful(config: Config, chunks: tuple[np.ndarray, np.ndarray]) -> tuple[model.Called, Stateful]:
    """Keras: chunk 1, chunk 2 carrying the states, chunk 2 after reset_state()."""
    first, second, after_reset = model.call_stateful(config, chunks)
    ends_whole = model.call(_whole(config), np.concatenate(chunks, axis=1)).arrays[0]
    starts_fresh = model.call(dataclasses.replace(config, stateful=False), chunks[1]).arrays[0]
    return first, _stateful_checks(config, second.arrays, after_reset.arrays, ends_whole, starts_fresh, chunks[1])


def _second_chunk(config: Config, chunks: tuple[np.ndarray, np.ndarray], weights: model.Prepared | model.Called,
                  first: list) -> tuple[tuple[np.ndarray, ...], tuple[trace.Trace, ...]]:
    """Chunk 2 traced from the final states the trace `first` of chunk 1 left, per layer and direction: what
    it returns, and its step-by-step trace per part (in Run.parts' order)."""
    initial = [[(s.h[:, -1], None if s.c is None else s.c[:, -1]) for s in layer] for layer in first]
    arrays, traced = _traced(config, chunks[1], weights, initial)
    steps = tuple(s for k in reversed(range(len(traced))) for s in traced[k])  # as _parts orders them
    for array in (a for s in steps for a in (s.h, s.c, *s.gates.values()) if a is not None):
        array.flags.writeable = False
    return arrays, steps


def _stateful_traced(config: Config, chunks: tuple[np.ndarray, np.ndarray], prepared: model.Prepared) -> Stateful:
    """The same as _stateful from the NumPy trace: chunk 2 starts from chunk 1's final states."""
    second, traces = _second_chunk(config, chunks, prepared, _traced(config, chunks[0], prepared)[1])
    after_reset, _ = _traced(config, chunks[1], prepared)
    ends_whole = _traced(_whole(config), np.concatenate(chunks, axis=1), prepared)[0][0]
    return _stateful_checks(config, second, after_reset, ends_whole, after_reset[0], chunks[1], traces)


def _refused(config: Config, x: np.ndarray, error: model.KerasRefused) -> Run:
    return Run(config, _frozen(x), (), (), {}, 0, KERAS_VERSION, 0.0, (), refusal=refusals.explain(config, str(error)))


def _inputs(config: Config) -> tuple[np.ndarray, np.ndarray | None, tuple[np.ndarray, np.ndarray] | None]:
    """The seeded input x (the first chunk when stateful), its mask, and the two chunks when stateful."""
    data = make_data(config)
    chunks = (data[:, :config.timesteps], data[:, config.timesteps:]) if config.stateful else None
    x = chunks[0] if chunks else data
    return x, mask_of(x, config), chunks


def _run(config: Config, x: np.ndarray, mask: np.ndarray | None, called: model.Called | model.Prepared,
         traced: list, inputs: list, returns: tuple[Tensor, ...], agreement: float | None, **extra: Any) -> Run:
    return Run(
        config=config,
        x=_frozen(x),
        returns=returns,
        parts=_parts(config, traced, inputs, called.recurrent),
        head_weights=dict(zip(("kernel", "bias"), map(_frozen, called.head or ()))),
        params=called.params,
        keras_version=KERAS_VERSION,
        agreement=agreement,
        checks=_checks(config, {t.name: t.value for t in returns}),
        mask=None if mask is None else _frozen(mask),
        **extra,
    )


def run(config: Config) -> Run:
    """Build (or reuse) the Keras model for config, call it on the seeded input, trace every step."""
    x, mask, chunks = _inputs(config)
    try:
        if chunks:
            called, stateful = _stateful(config, chunks)
        else:
            called, stateful = model.call(config, x), None
        padding_effect = _padding_effect(config, x, _keras_final) if config.lengths else ()
    except model.KerasRefused as error:
        return _refused(config, x, error)
    traced, inputs = _trace_stack(config, x, mask, called.recurrent)
    returns = _tensors(config, called.arrays)
    expected = _expected(config, traced[-1], mask, called.head)
    agreement = max(_diff(t.value, expected[t.name]) for t in returns)
    if stateful:
        second, traces = _second_chunk(config, chunks, called, traced)
        agreement = max(agreement, *(_diff(t.value, s) for t, s in zip(stateful.second, second)))
        stateful = dataclasses.replace(stateful, traces=traces)
    return _run(config, x, mask, called, traced, inputs, returns, agreement,
                padding_effect=padding_effect, stateful=stateful)


def preview(config: Config) -> Run:
    """The answer before Keras's forward pass: Keras's own output shapes, parameter count and seeded
    weights (the model is built, not called), the values from the NumPy trace (also for the padding
    comparison and the stateful chunks); `agreement` is None until run(config) has confirmed them."""
    x, mask, chunks = _inputs(config)
    try:
        prepared = model.prepare(config)
    except model.KerasRefused as error:
        return _refused(config, x, error)
    traced, inputs = _trace_stack(config, x, mask, prepared.recurrent)
    expected = _expected(config, traced[-1], mask, prepared.head)
    arrays = tuple(expected[n] for n in architecture.output_names(config))
    if tuple(a.shape for a in arrays) != prepared.shapes:  # the trace is not what Keras builds: ask Keras
        return run(config)
    padding_effect = _padding_effect(config, x, lambda c, xs: _traced(_plain(c), xs, prepared)[0][0]) \
        if config.lengths else ()
    stateful = _stateful_traced(config, chunks, prepared) if chunks else None
    return _run(config, x, mask, prepared, traced, inputs, _tensors(config, arrays), None,
                padding_effect=padding_effect, stateful=stateful)
