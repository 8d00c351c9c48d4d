"""Our prose with its terms explained where they stand: the first mention of each glossary term (rnnlab.glossary)
shows its one-line definition on hover, on keyboard focus, and on a tap on a phone (where it opens at the foot of
the screen). Only our own text comes here: a caller's text is checked like any Markdown element's
(tests/unit/test_learner_text_paths.py), learner text in it is a code span, which the glossary leaves alone."""

from __future__ import annotations

import zlib
from typing import Any

import streamlit as st

from rnnlab.glossary import gloss

# A note (`note`) is drawn as Streamlit draws st.info, which cannot hold the terms' marks.
# The definition is the term's description (read by a screen reader with it), drawn while the term is hovered,
# focused or tapped: under the term; in a table (whose box scrolls sideways on a phone and would cut it off) where
# it stands, fixed; on a phone or a touch screen, across the foot of the screen.
TERMS_CSS = """
.rl-term { border-bottom: 1px dotted currentColor; cursor: help; position: relative; }
.rl-term:is(:hover, :focus)::after { content: attr(aria-description); position: absolute; left: 0; top: 100%;
  z-index: 1000; width: max-content; max-width: min(26rem, 80vw); margin-top: 0.3rem; padding: 0.45rem 0.65rem;
  border-radius: 0.35rem; background: #1f2330; color: #fff; font-size: 0.875rem; font-weight: 400;
  font-style: normal; line-height: 1.4; white-space: normal; text-align: left; text-transform: none;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25); }
table .rl-term:is(:hover, :focus)::after { position: fixed; left: auto; top: auto; margin-top: 1.6rem; }
[class*="st-key-rl-note-"] { background: rgba(28, 131, 225, 0.1); color: #004280; border-radius: 0.5rem;
  padding: 1rem; gap: 0; }
[class*="st-key-rl-note-"] p { margin: 0; }
@media (max-width: 640px), (hover: none) {
  .rl-term:is(:hover, :focus)::after { position: fixed; left: 0.75rem; right: 0.75rem; bottom: 0.75rem; top: auto;
    width: auto; max-width: none; margin: 0; }
}
"""


def prose(text: str, caption: bool = False, container: Any = st) -> None:
    """Our Markdown (a caption with caption=True), its terms explained on hover or tap."""
    shown = container.caption if caption else container.markdown
    shown(gloss(text), unsafe_allow_html=True)


def note(text: str, icon: str = ":material/info:", container: Any = st) -> None:
    """Our Markdown as an information note (st.info's look), its terms explained on hover or tap."""
    with container.container(key=f"rl-note-{zlib.crc32(text.encode()):08x}"):
        prose(f"{icon} {text}")
