"""Our prose with its terms explained where they stand: the first mention of each glossary term (rnnlab.glossary)
shows its one-line definition on hover, on keyboard focus, and on a tap on a phone (where it opens at the foot of
the screen). Only our own text comes here: a caller's text is checked like any Markdown element's
(tests/unit/test_learner_text_paths.py), learner text in it is a code span, which the glossary leaves alone."""

from __future__ import annotations

from typing import Any

import streamlit as st

from rnnlab.glossary import gloss

# The definition is in the page (read by a screen reader after the term), shown only while the term is hovered,
# focused or tapped; fixed, so that no scrolling box around the term (a table) cuts it off.
TERMS_CSS = """
.rl-term { border-bottom: 1px dotted currentColor; cursor: help; }
.rl-term .rl-def { display: none; position: fixed; z-index: 1000; margin-top: 1.7em; width: max-content;
  max-width: min(26rem, 90vw); padding: 0.45rem 0.65rem; border-radius: 0.35rem; background: #1f2330; color: #fff;
  font-size: 0.875rem; font-weight: 400; font-style: normal; line-height: 1.4; white-space: normal; text-align: left;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25); }
.rl-term:is(:hover, :focus, :focus-within) .rl-def { display: block; }
@media (max-width: 640px), (hover: none) {
  .rl-term .rl-def { left: 0.75rem; right: 0.75rem; bottom: 0.75rem; top: auto; margin: 0; max-width: none;
    width: auto; }
}
"""


def prose(text: str, caption: bool = False, container: Any = st) -> None:
    """Our Markdown (a caption with caption=True), its terms explained on hover or tap."""
    (container.caption if caption else container.markdown)(gloss(text), unsafe_allow_html=True)
