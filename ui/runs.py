"""Runs for the pages, from the engine's worker processes: the answer at once, Keras's confirmation after.

A configuration nobody has asked for yet is answered from Keras's model built but not called (its
output shapes, parameter count and seeded weights) with the values from the NumPy trace, and Keras's
own forward pass is queued behind it; the page says so until Keras has confirmed the values, then
redraws with Keras's numbers and the measured agreement. Identical requests are computed once and
shared by every visitor (Runs are read-only).
"""

from __future__ import annotations

from concurrent.futures import CancelledError, Future, TimeoutError as Pending

import streamlit as st

from rnnlab import engine
from rnnlab.result import TOLERANCE, Run
from ui import plot, visitor

PREVIEW, RUN = "preview", "run"
CONFIRM_WAIT_S = 0.25  # how long an answer waits for Keras's pass when it runs at once (an idle server)
POLL_S = 0.25  # how often a waiting page looks again, and says how many requests are ahead
CONFIRM_POLL_S = 0.5  # how often a page showing an unconfirmed answer asks whether Keras has confirmed it
REDRAW_AFTER_S = 5.0  # a confirmed answer still on screen this long is redrawn with Keras's numbers
_POLLS, _POLLED = "_confirmed_polls", "_confirmed_config"


def playground() -> engine.Engine:
    """The playground's engine: the one `ui.serve` started with the server, or started by the first page."""
    return engine.start()


def owner() -> engine.Owner:
    """This tab of this browser, as the engine counts who waits for what."""
    return engine.Owner(tab=visitor.session(), browser=visitor.browser())


def _wait(future: Future, what: str, asker: engine.Owner) -> object:
    """The future's result; while it is queued, the page says how many requests are ahead of it, and the browser
    begins to load plotly.js for the charts to come (on a fresh server, while TensorFlow loads). A page run
    that stops waiting (a newer change, a closed tab) lets the engine cancel the task if nobody else waits."""
    waiting = note = None
    try:
        while True:
            try:
                return future.result(timeout=POLL_S)
            except Pending:
                ahead = int(playground().ahead_of(future, asker))
                if waiting is None:  # the browser loads plotly.js while the page waits, not after
                    waiting = st.empty()
                    with waiting.container():
                        plot.preload()
                        note = st.empty()
                assert note is not None
                if ahead:
                    note.info(f"{what}: {ahead} other request{'s' * (ahead != 1)} ahead of yours.", icon="⏳")
                else:
                    starting = "" if playground().warm() else " (the server is starting: loading TensorFlow)"
                    note.info(f"{what}{starting}...", icon="⏳")
    finally:
        if not future.done():
            playground().release(future, asker)
        elif waiting is not None:
            waiting.empty()


def confirmed(config) -> Run | None:
    """Keras's own Run for config, if it has been computed and is still cached."""
    hit, value = playground().cached(RUN, config)
    if hit:
        playground().forget(PREVIEW, config)
    return value if hit else None


def get_run(config) -> Run:
    """Keras's Run for config if it is ready (or comes within CONFIRM_WAIT_S), else the answer from the
    NumPy trace (`run.confirmed` False) with Keras's own pass queued. The engine is told who is here (two
    browsers or more keep its second worker started)."""
    asker = owner()
    playground().present(asker)
    ready = confirmed(config)
    if ready is not None:
        return ready
    answer = _wait(playground().submit(PREVIEW, config, owner=asker), "Building the Keras model", asker)
    if answer.confirmed:
        return answer
    free = playground().idle() > 0  # a worker takes Keras's pass at once: worth a short wait
    keras_pass = playground().submit(RUN, config, priority=engine.CONFIRM, owner=asker)
    if free:
        try:
            return keras_pass.result(timeout=CONFIRM_WAIT_S)
        except (Pending, CancelledError, engine.WorkerLost):
            pass
    return answer


@st.fragment(run_every=CONFIRM_POLL_S)
def await_confirmation(config) -> None:
    """While the page shows an unconfirmed answer: say when Keras has confirmed it, and redraw the page with
    Keras's own numbers at once if they disagree, else once the learner has stayed on it REDRAW_AFTER_S (a
    class changing things every second or two is not sent every page twice)."""
    keras_run = confirmed(config)
    if keras_run is None:
        playground().submit(RUN, config, priority=engine.CONFIRM, owner=owner())  # again, if dropped while nobody looked
        st.caption("⏳ Keras's own forward pass is confirming these values...")
        return
    state = st.session_state
    polls = state.get(_POLLS, 0) + 1 if state.get(_POLLED) == config else 1
    state[_POLLS], state[_POLLED] = polls, config
    if keras_run.refusal or keras_run.agreement > TOLERANCE or polls * CONFIRM_POLL_S >= REDRAW_AFTER_S:
        st.rerun()
    st.caption(f"✓ Keras's own forward pass has run: its values agree with these within max |difference| = "
               f"{keras_run.agreement:.2g}. The page redraws with Keras's own numbers in a moment.")


def unavailable(lost: engine.WorkerLost) -> None:
    """What a page says when the worker computing its answer was lost (the router calls this), with a retry."""
    st.error(f"This answer could not be computed: {lost}. Nobody else was affected; try again.",
             icon="⚠️")
    st.button("Try again", type="primary")
