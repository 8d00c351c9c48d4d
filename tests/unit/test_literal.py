"""Learner text in Markdown shown literally, and charts put into words."""

import numpy as np
import pytest

from ui.chart_text import describe
from ui.literal import code, escape

HOSTILE = ["![x](http://127.0.0.1:9999/i)", "[Log in](http://evil.example/)", "`", "a ``b`` c", " x", "x ",
           "| a | b |", ":material/check_circle: $x^2$ <b>hi</b>", "line one\nline two", ""]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_code_span_holds_the_text_whole(text):
    span = code(text)
    fence = span[: len(span) - len(span.lstrip("`"))]
    assert span.endswith(fence) and fence not in span[len(fence):-len(fence)], span  # one span, not closed early
    inner = span[len(fence):-len(fence)]
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
        inner = inner[1:-1]  # CommonMark strips one space each side
    assert inner == (" ".join(text.splitlines()) or " ")


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
