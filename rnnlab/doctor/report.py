"""A Diagnosis as a readable text report (the command line's output without --json)."""

from __future__ import annotations

import textwrap

from rnnlab.doctor.verdict import Diagnosis, fmt


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def shapes_text(shapes) -> str:
    """One shape, or several joined by commas; '-' when Keras did not get there."""
    return ", ".join(fmt(s) for s in shapes) if shapes else "-"


def text(diagnosis: Diagnosis) -> str:
    errors = sum(p.severity == "error" for p in diagnosis.problems)
    warnings = len(diagnosis.problems) - errors
    lines = [f"Verdict: {diagnosis.verdict} ({errors} problem{'s' * (errors != 1)}, {warnings} "
             f"warning{'s' * (warnings != 1)})", ""]
    for n, problem in enumerate(diagnosis.problems, 1):
        where = f" (line {problem.line})" if problem.line else ""
        lines += [f"{n}. [{problem.severity}] {problem.kind}{where}", _wrap(problem.message, "   "),
                  _wrap(f"Fix: {problem.fix}", "   "), ""]
    if diagnosis.keras_error:
        where = f" (line {diagnosis.keras_error_line})" if diagnosis.keras_error_line else ""
        lines += [f"Keras's own error{where}:", textwrap.indent(diagnosis.keras_error, "   "), ""]
    lines.append("Layer output shapes (your sizes):")
    for row in diagnosis.layer_shapes:
        note = f"  [{row.note}]" if row.note else ""
        lines.append(f"   line {row.line or '-':>3}  {row.layer:<50} {shapes_text(row.shapes)}{note}")
    if diagnosis.verdict == "unsure":
        why = ", ".join(f"line {n.line}" for n in diagnosis.unread_model) + " not read" if diagnosis.unread_model \
            else diagnosis.untested
        lines += [_wrap(f"Not sure about the whole model: {why}.", ""), ""]
    if diagnosis.fixed_code:
        what = f" {diagnosis.fix_what};" if diagnosis.fix_what else ""
        lines += ["", f"Fixed code ({what} {diagnosis.verification.summary}):".replace("( ", "("), "",
                  textwrap.indent(diagnosis.fixed_code.rstrip(), "   ")]
    for other in diagnosis.alternatives:
        lines += ["", f"Also works: {other.what} ({other.verification.summary})"]
    if diagnosis.not_read:
        lines += ["", "Not understood (read, never run):"]
        lines += [_wrap(f"line {n.line}: {n.code}: {n.reason}", "   ") for n in diagnosis.not_read]
    if diagnosis.notes or diagnosis.keras_warnings:
        lines += ["", "Notes:"] + [_wrap(note, "   ") for note in diagnosis.notes]
        lines += [_wrap(f"Keras warns: {w}", "   ") for w in diagnosis.keras_warnings]
    return "\n".join(lines)
