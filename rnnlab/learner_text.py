"""The one way learner text reaches a page: shown exactly as written, never read as markup.

Learner text is anything a visitor typed or put in an address: a class answer or nickname, a lesson or quiz
answer, a query string's keys and values, pasted code and the names in it. It is data:

- in Streamlit's Markdown (markdown, captions, notices, tables, labels) it goes into `code(...)`: a code
  span, the one construct inside which Streamlit's Markdown reads nothing (a backslash does not stop its
  `:name:` icons, `:red[...]` directives, `$...$` maths or bare web addresses; a code span does);
- in a chart (Plotly's labels, tick text, hover text and annotations) it goes into `chart(...)`: Plotly reads
  `<b>`, `<br>`, `<a href>`, `<span style>`, `$...$` and a hover template's `%{...}` there, so they are
  written as entities (Plotly shows an entity as its character);
- in a code block (`st.code`) or plain text it goes into `visible(...)`.

All three first make invisible format characters visible: a right-to-left override (U+202E) would turn a
wrong answer like `(32, 64)` into what looks like another, and reverse the rest of the line. They are shown
as `[U+202E]`. Our own sentences that may hold Markdown's characters (`h_t`, `|difference|`) go through
`escape(...)`, and our messages that quote learner text between backticks (`quoted(...)`) through
`message(...)`.

    >>> code("![x](http://evil.example/p.png)")
    '`![x](http://evil.example/p.png)`'
    >>> chart('<b>bold</b> & %{y} $x$')
    '&lt;b&gt;bold&lt;/b&gt; &amp; &#37;{y} &#36;x&#36;'
    >>> visible("\\u202e)46 ,23(")
    '[U+202E])46 ,23('
"""

from __future__ import annotations

import re

# Bidirectional controls (embeddings, overrides, isolates, marks), other invisible format characters that
# change how text reads (zero-width space, word joiner, invisible operators, byte-order mark, soft hyphen),
# and control characters other than line breaks and tabs.
_HIDDEN = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad"
                     "\u0000-\u0008\u000b-\u001f\u007f-\u009f]")
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character: CommonMark escapes them all
_CHART = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;", "$": "&#36;"}  # HTML, templates, maths
_RUN = re.compile(r"`+")
_ADDRESS = re.compile(r"www\.|://|@", re.I)  # what Markdown links by itself, backslashes or not


def visible(text: object) -> str:
    """`text` with every invisible format or control character written as [U+XXXX] (line breaks kept)."""
    return _HIDDEN.sub(lambda m: f"[U+{ord(m[0]):04X}]", str(text))


def code(text: object, in_table: bool = False) -> str:
    """Learner text as a Markdown code span, shown literally whatever it holds (backticks included).

    in_table: for a cell of a Markdown table, where `|` would end the cell even inside a code span."""
    text = " ".join(visible(text).splitlines()) or " "  # a code span is one line; an empty one is not a span
    # Streamlit rewrites ":material/" even inside a code span: that colon is written outside, escaped
    head, *rest = text.split(":material/")
    if not rest:
        return _span(text, in_table)
    # (the spaces before such a colon are written between the spans, where Markdown keeps them)
    spans = [_span(part.rstrip(" "), in_table) + " " * (len(part) - len(part.rstrip(" "))) if part.strip() else part
             for part in [head] + ["material/" + r for r in rest]]
    return "\\:".join(spans)


def _span(text: str, in_table: bool) -> str:
    fence = "`" * (max(map(len, re.findall(r"`+", text)), default=0) + 1)
    # Markdown strips one space from each side of a span that is not all spaces: pad a text at its edges
    pad = " " if text.strip() and (text[0] in "` " or text[-1] in "` ") else ""
    if in_table:
        text = text.replace("|", r"\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def chart(text: object) -> str:
    """Learner text for a Plotly figure (a label, a category, tick or hover text): its markup written as
    entities, so `<b>` shows as typed, and no `%{...}` of it is filled in by a hover template."""
    return "".join(_CHART.get(ch, ch) for ch in visible(text))


def escape(text: object) -> str:
    """Our own text with Markdown's special characters shown as themselves (not for learner text: see code)."""
    return _PUNCTUATION.sub(r"\\\1", visible(text))


def quoted(text: object) -> str:
    """Learner text between backticks for one of our messages (shown by `message` as a code span, exactly)."""
    return _span(" ".join(str(text).splitlines()) or " ", in_table=False)


def message(text: object, in_table: bool = False) -> str:
    """Our message that quotes learner text (or Keras's words about it) between backticks (`quoted`), for
    Markdown: each quote a code span of its own (`code`), the words around it escaped, and any word there that
    Markdown would make a link of (a web or mail address) a code span too. Quotes are read as Markdown reads
    them (a run of backticks closes at the next run as long), so whatever they hold, nothing is read as Markdown.
    in_table: for a cell of a Markdown table (see code)."""
    text, shown, pos = str(text), [], 0
    runs = list(_RUN.finditer(text))
    k = 0
    while k < len(runs):
        opening = runs[k]
        closing = next((j for j in range(k + 1, len(runs)) if len(runs[j][0]) == len(opening[0])), None)
        if closing is None:
            k += 1
            continue
        inner = text[opening.end():runs[closing].start()]
        if len(inner) > 2 and inner[0] == inner[-1] == " " and inner.strip():
            inner = inner[1:-1]  # the padding `quoted` adds
        shown += [_words(text[pos:opening.start()], in_table), code(inner, in_table)]
        pos, k = runs[closing].end(), closing + 1
    return "".join(shown) + _words(text[pos:], in_table)


def _words(text: str, in_table: bool) -> str:
    return "".join(code(word, in_table) if _ADDRESS.search(word) else escape(word)
                   for word in re.split(r"(\s+)", text))
