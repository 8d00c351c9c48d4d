"""Runs, computed once per distinct Config and shared by every visitor (Runs are read-only)."""

from __future__ import annotations

import gc

import streamlit as st

from rnnlab.run import Run, run

# TensorFlow and Keras are loaded now, once per process: keep their many objects out of the
# full garbage collection Streamlit runs after every script run.
gc.freeze()


@st.cache_resource(max_entries=32, show_spinner="Building the Keras model and running it...")
def get_run(config) -> Run:
    return run(config)
