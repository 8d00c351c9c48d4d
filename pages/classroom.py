"""Classroom: start a live class session, build links for slides, or an embed for a tutorial."""

import streamlit as st

from ui import router

router.ensure_routed()

from ui import classroom_view, embed_view, live_view  # noqa: E402

st.title("Classroom")
base = classroom_view.class_address()  # one address for everything this page builds
session, links, embed = st.tabs(["Live class session", "Links for slides", "Embed in a tutorial"])
with session:
    live_view.start()
with links:
    st.markdown("Build a link for your slides: it opens a lesson or the playground with the controls you choose "
                "hidden or locked, and can keep what Keras returns hidden until each learner presses **Reveal**, "
                "so the class predicts first.")
    classroom_view.builder(base)
with embed:
    embed_view.builder(base)
