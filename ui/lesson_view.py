"""A lesson on screen: its text filled from live runs, its preset's figures, a link, its questions."""

from __future__ import annotations

from urllib.parse import parse_qsl

import streamlit as st

from rnnlab import figures, lessons
from rnnlab.params import parse
from ui import panels
from ui.runs import get_run


def choose(found: list[lessons.Lesson]) -> lessons.Lesson:
    """The lesson named by ?lesson=slug (the first one otherwise), with a picker that keeps the URL in step."""
    slugs = [lesson.slug for lesson in found]
    asked = st.query_params.get("lesson", slugs[0])
    index = slugs.index(asked) if asked in slugs else 0
    lesson = st.selectbox("Lesson", found, index=index, format_func=lambda ls: f"{ls.order}. {ls.title}")
    st.query_params["lesson"] = lesson.slug
    return lesson


def show(lesson: lessons.Lesson) -> None:
    st.header(lesson.title)
    st.markdown(lessons.render(lesson))
    run = get_run(parse(lesson.preset).config)
    st.page_link("pages/playground.py", label="Open this in the playground", icon=":material/science:",
                 query_params=dict(parse_qsl(lesson.preset)))
    panels.returns(run)
    left, right = st.columns(2)
    with left:
        panels.chart(figures.input_figure(run, 0), "lesson-input")
    with right:
        panels.chart(figures.output_figure(run, 0), "lesson-output")
    questions(lesson)


def questions(lesson: lessons.Lesson) -> None:
    """Predict-the-shape questions, graded against the live Keras model."""
    st.subheader("Predict the shape")
    for k, question in enumerate(lesson.questions):
        with st.form(f"question-{lesson.slug}-{k}"):
            typed = st.text_input(question.ask, placeholder="e.g. (32, 10, 64), (32, 64)")
            if st.form_submit_button("Check") and typed.strip():
                right, why = lessons.grade(typed, lessons.combine(lesson.preset, question.query))
                (st.success if right else st.error)(why)
