"""Plain-words text computed from a Run: what each returned tensor is, one unit's update, the parameter count."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.result import Part, Run

MEANING = {
    "output": "h at the last timestep only",
    "whole_seq": "h at every timestep",
    "state_h": "the final hidden state h_T: the same numbers as the last output",
    "state_c": "the final cell state c_T: never part of the output",
    "forward_h": "the forward copy's final h",
    "forward_c": "the forward copy's final c",
    "backward_h": "the backward copy's final h: it has read the whole sequence, ending at timestep 0",
    "backward_c": "the backward copy's final c",
    "forward_output": "the forward copy's last h",
    "backward_output": "the backward copy's last h (after reading timestep 0)",
    "forward_seq": "the forward copy's h at every timestep",
    "backward_seq": "the backward copy's h at every timestep, put back in input time order",
    "prediction": "the head applied to the first returned tensor (on its last axis)",
}
BIDIRECTIONAL_MEANING = {
    "output": "both directions' last h, merged",
    "whole_seq": "both directions' h at every timestep, merged (backward put back in input time order)",
}
GATES_PER_UNIT = {"lstm": 4, "gru": 3, "simple_rnn": 1}
BIASES = {"lstm": 1, "gru": 2, "simple_rnn": 1}  # GRU (reset_after=True) has an input and a recurrent bias


@dataclass(frozen=True)
class Row:
    name: str
    shape: str  # "(32, 10, 64)"
    axes: str  # "(batch, timesteps, units)"
    meaning: str


def returns_table(run: Run) -> list[Row]:
    """One row per returned tensor, in the order Keras returns them."""
    meanings = {**MEANING, **(BIDIRECTIONAL_MEANING if run.config.bidirectional else {})}
    return [Row(t.name, str(t.shape), f"({', '.join(t.axes)})", meanings[t.name]) for t in run.returns]


def time_read(run: Run, part: Part, step: int) -> int:
    """The input timestep that processing step `step` of this part read."""
    return run.config.timesteps - 1 - step if part.reads_backwards else step


def unit_update(run: Run, part: Part, sample: int, step: int, unit: int) -> tuple[str, ...]:
    """The update lines for one unit at one processing step, with the numbers filled in."""
    steps, act = part.trace, run.config.activation
    h_prev = float(steps.h[sample, step - 1, unit]) if step > 0 else 0.0
    h = float(steps.h[sample, step, unit])
    gate = {name: float(value[sample, step, unit]) for name, value in steps.gates.items()}
    if run.config.layer == "lstm":
        c_prev = float(steps.c[sample, step - 1, unit]) if step > 0 else 0.0
        c = float(steps.c[sample, step, unit])
        return (f"c_t = f_t * c_(t-1) + i_t * g_t = {gate['f']:.4f} * {c_prev:.4f} + {gate['i']:.4f} * "
                f"{gate['g']:.4f} = {c:.4f}",
                f"h_t = o_t * {act}(c_t) = {gate['o']:.4f} * {act}({c:.4f}) = {h:.4f}")
    if run.config.layer == "gru":
        return (f"h_t = z_t * h_(t-1) + (1 - z_t) * h̃_t = {gate['z']:.4f} * {h_prev:.4f} + "
                f"(1 - {gate['z']:.4f}) * {gate['h~']:.4f} = {h:.4f}",
                f"(z_t: update gate, how much of h_(t-1) is kept; r_t = {gate['r']:.4f}: reset gate; h̃_t: the "
                "candidate)")
    kernel, recurrent_kernel, bias = (part.weights[n] for n in ("kernel", "recurrent_kernel", "bias"))
    x_t = part.inputs[sample, time_read(run, part, step)]
    h_before = steps.h[sample, step - 1] if step > 0 else np.zeros_like(steps.h[sample, 0])
    pre = float(x_t @ kernel[:, unit] + h_before @ recurrent_kernel[:, unit] + bias[unit])
    return (f"h_t = {act}(x_t · W + h_(t-1) · U + b) = {act}({pre:.4f}) = {h:.4f}",)


def param_terms(run: Run) -> list[tuple[str, int]]:
    """Every layer's parameter count, written out by formula, with its value; they add up to count_params()."""
    config = run.config
    gates, biases = GATES_PER_UNIT[config.layer], BIASES[config.layer]
    factor = f"{gates} × " if gates > 1 else ""
    twice = "2 × " if config.bidirectional else ""
    terms, width = [], config.features
    for k in range(config.depth):
        count = (2 if twice else 1) * gates * config.units * (width + config.units + biases)
        terms.append((f"layer {k + 1}: {twice}{factor}units × (inputs + units + {biases}) = {twice}{factor}"
                      f"{config.units} × ({width} + {config.units} + {biases}) = {count:,}", count))
        width = config.units * (2 if config.bidirectional and config.merge_mode == "concat" else 1)
    if config.head != "none":
        count = config.head_units * (width + 1)
        terms.append((f"head: head_units × (inputs + 1) = {config.head_units} × ({width} + 1) = {count:,}", count))
    return terms


def largest_state(run: Run) -> float:
    """The largest |h| over every step of the last layer: bounded by 1 with tanh, not with relu."""
    return float(np.max(np.abs(run.trace.h)))
