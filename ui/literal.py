"""Text for Streamlit's Markdown that shows exactly as written.

Learner text (a query string's keys and values, typed settings, pasted code) must never be read as
Markdown: an image in a notice would make the browser fetch it, a link would look like ours. Streamlit's
Markdown also turns `:name:` into icons, `$...$` into maths and bare web addresses into links, and a
backslash does not stop those; a code span does. So learner text goes into `code(...)`, and our own
sentences that may hold Markdown's characters (`h_t`, `|difference|`) go through `escape(...)`.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character: CommonMark escapes them all


def code(text: str, in_table: bool = False) -> str:
    """`text` as one Markdown code span, shown literally whatever it holds (backticks included).

    in_table: for a cell of a Markdown table, where `|` would end the cell even inside a code span."""
    text = " ".join(str(text).splitlines()) or " "  # a code span is one line; an empty one is not a span
    fence = "`" * (max(map(len, re.findall(r"`+", text)), default=0) + 1)
    # Markdown strips one space from each side of a span that is not all spaces: pad a text at its edges
    pad = " " if text.strip() and (text[0] in "` " or text[-1] in "` ") else ""
    if in_table:
        text = text.replace("|", r"\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def escape(text: str) -> str:
    """Our own text with Markdown's special characters shown as themselves (not for learner text: see code)."""
    return _PUNCTUATION.sub(r"\\\1", str(text))
