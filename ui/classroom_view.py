"""Classroom links on screen: answers kept for "Reveal", the presenter view, and the teacher's link builder."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from rnnlab import lessons, quiz
from rnnlab.classroom import CONTROLS, MAX_BASE, Classroom, base_address, is_local, link, playground_settings
from rnnlab.learner_text import code as literal, escape
from rnnlab.params import query_string
from ui.answers import answer, verdict
from ui.controls import classroom
from ui.terms import prose

_REVEALED = "_revealed"  # the lessons and configurations this visitor has revealed
# Presenter view: the main area drawn 1.4 times larger, using the full width. Charts are the exception to the
# zoom: Plotly measures the chart's width on screen (already zoomed), and a zoomed chart would
# be drawn 1.4 x that width, its right part cut off. So charts are drawn unzoomed, at the width they really have,
# and 1.4 times larger by their own layout (ui/panels.py, figures.enlarged).
PRESENTER_ZOOM = 1.4
PRESENTER_CSS = f"""<style>
[data-testid="stMain"] {{ zoom: {PRESENTER_ZOOM}; }}
[data-testid="stMain"] .rnnlab-chart {{ zoom: {1 / PRESENTER_ZOOM:.6f}; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 1rem 2rem; }}
</style>"""


def presenter_style() -> None:
    """Large type for a projector, when the link asks for the presenter view."""
    if classroom().present:
        st.html(PRESENTER_CSS)


def answers_shown(key: str) -> bool:
    """Whether what Keras returns may be shown: always, unless the link keeps answers for "Reveal" and this
    visitor has not revealed `key` (a lesson, or a configuration's query string) yet."""
    return not classroom().reveal or key in st.session_state.get(_REVEALED, ())


def _reveal(key: str) -> None:
    st.session_state[_REVEALED] = {*st.session_state.get(_REVEALED, ()), key}


def revealed(key: str) -> bool:
    """Whether this visitor has pressed "Reveal the answers" for `key`."""
    return key in st.session_state.get(_REVEALED, ())


def reveal_button(key: str) -> None:
    st.button("Reveal the answers", key=f"reveal-{key}", type="primary", icon=":material/visibility:",
              on_click=_reveal, args=(key,))


def predict_first(config) -> None:
    """Before the reveal: the code to read, a box for the predicted shapes (graded without telling them),
    and the button that shows everything."""
    key = query_string(config)
    st.header("Predict, then reveal")
    prose("What does this return? Type the shape of every returned tensor, in order (the prediction last, if "
          "there is a head).")
    st.code(quiz.question_code(config), language="python")
    form = f"predict-{key}"
    found = answer(form, "Every shape returned, in order", key, tell=False)
    if found:
        verdict(form, found)
    reveal_button(key)


def opened_at() -> str:
    """This app's address, without the page's own path (the app may be served under a prefix)."""
    url = urlsplit(st.context.url or "http://localhost:8501/classroom")
    return f"{url.scheme}://{url.netloc}{url.path.rsplit('/', 1)[0]}"


def class_address() -> str:
    """The address the class will use: typed by the teacher (at first the one this page was opened at) and
    checked; a warning when it would open only on this computer. A wrong address is never quoted back."""
    detected = opened_at()
    typed = st.text_input("The app's address for your class", value=detected, key="classroom_base",
                          max_chars=MAX_BASE,
                          help="Where your students open this app, e.g. https://rnnlab.school.example or "
                               "http://192.168.1.20:8501. It starts as the address you opened this page at.")
    base, problem = base_address(typed)
    if base is None:
        st.error(f"That address cannot be used: {problem}. The link below uses the address you opened this page "
                 "at.", icon=":material/error:")
        base = detected
    if is_local(base):
        st.warning("This link points to localhost: it opens only on this computer. On a student's device "
                   "localhost is their own machine, so students cannot open it. Type above the address they use to "
                   "reach this app (a name or a network address such as 192.168.1.20:8501).",
                   icon=":material/warning:")
    return base


def pasted_settings(key: str | None = None, training: bool = False) -> dict[str, str]:
    """A box for a playground link (or its query string) -> the playground's settings (and a Train page's
    training settings with `training`); what is ignored is said in a notice, never in a stack trace. `key`: the
    box's own, for a second builder on the same page."""
    pasted = st.text_input("Train page settings: paste a Train page link (or its query string)" if training else
                           "Playground settings: paste a playground link (or its query string)",
                           placeholder="e.g. units=8&return_sequences=true", key=key)
    settings, notices = playground_settings(pasted, training)
    for notice in notices:
        st.warning(f"{literal(notice.problem)}; {escape(notice.outcome)}", icon=":material/info:")
    return settings


def hidden_and_locked(names: list[str], key: str | None = None, help: str | None = None
                      ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two boxes side by side: the controls a link hides, and the ones it locks (of those not hidden).
    `key`: a prefix for a second pair on the same page."""
    left, right = st.columns(2)
    hide = left.multiselect("Hidden controls (they keep the link's values)", names, help=help,
                            key=key and f"{key}_hide")
    lock = right.multiselect("Locked controls (shown, but cannot be changed)", [n for n in names if n not in hide],
                             key=key and f"{key}_lock")
    return tuple(hide), tuple(lock)


def builder(base: str) -> None:
    """Pick a lesson, playground or Train page settings, what is hidden or locked, reveal and presenter view -> a
    URL under `base` (the app's address for the class, from `class_address`)."""
    target = st.radio("The link opens", ["a lesson", "the playground", "the Train page"], horizontal=True)
    if target == "a lesson":
        lesson = st.selectbox("Lesson", lessons.all_lessons(), format_func=lambda ls: f"{ls.order}. {ls.title}")
        page, settings = "lessons", {"lesson": lesson.slug}
    else:
        training = target == "the Train page"
        page, settings = "train" if training else "", pasted_settings(training=training)
    hide, lock = hidden_and_locked(list(CONTROLS), help="`lesson` is the lessons page's picker: hide it to keep "
                                                        "everyone on one lesson.")
    reveal = st.toggle("Answers stay hidden until the learner presses Reveal", value=True)
    present = st.toggle("Presenter view: large type and charts for a projector")
    url = link(base, page, settings, Classroom(hide, lock, reveal, present))
    st.header("The link")
    st.code(url, language=None, wrap_lines=True)
    st.link_button("Open it", url, icon=":material/open_in_new:")
    st.caption("A link is a teaching aid, not a lock: a learner who edits the address gets every control back.")
