"""The class's answers as a bar chart (a Plotly figure dict): one bar per distinct answer, most given first.

Correctness stays hidden until the teacher reveals it (every bar one colour); then right answers are green and
marked "✓", wrong ones grey and marked "✗" (told apart by mark as well as colour). Two rounds of a question
(before and after the discussion) are drawn side by side on one answer axis.

    >>> figure = tally_figure([Tally({"(32, 64)": 3}, frozenset({"(32, 64)"}), 3, 5)], reveal=False)
    >>> figure["data"][0]["x"], figure["data"][0]["text"]
    ([3], ['3 (100%)'])
"""

from __future__ import annotations

from typing import Any

from rnnlab.learner_text import chart, quoted
from rnnlab.live.session import Tally

MAX_BARS = 12  # distinct answers drawn; the rest are counted as one bar "other answers"
HIDDEN, RIGHT, WRONG = "#3b6ea8", "#1a7f37", "#8c8c8c"
ROUND_NAMES = ("First vote", "Second vote")
OTHER = "other answers"


def _bars(tally: Tally, order: list[str]) -> list[int]:
    return [sum(n for a, n in tally.counts.items() if a not in order[:-1]) if a == OTHER else tally.counts.get(a, 0)
            for a in order]


def _order(tallies: list[Tally]) -> list[str]:
    """Answers by how often they were given over every round; beyond MAX_BARS, one bar for the rest."""
    totals: dict[str, int] = {}
    for tally in tallies:
        for answer, count in tally.counts.items():
            totals[answer] = totals.get(answer, 0) + count
    ranked = sorted(totals, key=lambda a: (-totals[a], a))
    return ranked if len(ranked) <= MAX_BARS else [*ranked[:MAX_BARS - 1], OTHER]


def _label(answer: str, tallies: list[Tally], reveal: bool) -> str:
    if not reveal or answer == OTHER:
        return answer
    return ("✓ " if any(answer in t.right for t in tallies) else "✗ ") + answer


def _colour(answer: str, tally: Tally, reveal: bool) -> str:
    return (RIGHT if answer in tally.right else WRONG) if reveal else HIDDEN


def _round_bars(k: int, tally: Tally, order: list[str], labels: list[str], reveal: bool, name: str) -> dict:
    """Round k's bars (the second vote hatched)."""
    counts = _bars(tally, order)
    shares = [f"{n} ({round(100 * n / tally.answered)}%)" if tally.answered else str(n) for n in counts]
    return {"type": "bar", "orientation": "h", "x": counts, "y": labels, "name": name or "answers", "text": shares,
            "textposition": "outside", "cliponaxis": False,
            "marker": {"color": [_colour(a, tally, reveal) for a in order], "pattern": {"shape": "/" if k else ""}},
            "hovertemplate": f"%{{y}}: %{{x}}<extra>{name}</extra>"}


def tally_figure(tallies: list[Tally], reveal: bool) -> dict[str, Any]:
    """One round (or two, side by side) of answers -> a horizontal bar chart, counts on the x axis."""
    order = _order(tallies)
    labels = [chart(_label(a, tallies, reveal)) for a in order]  # Plotly reads HTML in categories and hovers
    names = ROUND_NAMES if len(tallies) > 1 else ("",)
    data = [_round_bars(k, tally, order, labels, reveal, names[k]) for k, tally in enumerate(tallies)]
    most = max([max(d["x"], default=0) for d in data] + [1])
    return {"data": data, "layout": {
        "barmode": "group", "height": 120 + 48 * max(len(order), 1) * len(tallies) ** 0.5,
        "margin": {"l": 10, "r": 30, "t": 40, "b": 40 + 50 * (len(tallies) > 1)},
        "title": {"text": "The class's answers" + (" (right ones marked ✓)" if reveal else "")},
        "xaxis": {"title": {"text": "students"}, "range": [0, most * 1.3], "dtick": max(1, round(most / 6))},
        "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
        "showlegend": len(tallies) > 1, "legend": {"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0},
        "font": {"size": 16}, "plot_bgcolor": "white"}}


def tally_text(tallies: list[Tally], reveal: bool) -> str:
    """The chart in words, for readers who cannot see it: each round's answers with their counts, every answer
    quoted (for learner_text.message)."""
    parts = []
    for k, tally in enumerate(tallies):
        answers = "; ".join(f"{quoted(_label(a, tallies, reveal))}: {n}"
                            for a, n in tally.counts.items()) or "none yet"
        parts.append(f"{ROUND_NAMES[k] if len(tallies) > 1 else 'Answers'} ({tally.answered}): {answers}.")
    return " ".join(parts)
