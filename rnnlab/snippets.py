"""A lesson's own Keras snippets: short programs in its text that check-lessons and the engine's workers run.

A snippet is a fenced block in a lesson file, opened with ```` ```python snippet=NAME ````; the page shows it
as ordinary Python. What it prints as `key: value` lines fills the lesson's `{{snippet NAME.KEY}}`
placeholders, so a model the playground cannot build (an Embedding, an encoder and a decoder) is taught with
numbers from the installed Keras too. Only snippets written in the files of lessons/ are ever run: never text
from a visitor.
"""

from __future__ import annotations

import re

BLOCK = re.compile(r"^```python snippet=(\w+)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
OPENING = re.compile(r"^```python snippet=\w+[ \t]*$", re.M)
PRINTED = re.compile(r"^([\w.]+):[ \t]?(.*)$")


def found(body: str) -> dict[str, str]:
    """{name: code} of every snippet in a lesson's text."""
    return {m[1]: m[2] for m in BLOCK.finditer(body)}


def shown(body: str) -> str:
    """The lesson's text as the page shows it: snippets as plain ```python blocks."""
    return OPENING.sub("```python", body)


def outside(body: str) -> str:
    """The text without its snippets' code (a snippet writes its inputs' shapes as code, not as claims)."""
    return BLOCK.sub("", body)


def execute(code: str) -> dict[str, str]:
    """Runs one snippet (seeded) -> {key: value} from its `key: value` lines; SnippetFailed if it raises."""
    from rnnlab.own_code import attempt

    ran, _ = attempt(code, filename="<lesson snippet>")
    if not ran.ran:
        raise SnippetFailed(f"{ran.error} (line {ran.error_line})" if ran.error_line else ran.error)
    return {m[1]: m[2].strip() for m in map(PRINTED.match, ran.printed) if m}


class SnippetFailed(RuntimeError):
    """A lesson's snippet raised: Python's last traceback line, and the snippet's line."""
