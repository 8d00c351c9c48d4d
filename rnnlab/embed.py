"""The embed snippet for a tutorial: the playground in an `<iframe>`, with Streamlit's `embed=true`.

A tutorial author picks the playground's settings and, as for a classroom link (rnnlab.classroom), which
controls are hidden or locked and whether the answers wait for "Reveal"; the snippet is one `<iframe>` to
paste into any HTML page:

    >>> room = Classroom(hide=("units",), lock=("return_state",))
    >>> print(snippet(address("https://lab.example", {"units": "8"}, room), 700, "RNN Lab"))
    <iframe src="https://lab.example/?units=8&amp;hide=units&amp;lock=return_state&amp;embed=true" width="100%" height="700" style="border:0" title="RNN Lab" loading="lazy"></iframe>

`embed=true` is Streamlit's own: Streamlit hides its toolbar, header and footer, and the app leaves out its
site navigation (ui/router.py). Streamlit keeps `embed` out of `st.query_params`, so the app neither sees nor
rewrites it, and the address bar of the frame keeps it as the reader changes the controls.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from rnnlab.classroom import Classroom, link

EMBED = {"embed": "true"}
HEIGHTS = (500, 600, 700, 800, 900, 1000, 1200, 1400)  # pixels, for the author to pick from
DEFAULT_HEIGHT = 800
MIN_HEIGHT, MAX_HEIGHT = HEIGHTS[0], HEIGHTS[-1]


def address(base: str, settings: Mapping[str, str], classroom: Classroom) -> str:
    """The playground's address under `base` with its settings, the classroom's, and `embed=true` last.
    Presenter view is left out: a frame in a tutorial is not a projector."""
    url = link(base, "", settings, Classroom(classroom.hide, classroom.lock, classroom.reveal))
    return url + ("&" if "?" in url else "?") + "embed=true"


def snippet(src: str, height: int, title: str) -> str:
    """One `<iframe>` element showing `src`, the page's full width and `height` pixels tall (kept within
    MIN_HEIGHT..MAX_HEIGHT); every attribute value escaped for HTML, quotes included."""
    tall = min(max(int(height), MIN_HEIGHT), MAX_HEIGHT)
    return (f'<iframe src="{escape(src, quote=True)}" width="100%" height="{tall}" style="border:0" '
            f'title="{escape(title, quote=True)}" loading="lazy"></iframe>')
