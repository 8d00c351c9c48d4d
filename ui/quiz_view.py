"""The quiz on screen: one random question at a time, graded against the live Keras model, scored per visit.

Each visitor gets a quiz of their own (a random seed at the first visit); the address names it
(?quiz_seed=N), so the page shows a link that replays the same questions in the same order.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import streamlit as st

from rnnlab import quiz
from rnnlab.learner_text import code, escape
from ui.answers import answer, forget, verdict
from ui.terms import prose

_FORM = "quiz-answer"
_START, _NUMBER = "quiz_start", "quiz_number"  # this visitor's quiz (its seed) and the question reached
_SCORED = "quiz_scored"  # the forms (one per question and level) already counted in the score


def _next_question() -> None:
    st.session_state[_NUMBER] = st.session_state.get(_NUMBER, 0) + 1


def _begin(seed: int) -> None:
    """Start the quiz `seed` from its first question, with a fresh score."""
    state = st.session_state
    state[_START], state[_NUMBER], state["quiz_score"], state[_SCORED] = seed, 0, [0, 0], set()
    forget(_FORM)


def _link(seed: int, level: str) -> str:
    """The address of this page that replays the quiz `seed`."""
    url = urlsplit(st.context.url or "http://localhost:8501/quiz")
    return f"{url.scheme}://{url.netloc}{url.path}?{quiz.link_query(seed, level)}"


def show() -> None:
    state = st.session_state
    _start_quiz()
    level = st.segmented_control("Level", list(quiz.LEVELS), key="quiz_level",
                                 help="easy: one LSTM and its two flags; harder: GRU, SimpleRNN, Bidirectional, "
                                      "stacks and heads") or "easy"
    _keep_address(level)
    question = quiz.question(level, state[_START], state[_NUMBER])
    form = f"{_FORM}-{level}-{state[_START]}-{state[_NUMBER]}"  # a new question, a new box: nothing typed carries over
    prose("Each question is a Keras layer with its own units, timesteps, features and batch, return_sequences "
          "and return_state set either way: type the shape of every tensor it returns, in order.", caption=True)
    st.caption(f"Question {state[_NUMBER] + 1}")
    st.code(question.code, language="python")
    found = answer(form, "Every shape returned, in order (the prediction last, if there is one)", question.query)
    if found:  # this question's own verdict, never the one before it; its first answer counts in the score
        _score(form, found.graded[0])
        verdict(form, found)
    st.button("Next question", on_click=_next_question)
    right, asked = state["quiz_score"]
    st.metric("Score this visit", f"{right} / {asked}")
    st.markdown("**Link to this quiz** (the same questions in the same order, from the first):")
    st.code(_link(state[_START], level), language=None, wrap_lines=True)


def _start_quiz() -> None:
    """The quiz this visit takes: the link's (from its first question, at the link's level), else the one it
    has, else a quiz of its own; what the link held that could not be used is said."""
    state = st.session_state
    linked, linked_level, notices = quiz.read_link({key: st.query_params.get_all(key) for key in st.query_params})
    for notice in notices:
        st.warning(f"The link's quiz could not be used: {code(notice.problem)}; {escape(notice.outcome)}.",
                   icon=":material/info:")
    fresh = linked is not None and linked != state.get(_START) or _START not in state
    if linked is not None and linked != state.get(_START):  # a link to a quiz: it starts from its first question
        _begin(linked)
    elif _START not in state:  # a visitor's first visit: a quiz of their own
        _begin(secrets.randbelow(quiz.SEEDS))
    if fresh and linked_level:
        state["quiz_level"] = linked_level
    state.setdefault("quiz_level", "easy")


def _keep_address(level: str) -> None:
    """The address bar is a link to this quiz, too (its level only when not the default)."""
    st.query_params["quiz_seed"] = str(st.session_state[_START])
    if level == quiz.LINK["level"].default:
        st.query_params.pop("level", None)
    else:
        st.query_params["level"] = level


def _score(form: str, right: bool) -> None:
    """Count a graded answer in the score, once per question."""
    state = st.session_state
    if form not in state[_SCORED]:
        state[_SCORED].add(form)
        state["quiz_score"] = [state["quiz_score"][0] + right, state["quiz_score"][1] + 1]
