"""The quiz on screen: one random question at a time, graded against the live Keras model, scored per visit."""

from __future__ import annotations

import streamlit as st

from rnnlab import quiz
from ui.answers import answer, verdict


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
    graded = answer("quiz-answer", "Every shape returned, in order (the prediction last, if there is one)",
                    question.query)
    if graded and "quiz_verdict" not in state:
        state["quiz_verdict"] = graded
        state["quiz_score"] = [state["quiz_score"][0] + graded[0], state["quiz_score"][1] + 1]
    if "quiz_verdict" in state:
        verdict(state["quiz_verdict"])
    st.button("Next question", on_click=_next_question)
    right, asked = state["quiz_score"]
    st.metric("Score this visit", f"{right} / {asked}")
