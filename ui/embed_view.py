"""The embed snippet for tutorial authors, on the Classroom page: the playground in an `<iframe>`.

The author pastes playground settings (the same box and notices as the classroom link builder), picks the
controls the frame hides or locks, whether the answers wait for "Reveal", and the frame's height; the
snippet (rnnlab.embed) is shown for copying.

In the frame (`?embed=true`) Streamlit hides its own toolbar and header, and the app leaves out its site
navigation (ui/router.py). The playground's controls are drawn in the sidebar (ui/controls.py), so the
sidebar stays, holding only those controls: collapsed at first in a narrow frame, as on a phone, and opened
by its arrow. That keeps one layout for the playground, whether it is framed or not.
"""

from __future__ import annotations

import streamlit as st

from rnnlab import embed
from rnnlab.classroom import Classroom
from rnnlab.params import PARAMS, parse
from ui import panels
from ui.classroom_view import hidden_and_locked, pasted_settings

NOTE = ("The frame shows the playground without this site's menu, at the full width of your page's column. "
        "Your readers' browsers run it from the address above, so it must be one they can reach. Each reader "
        "gets their own playground: what they change stays in their frame.")


def builder(base: str) -> None:
    """`base`: the app's address for readers (drawn once on the Classroom page by classroom_view.class_address)."""
    st.markdown("Put the playground inside your own tutorial: paste the snippet below into the page's HTML, "
                "where the playground should appear.")
    settings = pasted_settings(key="embed_settings")
    hide, lock = hidden_and_locked(list(PARAMS), key="embed")
    reveal = st.toggle("Answers stay hidden until the reader presses Reveal", value=False, key="embed_reveal")
    height = st.select_slider("Height of the frame (pixels)", embed.HEIGHTS, value=embed.DEFAULT_HEIGHT,
                              key="embed_height")
    src = embed.address(base, settings, Classroom(hide, lock, reveal))
    title = f"RNN Lab playground: {panels.title(parse(settings).config)}"
    st.header("The snippet")  # under the page title: the next level
    st.code(embed.snippet(src, height, title), language="html", wrap_lines=True)
    st.link_button("Open what the frame shows", src, icon=":material/open_in_new:")
    st.caption(NOTE)
