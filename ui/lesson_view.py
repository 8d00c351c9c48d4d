"""A lesson on screen: its text filled from live runs, its preset's figures, a link, its questions."""

from __future__ import annotations

import dataclasses
from concurrent.futures import wait
from functools import partial
from urllib.parse import urlencode

import streamlit as st

from rnnlab import figures, lessons, snippets
from rnnlab.engine import WorkerLost
from rnnlab.params import parse, to_query
from ui import classroom_view, panels
from ui import answers
from ui.controls import classroom
from ui.runs import get_run, playground
from ui.terms import prose


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


def show(lesson: lessons.Lesson, found: list[lessons.Lesson]) -> None:
    """The lesson between links to the one before and after it; under a classroom link that keeps answers for
    "Reveal", its shapes wait for the button."""
    walk(lesson, found, "top")
    body(lesson)
    walk(lesson, found, "bottom")


def walk(lesson: lessons.Lesson, found: list[lessons.Lesson], where: str) -> None:
    """Links to the previous and the next lesson (and, at the top, to the playground with this lesson's model),
    keeping the classroom link's settings; none under a link that fixes the lesson."""
    room = classroom()
    before, after = lessons.neighbours(lesson, found)
    left, middle, right = st.columns(3, vertical_alignment="center")
    if not (room.hides("lesson") or room.locks("lesson")):
        if before:
            left.page_link("pages/lessons.py", label=f"Previous: {before.order}. {before.title}",
                           icon=":material/arrow_back:", query_params={"lesson": before.slug} | room.to_query())
        if after:
            right.page_link("pages/lessons.py", label=f"Next: {after.order}. {after.title}",
                            icon=":material/arrow_forward:", icon_position="right",
                            query_params={"lesson": after.slug} | room.to_query())
    if lesson.preset and where == "top":  # in a tab of its own, beside the lesson
        middle.link_button("Open this in the playground", "./?" + urlencode(playground_query(lesson)
                                                                            | room.to_query()),
                           icon=":material/science:", help="In a new tab: the lesson's model, with the part of the "
                           "picture the lesson is about outlined")


def playground_query(lesson: lessons.Lesson) -> dict[str, str]:
    """The playground's address for the lesson's model: its preset as the playground writes it, and the part of
    the picture the lesson is about outlined."""
    parsed = parse(lesson.preset)
    return to_query(parsed.config, dataclasses.replace(parsed.view, focus=lesson.region or "none"))


def body(lesson: lessons.Lesson) -> None:
    """The lesson itself. A lesson taught with its own snippets (no preset) has no playground figures: its
    questions come after it."""
    shown = classroom_view.answers_shown(lesson.slug)
    st.header(lesson.title)
    run_snippets(lesson)
    try:
        prose(lessons.render(lesson, answers=shown))  # our own Markdown, with numbers from Keras
    except (WorkerLost, KeyError, ValueError):  # a worker lost, or a snippet that fails (check-lessons forbids it)
        st.error("This lesson's numbers could not be computed just now. Reload the page to try again.")
        return
    if not lesson.preset:
        questions(lesson, tell=shown)
        if not shown:
            classroom_view.reveal_button(lesson.slug)
        return
    run = get_run(parse(lesson.preset).config)
    left, right = st.columns(2)
    with left:
        panels.run_chart("lesson-input", figures.input_figure, run, 0)
    with right:  # the questions come before anything that answers them
        questions(lesson, tell=shown)
    if shown and (all_settled(lesson, shown) or classroom_view.revealed(lesson.slug)):
        left, _ = st.columns(2)
        with left:
            panels.run_chart("lesson-output", figures.output_figure, run, 0)
        panels.returns(run, level=3)  # under the lesson's own heading
    else:  # what Keras returns answers the questions: it waits for them, or for the button
        classroom_view.reveal_button(lesson.slug)


def run_snippets(lesson: lessons.Lesson) -> None:
    """The lesson's own Keras snippets, run in the engine's workers (computed once, then cached for everyone);
    the page waits for them with a note, since their printed values fill the text."""
    futures = [playground().submit("lesson_snippet", lesson.slug, name) for name in snippets.found(lesson.body)]
    if futures and not all(f.done() for f in futures):
        with st.spinner("Running this lesson's Keras code..."):
            wait(futures)


def _key(lesson: lessons.Lesson, k: int) -> str:
    return f"question-{lesson.slug}-{k}"


def questions(lesson: lessons.Lesson, tell: bool = True) -> None:
    """The lesson's questions, each graded against the live Keras model (tell=False: without the answer)."""
    st.subheader("Check your understanding")
    for k, question in enumerate(lesson.questions):
        key, asked = _key(lesson, k), (lesson.slug, question, tell)
        ask(key, asked, lesson, question, tell)
        found = answers.kept(key, asked)
        if found:  # each question keeps its verdict, and then its explanation, while the others are checked
            answers.verdict(key, found)
            if question.explain and tell and answers.settled(key, asked):  # the explanation holds the answer
                prose(lessons.render(lesson, text=question.explain))


def all_settled(lesson: lessons.Lesson, tell: bool) -> bool:
    """Whether every question is answered right or has had its answer shown."""
    return all(answers.settled(_key(lesson, k), (lesson.slug, q, tell)) for k, q in enumerate(lesson.questions))


def ask(key: str, asked: tuple, lesson: lessons.Lesson, question: lessons.Question, tell: bool) -> None:
    """One question's form: a box to type in, or the choices; once checked, its verdict kept for this key while
    the question is the same."""
    with st.form(key):
        if question.choices:
            typed = st.radio(question.ask, list(question.choices), index=None,
                             format_func=question.choices.get) or ""
        else:
            typed = st.text_input(question.ask, placeholder=PLACEHOLDERS.get(question.kind,
                                                                             answers.SHAPES_PLACEHOLDER))
        if st.form_submit_button("Check") and typed.strip():
            try:
                answers.keep(key, asked, partial(lessons.grade_question, lesson, question, typed), tell)
            except WorkerLost:
                answers.keep(key, asked, lambda _: (False, "Keras could not check this just now: press Check again."),
                             False)


# What each kind of answer looks like, without a number of tensors, a name or a value that could answer it
PLACEHOLDERS = {"x": "a shape, in brackets", "names": "names, in order, separated by commas", "count": "a number",
                "equal": "which are equal (a = b), or none", "params": "a number"}
