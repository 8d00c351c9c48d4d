"""What the doctor found, as plain data: problems, the layer table, the checked fix (no Keras needed to read it).

A Diagnosis is computed where Keras runs (a worker process of the app, or the command line's own) and
read where it is shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rnnlab.doctor.program import NotRead, Shape


def fmt(shape: Shape | None) -> str:
    return "?" if shape is None else str(tuple(shape))



@dataclass(frozen=True)
class Problem:
    kind: str  # a short snake_case id
    message: str  # what is wrong, in plain words
    fix: str  # the smallest fix
    line: int | None
    severity: str = "error"  # "warning": Keras runs it, but warns or ignores part of it


@dataclass(frozen=True)
class LayerShape:
    """One row of the table: a step of the model as Keras built it, at the learner's sizes."""

    line: int | None
    layer: str
    shapes: tuple[Shape, ...] | None  # one per returned tensor; None when Keras did not get there
    note: str = ""


@dataclass(frozen=True)
class Verification:
    """The fixed code, built and trained one step."""

    built: bool
    output_shapes: tuple[Shape, ...] | None
    matches_y: bool | None
    trained: bool
    loss_value: float | None
    error: str | None
    summary: str  # e.g. "built: output (None, 1) matches y (118, 1); one training step ran on zeros ..."
    warnings: tuple[str, ...] = ()  # what Keras warned about while building and training the fixed code

    @property
    def verified(self) -> bool:
        """Built, its output fits y (when there is one) and the training step ran (when there could be one)."""
        return self.built and self.matches_y is not False and (self.trained or self.error is None)


@dataclass(frozen=True)
class RankedFix:
    """Another edit that Keras built and trained and that fits y, after the proposed one."""

    what: str  # the edit in plain words
    code: str
    verification: Verification


@dataclass(frozen=True)
class Diagnosis:
    problems: tuple[Problem, ...]
    keras_error: str | None  # the first error running the code as written would meet, in Keras's words
    keras_error_line: int | None
    keras_warnings: tuple[str, ...]
    layer_shapes: tuple[LayerShape, ...]
    output_shapes: tuple[Shape, ...] | None
    fixed_code: str | None
    verification: Verification | None
    not_read: tuple[NotRead, ...]
    notes: tuple[str, ...]
    keras_version: str  # the Keras that built and trained it
    untested: str = ""  # why no training step ran on the code as read ("" when one did)
    fix_what: str = ""  # the proposed fix in plain words
    alternatives: tuple[RankedFix, ...] = ()  # other verified fixes, smallest first

    @property
    def unread_model(self) -> tuple[NotRead, ...]:
        """Lines that build part of the model and were not understood."""
        return tuple(n for n in self.not_read if n.model)

    @property
    def verdict(self) -> str:
        """'problem'; 'unsure' when part of the model was not read or no training step ran; else 'ok' (the
        model builds and one training step ran)."""
        if any(p.severity == "error" for p in self.problems):
            return "problem"
        return "unsure" if self.unread_model or self.untested else "ok"

    @property
    def fixed_output_shape(self) -> list | None:
        """The fixed model's output shape without the batch axis (a list of them for several outputs)."""
        shapes = self.verification.output_shapes if self.verification and self.verification.built else None
        if not shapes:
            return None
        return list(shapes[0][1:]) if len(shapes) == 1 else [list(s[1:]) for s in shapes]

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "problems": [dataclasses.asdict(p) for p in self.problems],
            "keras_error": self.keras_error,
            "keras_error_line": self.keras_error_line,
            "layer_shapes": [{"line": r.line, "layer": r.layer,
                              "output_shapes": [list(s) for s in r.shapes] if r.shapes else None, "note": r.note}
                             for r in self.layer_shapes],
            "fixed_code": self.fixed_code,
            "fixed_output_shape": self.fixed_output_shape,
            "fix": self.fix_what,
            "other_fixes": [{"fix": a.what, "code": a.code, "verification": dataclasses.asdict(a.verification)}
                            for a in self.alternatives],
            "untested": self.untested,
            "verification": dataclasses.asdict(self.verification) if self.verification else None,
            "not_understood": [dataclasses.asdict(n) for n in self.not_read],
            "notes": list(self.notes),
            "keras_warnings": list(self.keras_warnings),
            "keras_version": self.keras_version,
        }
