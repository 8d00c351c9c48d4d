"""The quiz on screen: one random question at a time, graded against the live Keras model, scored per visit."""

from __future__ import annotations

import streamlit as st

from rnnlab import lessons, quiz


def _next_question() -> None:
    st.session_state["quiz_seed"] = st.session_state.get("quiz_seed", 0) + 1
    st.session_state.pop("quiz_verdict", None)


def show() -> None:
    state = st.session_state
    state.setdefault("quiz_seed", 0)
    state.setdefault("quiz_score", [0, 0])  # right, asked
    level = st.segmented_control("Level", ["easy", "harder"], default="easy", key="quiz_level",
                                 help="easy: one LSTM and its two flags; harder: GRU, SimpleRNN, Bidirectional, "
                                      "stacks and heads")
    question = quiz.draw(level or "easy", state["quiz_seed"])
    st.code(question.code, language="python")
    with st.form("quiz-answer"):
        typed = st.text_input("Every shape returned, in order (the prediction last, if there is one)",
                              placeholder="e.g. (32, 10, 64), (32, 64)")
        if st.form_submit_button("Check") and typed.strip() and "quiz_verdict" not in state:
            right, why = lessons.grade(typed, question.query)
            state["quiz_verdict"] = (right, why)
            state["quiz_score"] = [state["quiz_score"][0] + right, state["quiz_score"][1] + 1]
    if "quiz_verdict" in state:
        right, why = state["quiz_verdict"]
        (st.success if right else st.error)(why)
    st.button("Next question", on_click=_next_question)
    right, asked = state["quiz_score"]
    st.metric("Score this visit", f"{right} / {asked}")
