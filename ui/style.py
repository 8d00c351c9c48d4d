"""The app's own CSS, on every page: what Streamlit's theme options cannot set.

- Code highlighting: Streamlit colours the tokens from its fixed palette (keywords #1c83e1, numbers
  #29b09d, comments #808495, ...), 2.5-3.6:1 on the code background; these are the same hues darkened to at
  least 4.5:1 (WCAG AA) on it (#f7f7f6), on white and in a warning's tint; a diff's added and removed lines
  too (Streamlit draws them #21c354 and #ff4b4b, 2.3:1 and 3.2:1).
- Captions: Streamlit fades them with opacity 0.6 (#767676 on white, 4.35:1 on inline code's background);
  a darker grey, opaque.
- Keyboard focus: every control shows a clear outline when reached with the keyboard; a toggle, radio or
  checkbox (whose real input is hidden) on its label.
- Inline code in text never breaks across lines on a wide screen (a shape such as (32, 10, 1) stays whole); a
  span too long for it scrolls inside itself. On a phone, code wraps instead, inline and in blocks: a region
  that scrolls sideways would need to take the keyboard's focus, and is awkward under a thumb.
- Less room above the title than Streamlit leaves (6rem): the first screen reaches what Keras returns.
- What Keras returns (ui.panels.returns, the container keyed "shapes"): a shape such as (32, 10, 64) is never
  broken across lines, however narrow the screen; on a phone the table of returned tensors is set tighter, and
  scrolls sideways if it is still too wide, rather than being cut off.
- Terms explained where they stand (ui.terms): a dotted underline, and the definition on hover, focus or tap.
- plotly.js's loader, drawn while a page waits for its answer (ui.plot.preload), takes no room and shows nothing.
- Embedded in a tutorial (`?embed=true`, rnnlab.embed): a compact page, with a smaller title and less room
  above it (still clear of the button that opens the sidebar, drawn at the top left of a narrow frame).
"""

from __future__ import annotations

import streamlit as st

from ui.terms import TERMS_CSS

FOCUS = "#0054a3"  # 7:1 on white
APP_CSS = f"""<style>
[data-testid="stCode"] .token.comment, [data-testid="stCode"] .token.prolog, [data-testid="stCode"] .token.doctype,
[data-testid="stCode"] .token.cdata, [data-testid="stCode"] .token.punctuation,
[data-testid="stCode"] .token.unchanged.line, [data-testid="stCode"] .linenumber {{ color: #5b5f6e; }}
[data-testid="stCode"] .token.keyword, [data-testid="stCode"] .token.tag, [data-testid="stCode"] .token.function,
[data-testid="stCode"] .token.class-name, [data-testid="stCode"] .token.selector {{ color: #0054a3; }}
[data-testid="stCode"] .token.number, [data-testid="stCode"] .token.regex {{ color: #246e69; }}
[data-testid="stCode"] .token.string, [data-testid="stCode"] .token.char, [data-testid="stCode"] .token.attr-value,
[data-testid="stCode"] .token.boolean, [data-testid="stCode"] .token.constant, [data-testid="stCode"] .token.symbol,
[data-testid="stCode"] .token.inserted {{ color: #0f6b2e; }}
[data-testid="stCode"] .token.operator, [data-testid="stCode"] .token.entity, [data-testid="stCode"] .token.decorator,
[data-testid="stCode"] .token.atrule {{ color: #a84300; }}
[data-testid="stCode"] .token.attr-name, [data-testid="stCode"] .token.property,
[data-testid="stCode"] .token.variable {{ color: #136a8a; }}
[data-testid="stCode"] .token.url {{ color: #6d3fc0; }}
[data-testid="stCode"] .token.important, [data-testid="stCode"] .token.deleted {{ color: #a8283a; }}
[data-testid="stCode"] code .token.inserted:is(.line, .prefix) {{ color: #0f6b2e; }}
[data-testid="stCode"] code .token.deleted:is(.line, .prefix) {{ color: #a8283a; }}
[data-testid="stCaptionContainer"] {{ opacity: 1; color: #5c5c5c; }}
[data-testid="stCaptionContainer"] code {{ color: #5c5c5c; }}
[data-testid="stMarkdownContainer"] :not(pre) > code {{ white-space: nowrap; display: inline-block; max-width: 100%;
  overflow-x: auto; vertical-align: bottom; }}
@media (max-width: 640px) {{
  [data-testid="stMarkdownContainer"] :not(pre) > code {{ white-space: normal; overflow-wrap: anywhere;
    display: inline; overflow-x: visible; }}
  [data-testid="stCode"] pre, [data-testid="stCode"] pre code {{ white-space: pre-wrap !important;
    overflow-wrap: anywhere; overflow-x: visible !important; }}
}}
.st-key-shapes [data-testid='stMarkdownContainer'] code {{ white-space: nowrap; }}
.st-key-shapes [data-testid='stMarkdownContainer']:has(> table) {{ overflow-x: auto; }}
@media (max-width: 640px) {{
  .st-key-shapes table {{ font-size: 0.9em; }}
  .st-key-shapes :is(th, td) {{ padding: 0.3rem 0.45rem; }}
}}
[data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; }}
.st-key-plotly-preload {{ display: none; }}
:focus-visible {{ outline: 2px solid {FOCUS} !important; outline-offset: 2px; }}
label[data-focus-visible="true"] {{ outline: 2px solid {FOCUS}; outline-offset: 2px; border-radius: 0.25rem; }}
{TERMS_CSS}</style>"""


EMBED_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.25rem; }
[data-testid="stMain"] h1 { font-size: 2rem; padding-top: 0.5rem; }
</style>"""


def app_style() -> None:
    """The CSS above; a style-only st.html takes no room on the page."""
    st.html(APP_CSS)
    if st.context.is_embedded:
        st.html(EMBED_CSS)
