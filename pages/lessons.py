"""Lessons: short steps from the input's shape to stateful layers, each with live figures and questions."""

import streamlit as st

from ui import router

router.ensure_routed()

from rnnlab import lessons
from ui import lesson_view

st.title("Lessons")
found = lessons.all_lessons()
lesson_view.show(lesson_view.choose(found), found)
