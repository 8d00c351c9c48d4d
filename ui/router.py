"""The app's pages and their settings, in one place; app.py runs it.

The site's navigation is drawn here, as links in the sidebar: Streamlit's own sidebar navigation would list
the raw file names of `pages/` on a fresh server until st.navigation has run once (config.toml turns it
off). The page icon is a file of the app, read once and sent inline as a data address: an icon from Material
Symbols would make every browser fetch it from Google's font servers.

A fresh server first asked for a page's own address (say /lessons) runs that page file directly,
without app.py: Streamlit still treats a `pages/` folder as the old automatic navigation until
st.navigation has run once. Every page therefore starts with `ensure_routed()`, which runs the
router from there instead.

Embedded in another page (`?embed=true`, rnnlab.embed) the site's navigation is left out: the frame shows
one page of the app, and the sidebar holds only that page's own controls.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from rnnlab.engine import WorkerLost
from ui import runs

from ui.classroom_view import presenter_style
from ui.controls import classroom
from ui.style import app_style

_routing = threading.local()  # each script run has its own thread
SHOWN_UNDER = {"class"}  # pages that may stand under another entry (the teacher's class page: Classroom)
# Streamlit highlights the link of the page that runs (its background and bold label): the same look, moved
HERE = "rgba(169, 169, 162, 0.15)"  # the theme's darkenedBgMix15
ENTRY_CSS = f"""<style>
.st-key-site-nav-here [data-testid="stPageLink-NavLink"] {{ background-color: {HERE}; }}
.st-key-site-nav-here [data-testid="stPageLink-NavLink"] p {{ font-weight: 600; }}
.st-key-site-nav-not-here [data-testid="stPageLink-NavLink"] {{ background-color: transparent; }}
.st-key-site-nav-not-here [data-testid="stPageLink-NavLink"] p {{ font-weight: 400; }}
</style>"""
_SVG = (Path(__file__).parent / "assets" / "icon.svg").read_bytes()
ICON = "data:image/svg+xml;base64," + base64.b64encode(_SVG).decode()  # read once, not at every page run


def run() -> None:
    """Page settings and the list of pages; runs the page the address asks for."""
    presenting = classroom().present
    st.set_page_config(page_title="RNN Lab: what a Keras recurrent layer returns", page_icon=ICON,
                       layout="wide", initial_sidebar_state="collapsed" if presenting else "auto")
    app_style()
    presenter_style()
    pages = [
        st.Page("pages/playground.py", title="Playground", icon=":material/science:", default=True),
        st.Page("pages/lessons.py", title="Lessons", icon=":material/school:"),
        st.Page("pages/quiz.py", title="Quiz", icon=":material/quiz:"),
        st.Page("pages/articles.py", title="From the article you read", icon=":material/article:"),
        st.Page("pages/doctor.py", title="Shape doctor", icon=":material/stethoscope:"),
        st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
        st.Page("pages/classroom.py", title="Classroom", icon=":material/co_present:"),
        st.Page("pages/live_class.py", title="Join a class", icon=":material/groups:", url_path="class"),
    ]
    page = st.navigation(pages, position="hidden")
    # embed=true: Streamlit keeps it out of st.query_params, not out of context
    nav = None if st.context.is_embedded else st.sidebar.container(key="site-nav")
    later = page.url_path in SHOWN_UNDER  # drawn once the page has said under which entry it stands
    if nav is not None and not later:
        _links(nav, pages, page, None)
    _routing.active, _routing.entry = True, None
    try:
        page.run()
    except WorkerLost as lost:  # the worker computing this page's answer was lost: say so, offer a retry
        runs.unavailable(lost)
    finally:
        _routing.active = False
        if nav is not None and later:
            _links(nav, pages, page, _routing.entry)


def _links(nav: Any, pages: list[Any], page: Any, entry: str | None) -> None:
    """The site's links in the sidebar, the page's own highlighted by Streamlit; a page shown under another
    entry (`entry`, its title) has that one highlighted instead, and its own not."""
    with nav:
        for each in pages:
            if entry is None or each.title != entry and each is not page:
                st.page_link(each)
            else:
                with st.container(key="site-nav-here" if each.title == entry else "site-nav-not-here"):
                    st.page_link(each)
    if entry is not None:
        st.html(ENTRY_CSS)


def own_reruns(body: Callable[[], None]) -> Callable[[], None]:
    """A page's body as a fragment: a change of one of its own controls (those it draws in the sidebar too)
    reruns the body alone, not the page settings, the app's CSS and the site's links, which it does not change.
    A worker lost during such a rerun is said as on a whole run."""
    @st.fragment
    def page() -> None:
        try:
            body()
        except WorkerLost as lost:
            runs.unavailable(lost)
    return page


def shown_under(title: str) -> None:
    """Said by a page that stands under another entry of the navigation (a live class's teacher: Classroom)."""
    _routing.entry = title


def ensure_routed() -> None:
    """Called first by every page: when the page was run directly, route from here and stop."""
    if not getattr(_routing, "active", False):
        run()
        st.stop()
