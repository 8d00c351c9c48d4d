"""Typed answers and their verdicts: one form used by lessons, the quiz and the playground's "predict, then
reveal".

A wrong answer is first told the rule it broke, never the right answer: the learner tries again, or presses
"Show the answer" (where telling is allowed at all). Each form keeps its own verdict for the rest of the visit,
given back only while the question is the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st

from rnnlab import lessons
from rnnlab.learner_text import message

SHAPES_PLACEHOLDER = "every returned shape, in order"  # the format without a number of tensors or a shape
_VERDICTS = "_verdicts"  # form key -> Kept

Graded = tuple[bool, str]


@dataclass(frozen=True)
class Kept:
    """A form's verdict: what was asked, (right, why), and for a wrong answer that may be told the right one,
    how to grade it again telling it."""

    asked: Any
    graded: Graded
    tell: Callable[[], Graded] | None = None


def _kept() -> dict[str, Kept]:
    return st.session_state.setdefault(_VERDICTS, {})


def keep(key: str, asked: Any, grade: Callable[[bool], Graded], tell: bool) -> None:
    """Grade an answer without telling the right one; keep how to tell it (when `tell`) for "Show the answer"."""
    graded = grade(False)
    _kept()[key] = Kept(asked, graded, partial(grade, True) if tell and not graded[0] else None)


def kept(key: str, asked: Any) -> Kept | None:
    """The verdict kept for this form while the question is the same."""
    found = _kept().get(key)
    return found if found and found.asked == asked else None


def settled(key: str, asked: Any) -> bool:
    """Whether the question is done with: answered right, or its answer shown."""
    found = kept(key, asked)
    return found is not None and (found.graded[0] or found.tell is None)


def _show(key: str) -> None:
    found = _kept()[key]
    if found.tell:
        _kept()[key] = Kept(found.asked, found.tell())


def answer(key: str, ask: str, query: str, tell: bool = True, of: str = "returns") -> Kept | None:
    """A form for typed shapes, graded against what Keras returns for `query` (or, of="x", the input's shape);
    the verdict kept for it. With tell=False a wrong answer is never told the right shapes."""
    asked = (query, tell, of)
    with st.form(key):
        typed = st.text_input(ask, placeholder=SHAPES_PLACEHOLDER)
        if st.form_submit_button("Check") and typed.strip():
            keep(key, asked, lambda telling: lessons.grade(typed, query, telling, of), tell)
    return kept(key, asked)


def forget(prefix: str) -> None:
    """Drop the verdicts kept for the forms whose keys start with `prefix` (a quiz started again)."""
    verdicts = _kept()
    for key in [k for k in verdicts if k.startswith(prefix)]:
        del verdicts[key]


def verdict(key: str, found: Kept) -> None:
    """The verdict; under a wrong one that may be told, a second try or the answer on request."""
    right, why = found.graded
    (st.success if right else st.error)(message(why))  # the grader quotes the learner's words
    if found.tell:
        st.caption("Try again, or:")
        st.button("Show the answer", key=f"{key}-show", on_click=_show, args=(key,), icon=":material/visibility:")
