"""Playground: flip return_sequences and return_state, and see what the real Keras LSTM returns."""

import streamlit as st

from ui import controls, panels
from ui.runs import get_run

parsed = controls.load()
controls.model_controls()
controls.sync_url(parsed)

st.title("What does a Keras LSTM return?")
panels.notices(parsed.notices)
run = get_run(parsed.config)
panels.returns(run)
panels.every_step(run, parsed.view)
panels.one_step(run, parsed.view)
panels.weights(run)
panels.code(run)
