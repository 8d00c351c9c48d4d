"""Typed-shape answers: one form used by lessons, the quiz and the playground's "predict, then reveal"."""

from __future__ import annotations

import streamlit as st

from rnnlab import lessons

EXAMPLE = "e.g. (32, 10, 64), (32, 64)"


def answer(key: str, ask: str, query: str, tell: bool = True) -> tuple[bool, str] | None:
    """A form for typed shapes; once submitted, (right, why) graded against what Keras returns for `query`.
    With tell=False a wrong answer is not told the right shapes."""
    with st.form(key):
        typed = st.text_input(ask, placeholder=EXAMPLE)
        if st.form_submit_button("Check") and typed.strip():
            return lessons.grade(typed, query, tell)
    return None


def verdict(graded: tuple[bool, str]) -> None:
    right, why = graded
    (st.success if right else st.error)(why)
