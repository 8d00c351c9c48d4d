"""A session's answers as CSV for a spreadsheet. Learner text is data: a cell that a spreadsheet would read as
a formula (=, +, -, @, a tab or carriage return first) is written with a leading apostrophe.

    >>> to_csv([{"question": "1", "answer": "=HYPERLINK(1)"}])
    "question,answer\\r\\n1,'=HYPERLINK(1)\\r\\n"
"""

from __future__ import annotations

import csv
import io

COLUMNS = ("question", "asked", "round", "student", "nickname", "answer", "right")


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: list[dict[str, str]]) -> str:
    """Rows of answers -> CSV text (a header, then one line per answer)."""
    out = io.StringIO()
    columns = [c for c in COLUMNS if any(c in row for row in rows)] or list(COLUMNS)
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows({c: _cell(row.get(c, "")) for c in columns} for row in rows)
    return out.getvalue()
