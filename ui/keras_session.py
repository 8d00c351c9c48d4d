"""Keras keeps its state between script runs.

Streamlit calls `keras.backend.clear_session()` after every script run, for scripts that build their
models at the top level. This app builds and calls its models on one long-lived Keras thread and shares
them between runs, so there is nothing to clear, and clearing costs: a full garbage collection per rerun
(about a quarter of the server's CPU with a class of 60 visitors, benchmarks/README.md), and a reset of
Keras's global state that could happen while that thread is building a model. Importing this module
turns Streamlit's call into a no-op.
"""

from __future__ import annotations

import keras


def _keep_session(*args: object, **kwargs: object) -> None:
    """What Streamlit's call after each run does here: nothing."""


keras.backend.clear_session = _keep_session
