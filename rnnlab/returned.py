"""Where each returned tensor comes from in the unrolled layer, read from the Run's own returned tensors.

For every tensor Keras returned (its name, shape and axes as the Run records them), the cells of the last
recurrent layer whose h or c it holds:

    >>> [(p.name, p.index, p.part, p.step) for p in pieces(run)]   # LSTM(return_sequences, return_state), T=3
    [('whole_seq', (0,), 0, 0), ('whole_seq', (1,), 0, 1), ('whole_seq', (2,), 0, 2),
     ('state_h', (), 0, 2), ('state_c', (), 0, 2)]

`index` is the tensor's index after the batch axis (a timestep, or nothing), `channels` the slice of its last
axis that holds this part's vector, `step` the part's processing step whose state it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab.result import Run, Tensor


@dataclass(frozen=True)
class Piece:
    """One vector of a returned tensor, traced to the cell that computed it."""

    name: str  # the returned tensor, e.g. "whole_seq"
    shape: tuple[int, ...]  # its whole shape, e.g. (32, 10, 64)
    index: tuple[int, ...]  # where this vector sits after the batch axis: (j,) on a time axis, () otherwise
    channels: slice  # the part of its last axis this part fills
    part: int  # index into run.parts
    step: int  # that part's processing step
    state: str  # "h" or "c": the state the vector is
    merged: str = ""  # with Bidirectional: how the two directions are joined ("concat", "sum", ...), or ""
    head: bool = False  # the head's prediction (computed from the first returned tensor at this step)


def last_parts(run: Run) -> dict[str, int]:
    """Indices into run.parts of the last recurrent layer's directions: {'forward': i, 'backward': j}."""
    top = run.config.depth - 1
    return {("backward" if p.backward else "forward"): i for i, p in enumerate(run.parts) if p.layer == top}


def _direction(name: str) -> str | None:
    return next((d for d in ("forward", "backward") if name.startswith(d + "_")), None)


def _owners(run: Run, tensor: Tensor) -> list[tuple[int, slice, str]]:
    """(part, channels, merge) for each direction whose h the first returned tensor holds."""
    parts, units = last_parts(run), run.config.units
    own = _direction(tensor.name)
    if own or len(parts) == 1:
        return [(parts[own or "forward"], slice(0, units), "")]
    if tensor.shape[-1] == 2 * units:  # the two directions side by side
        return [(parts["forward"], slice(0, units), "concat"), (parts["backward"], slice(units, 2 * units), "concat")]
    merge = run.config.merge_mode
    return [(parts[d], slice(0, units), merge) for d in ("forward", "backward")]


def _sequence_steps(run: Run, part: int, timed: bool) -> list[tuple[tuple[int, ...], int]]:
    """(index, processing step) for a tensor's vectors: every timestep of a sequence, in Keras's order (the
    backward copy inside Bidirectional is put back in input time order; go_backwards keeps reading order), or the
    last step alone."""
    last = run.config.timesteps - 1
    if not timed:
        return [((), last)]
    backward = run.parts[part].backward
    return [((j,), last - j if backward else j) for j in range(last + 1)]


def pieces(run: Run) -> list[Piece]:
    """Every vector Keras returned, traced to its cell, in the order Keras returns the tensors."""
    out: list[Piece] = []
    first = None
    for tensor in run.returns:
        timed = "timesteps" in tensor.axes
        if tensor.name == "prediction":
            for index, step in _sequence_steps(run, first[0][0], timed):
                out.append(Piece(tensor.name, tensor.shape, index, slice(None), first[0][0], step, "h", head=True))
        elif tensor.name.endswith(("_h", "_c")):
            part = last_parts(run)[_direction(tensor.name) or "forward"]
            out.append(Piece(tensor.name, tensor.shape, (), slice(None), part, run.config.timesteps - 1,
                             tensor.name[-1]))
        else:
            first = first or _owners(run, tensor)
            for part, channels, merge in _owners(run, tensor):
                out += [Piece(tensor.name, tensor.shape, index, channels, part, step, "h", merge)
                        for index, step in _sequence_steps(run, part, timed)]
    return out


def column(run: Run, part: int, step: int) -> int:
    """The input timestep that processing step `step` of a part read."""
    last = run.config.timesteps - 1
    return last - step if run.parts[part].reads_backwards else step
