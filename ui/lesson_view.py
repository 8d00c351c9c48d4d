"""A lesson on screen: its text filled from live runs, its preset's figures, a link, its questions."""

from __future__ import annotations

from concurrent.futures import wait
from urllib.parse import parse_qsl

import streamlit as st

from rnnlab import figures, lessons, snippets
from rnnlab.engine import WorkerLost
from rnnlab.params import parse
from ui import classroom_view, panels
from ui.answers import EXAMPLE, verdict
from ui.controls import classroom
from ui.runs import get_run, playground


def choose(found: list[lessons.Lesson]) -> lessons.Lesson:
    """The lesson named by ?lesson=slug (the first one otherwise), with a picker that keeps the URL in step."""
    asked = lessons.find(st.query_params.get("lesson", ""), found)  # a former slug opens the lesson too
    index = found.index(asked) if asked else 0
    room = classroom()
    if room.hides("lesson"):
        lesson = found[index]
    else:
        lesson = st.selectbox("Lesson", found, index=index, format_func=lambda ls: f"{ls.order}. {ls.title}",
                              disabled=room.locks("lesson"))
    st.query_params["lesson"] = lesson.slug
    return lesson


def show(lesson: lessons.Lesson) -> None:
    """The lesson; under a classroom link that keeps answers for "Reveal", its shapes wait for the button.
    A lesson taught with its own snippets (no preset) has no playground figures: its questions come after it."""
    shown = classroom_view.answers_shown(lesson.slug)
    st.header(lesson.title)
    run_snippets(lesson)
    try:
        st.markdown(lessons.render(lesson, answers=shown))  # our own Markdown, with numbers from Keras
    except (WorkerLost, KeyError, ValueError):  # a worker lost, or a snippet that fails (check-lessons forbids it)
        st.error("This lesson's numbers could not be computed just now. Reload the page to try again.")
        return
    if not lesson.preset:
        questions(lesson, tell=shown)
        if not shown:
            classroom_view.reveal_button(lesson.slug)
        return
    run = get_run(parse(lesson.preset).config)
    st.page_link("pages/playground.py", label="Open this in the playground", icon=":material/science:",
                 query_params=dict(parse_qsl(lesson.preset)) | classroom().to_query())
    left, right = st.columns(2)
    with left:
        panels.run_chart("lesson-input", figures.input_figure, run, 0)
    with right:  # the questions come before anything that answers them
        questions(lesson, tell=shown)
    if shown:
        left, _ = st.columns(2)
        with left:
            panels.run_chart("lesson-output", figures.output_figure, run, 0)
        panels.returns(run, level=3)  # under the lesson's own heading
    else:
        classroom_view.reveal_button(lesson.slug)


def run_snippets(lesson: lessons.Lesson) -> None:
    """The lesson's own Keras snippets, run in the engine's workers (computed once, then cached for everyone);
    the page waits for them with a note, since their printed values fill the text."""
    futures = [playground().submit("lesson_snippet", lesson.slug, name) for name in snippets.found(lesson.body)]
    if futures and not all(f.done() for f in futures):
        with st.spinner("Running this lesson's Keras code..."):
            wait(futures)


def questions(lesson: lessons.Lesson, tell: bool = True) -> None:
    """The lesson's questions, each graded against the live Keras model (tell=False: without the answer)."""
    st.subheader("Check your understanding")
    for k, question in enumerate(lesson.questions):
        graded = ask(f"question-{lesson.slug}-{k}", lesson, question, tell)
        if graded:  # each question keeps its verdict, and then its explanation, while the others are checked
            verdict(graded)
            if question.explain and tell:  # kept for Reveal: the explanation waits too
                st.markdown(lessons.render(lesson, text=question.explain))


def ask(key: str, lesson: lessons.Lesson, question: lessons.Question, tell: bool) -> tuple[bool, str] | None:
    """One question's form: a box to type in, or the choices; once checked, (right, why), kept for this key
    while the question is the same."""
    asked = (lesson.slug, question, tell)
    verdicts = st.session_state.setdefault(_VERDICTS, {})  # form key -> (what was asked, its verdict)
    with st.form(key):
        if question.choices:
            typed = st.radio(question.ask, list(question.choices), index=None,
                             format_func=question.choices.get) or ""
        else:
            typed = st.text_input(question.ask, placeholder=PLACEHOLDERS.get(question.kind, EXAMPLE))
        if st.form_submit_button("Check") and typed.strip():
            try:
                verdicts[key] = (asked, lessons.grade_question(lesson, question, typed, tell))
            except WorkerLost:
                verdicts[key] = (asked, (False, "Keras could not check this just now: press Check again."))
    kept = verdicts.get(key)
    return kept[1] if kept and kept[0] == asked else None


_VERDICTS = "_lesson_verdicts"
PLACEHOLDERS = {"x": "e.g. (8, 20, 5)", "names": "e.g. output, state_h", "count": "a number, e.g. 2",
                "equal": "e.g. output = state_h, or none", "params": "a number, e.g. 1,234"}
