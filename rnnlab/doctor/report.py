"""A Diagnosis as a readable text report (the command line's output without --json)."""

from __future__ import annotations

import textwrap

from rnnlab.doctor.verdict import Diagnosis, fmt


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def shapes_text(shapes) -> str:
    """One shape, or several joined by commas; '-' when Keras did not get there."""
    return ", ".join(fmt(s) for s in shapes) if shapes else "-"


def _where(line: int | None) -> str:
    return f" (line {line})" if line else ""


def _head(d: Diagnosis) -> list[str]:
    errors = sum(p.severity == "error" for p in d.problems)
    warnings = len(d.problems) - errors
    lines = [f"Verdict: {d.verdict} ({errors} problem{'s' * (errors != 1)}, {warnings} "
             f"warning{'s' * (warnings != 1)})", ""]
    for n, problem in enumerate(d.problems, 1):
        lines += [f"{n}. [{problem.severity}] {problem.kind}{_where(problem.line)}", _wrap(problem.message, "   "),
                  _wrap(f"Fix: {problem.fix}", "   "), ""]
    if d.keras_error:
        lines += [f"Keras's own error{_where(d.keras_error_line)}:", textwrap.indent(d.keras_error, "   "), ""]
    if d.keras_warnings:
        lines += [_wrap(f"Keras warns about your code: {w}", "") for w in d.keras_warnings] + [""]
    return lines


def _shapes(d: Diagnosis) -> list[str]:
    lines = ["Layer output shapes (your sizes):"]
    for row in d.layer_shapes:
        note = f"  [{row.note}]" if row.note else ""
        lines.append(f"   line {row.line or '-':>3}  {row.layer:<50} {shapes_text(row.shapes)}{note}")
    if d.verdict == "unsure":
        why = ", ".join(f"line {n.line}" for n in d.unread_model) + " not read" if d.unread_model else d.untested
        lines += [_wrap(f"Not sure about the whole model: {why}.", ""), ""]
    return lines


def _fixes(d: Diagnosis) -> list[str]:
    if not d.fixed_code:
        return []
    what = f"{d.fix_what}; " if d.fix_what else ""
    lines = ["", f"Fixed code ({what}{d.verification.summary}):", "", textwrap.indent(d.fixed_code.rstrip(), "   ")]
    lines += [_wrap(f"Keras warns about the fixed code: {w}", "   ") for w in d.verification.warnings]
    return lines + [line for other in d.alternatives
                    for line in ("", f"Also works: {other.what} ({other.verification.summary})")]


def _rest(d: Diagnosis) -> list[str]:
    lines = []
    if d.not_read:
        lines += ["", "Not understood (read, never run):"]
        lines += [_wrap(f"line {n.line}: {n.code}: {n.reason}", "   ") for n in d.not_read]
    if d.notes:
        lines += ["", "Notes:"] + [_wrap(note, "   ") for note in d.notes]
    return lines


def text(diagnosis: Diagnosis) -> str:
    """The report: verdict and problems, Keras's error, the layer table, the fixes, what was not read, notes."""
    return "\n".join(_head(diagnosis) + _shapes(diagnosis) + _fixes(diagnosis) + _rest(diagnosis))
