"""Typed-shape answers: one form used by lessons, the quiz and the playground's "predict, then reveal"."""

from __future__ import annotations

import streamlit as st

from rnnlab import lessons
from rnnlab.learner_text import message

EXAMPLE = "e.g. (32, 10, 64), (32, 64)"
_VERDICTS = "_verdicts"  # form key -> (what was asked, its verdict): each question keeps its own


def answer(key: str, ask: str, query: str, tell: bool = True, of: str = "returns") -> tuple[bool, str] | None:
    """A form for typed shapes; once submitted, (right, why) graded against what Keras returns for `query`
    (or, of="x", the input's shape). With tell=False a wrong answer is not told the right shapes.

    The verdict is kept for this form's key for the rest of the visit, so checking another question on the
    page leaves this one's verdict in place; it is given back only while the question is the same."""
    asked = (query, tell, of)
    verdicts = st.session_state.setdefault(_VERDICTS, {})
    with st.form(key):
        typed = st.text_input(ask, placeholder=EXAMPLE)
        if st.form_submit_button("Check") and typed.strip():
            verdicts[key] = (asked, lessons.grade(typed, query, tell, of))
    kept = verdicts.get(key)
    return kept[1] if kept and kept[0] == asked else None


def forget(prefix: str) -> None:
    """Drop the verdicts kept for the forms whose keys start with `prefix` (a quiz started again)."""
    verdicts = st.session_state.get(_VERDICTS, {})
    for key in [k for k in verdicts if k.startswith(prefix)]:
        del verdicts[key]


def verdict(graded: tuple[bool, str]) -> None:
    right, why = graded
    (st.success if right else st.error)(message(why))  # the grader quotes the learner's words
