"""Learner text shown as itself in Markdown, in charts and in code blocks; charts put into words."""

import re

import numpy as np
import pytest

from rnnlab.learner_text import chart, code, escape, message, quoted, visible
from rnnlab.live.chart import tally_figure, tally_text
from rnnlab.live.session import Tally
from ui.chart_text import describe

HOSTILE = ["![x](http://127.0.0.1:9999/i)", "[Log in](http://evil.example/)", "`", "a ``b`` c", " x", "x ",
           "| a | b |", ":smile: $x^2$ <b>hi</b>", "line one\nline two", ""]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_code_span_holds_the_text_whole(text):
    span = code(text)
    fence = span[: len(span) - len(span.lstrip("`"))]
    assert span.endswith(fence) and fence not in span[len(fence):-len(fence)], span  # one span, not closed early
    inner = span[len(fence):-len(fence)]
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
        inner = inner[1:-1]  # CommonMark strips one space each side
    assert inner == (" ".join(text.splitlines()) or " ")


# The payloads the browser tests type into every field (image, link, HTML, maths, directive, bidi).
PAYLOADS = ["![x](http://evil.example/p.png)", "[vote here](http://evil.example)",
            '<b>bold</b><span style="font-size:80px">big</span><a href="http://evil.example">a</a><br>x',
            r"$\huge X$", ":red-background[red] :material/home:", "\u202e)46 ,23("]
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_every_bidirectional_control_is_shown_as_its_code_point():
    shown = visible(f"a{BIDI}b\u200bc\x00d\ne\tf")
    assert shown == ("a" + "".join(f"[U+{ord(c):04X}]" for c in BIDI) + "b[U+200B]c[U+0000]d\ne\tf")
    for made in (code, chart, escape, message):
        assert not set(BIDI) & set(made(BIDI)), made


def test_streamlits_icon_syntax_is_kept_out_of_every_code_span():
    """Streamlit rewrites ':material/' even inside a code span: its colon is written outside, escaped."""
    assert code("a :material/home: b") == "`a` \\:`material/home: b`"
    assert code(":material/home:") == "\\:`material/home:`"
    assert all(":material/" not in inner for _, inner in re.findall(r"(`+)(.*?)\1", code(PAYLOADS[4])))


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_chart_label_holds_no_markup_plotly_reads(text):
    label = chart(text)
    assert not re.search(r"<|>|\$|%\{", label)
    unescaped = re.sub(r"&(amp|lt|gt|#37|#36);", lambda m: {"amp": "&", "lt": "<", "gt": ">", "#37": "%",
                                                            "#36": "$"}[m[1]], label)
    assert unescaped == visible(text)


@pytest.mark.parametrize("text", [*PAYLOADS, "a`b", "``", " x ", "a``b`c", "www.evil.example", ""])
def test_a_quote_in_a_message_comes_back_as_one_code_span_of_the_same_text(text):
    shown = message("Answers (3): " + quoted(text) + ": 2.")
    assert shown.startswith("Answers \\(3\\)\\: ") and shown.endswith("\\: 2\\.")
    assert shown[len("Answers \\(3\\)\\: "):-len("\\: 2\\.")] == code(text)


def test_words_markdown_would_link_by_itself_are_code_spans_in_a_message():
    shown = message("Keras says: see www.evil.example or http://evil.example/x or a@evil.example.")
    assert all(f"`{word}`" in shown for word in ("www.evil.example", "http://evil.example/x", "a@evil.example."))


def test_the_class_answers_are_labels_plotly_shows_as_typed():
    hostile = PAYLOADS[2]
    tally = Tally({hostile.lower(): 2, "(32, 64)": 1}, frozenset({"(32, 64)"}), 3, 5)
    figure = tally_figure([tally], reveal=True)
    labels = figure["data"][0]["y"]
    assert labels[0] == "✗ " + chart(hostile.lower()) and "<" not in "".join(labels)
    assert figure["data"][0]["hovertemplate"].startswith("%{y}")  # the label, escaped, is what %{y} shows
    words = message(tally_text([tally], reveal=True))
    assert code("✗ " + hostile.lower()) in words and "<b>" not in words.replace(code("✗ " + hostile.lower()), "")


def test_in_a_table_a_pipe_cannot_end_the_cell():
    assert code("a|b", in_table=True) == r"`a\|b`"
    assert code("a|b") == "`a|b`"


def test_escape_leaves_no_markdown_character_unescaped():
    text = "h_t *and* [c_t](x) | `code` :red[x] $1$ #"
    escaped = escape(text)
    assert escaped.replace("\\", "") == text.replace("\\", "")
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "_*[]()|`:$#")


def test_a_heatmap_is_described_by_its_title_size_and_range():
    figure = {"layout": {"title": {"text": "whole_seq[0]: (timesteps, units) = (3, 2)"},
                         "xaxis": {"title": {"text": "timestep t"}}, "yaxis": {"title": {"text": "unit"}}},
              "data": [{"type": "heatmap", "name": "whole_seq", "z": np.array([[0.5, -0.25, 1], [0, 0.1, 0.2]])}]}
    assert describe(figure) == ("Chart: whole_seq[0]: (timesteps, units) = (3, 2). Heatmap whole_seq, 2 × 3 "
                                "(unit by timestep t). Values from -0.25 to 1.")


def test_lines_are_counted_and_an_empty_chart_says_so():
    lines = {"layout": {"title": {"text": "<b>loss</b> after every epoch"}},
             "data": [{"type": "scatter", "name": n, "y": [1.0, 0.5, np.nan]} for n in ("training", "validation")]}
    assert describe(lines) == ("Chart: loss after every epoch. 2 lines (training, validation) over 2 points. "
                               "Values from 0.5 to 1.")
    empty = {"layout": {"title": {"text": "loss"}}, "data": [{"type": "scatter", "y": []}]}
    assert describe(empty) == "Chart: loss. No values yet."


def test_bars_are_called_bars():
    bars = {"layout": {"title": {"text": "output[0]"}}, "data": [{"type": "bar", "name": "output", "y": [0.5, -1]}]}
    assert describe(bars) == "Chart: output[0]. 1 bar series (output) over 2 points. Values from -1 to 0.5."
