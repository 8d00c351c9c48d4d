"""Classroom links: a teacher picks a lesson or settings, hides or locks controls, and gets a URL for slides."""

import streamlit as st

from ui import router

router.ensure_routed()

from ui import classroom_view  # noqa: E402

st.title("Classroom links")
st.markdown("Build a link for your slides: it opens a lesson or the playground with the controls you choose "
            "hidden or locked, and can keep what Keras returns hidden until each learner presses **Reveal**, "
            "so the class predicts first.")
classroom_view.builder()
