"""Plain-words text computed from a Run: what each returned tensor is, one unit's update, the parameter count."""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab.run import Run

MEANING = {
    "output": "h at the last timestep only",
    "whole_seq": "h at every timestep",
    "state_h": "the final hidden state h_T: the same numbers as the last output",
    "state_c": "the final cell state c_T: never part of the output",
}


@dataclass(frozen=True)
class Row:
    name: str
    shape: str  # "(32, 10, 64)"
    axes: str  # "(batch, timesteps, units)"
    meaning: str


def returns_table(run: Run) -> list[Row]:
    """One row per returned tensor, in the order Keras returns them."""
    return [Row(t.name, str(t.shape), f"({', '.join(t.axes)})", MEANING[t.name]) for t in run.returns]


def unit_update(run: Run, sample: int, step: int, unit: int) -> tuple[str, str]:
    """The two LSTM update lines for one unit at one timestep, with the numbers filled in."""
    trace = run.trace
    g = {name: float(trace.gates[name][sample, step, unit]) for name in trace.gates}
    c_prev = float(trace.c[sample, step - 1, unit]) if step > 0 else 0.0
    c, h = float(trace.c[sample, step, unit]), float(trace.h[sample, step, unit])
    cell = (f"c_t = f_t * c_(t-1) + i_t * g_t = {g['f']:.4f} * {c_prev:.4f} + {g['i']:.4f} * {g['g']:.4f}"
            f" = {c:.4f}")
    hidden = f"h_t = o_t * tanh(c_t) = {g['o']:.4f} * tanh({c:.4f}) = {h:.4f}"
    return cell, hidden


def param_formula(run: Run) -> str:
    """4 * units * (features + units + 1), written out with the numbers."""
    units, features = run.config.units, run.config.features
    total = 4 * units * (features + units + 1)
    return f"4 × units × (features + units + 1) = 4 × {units} × ({features} + {units} + 1) = {total:,}"
