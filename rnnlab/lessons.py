"""Lessons: Markdown files with TOML front matter (between `+++` lines): title, order, preset, questions.

No shape or number in a lesson is typed by hand: the text holds placeholders filled from a live run of
the preset (or of the preset changed by a query after `|`):

    {{x}}             the input's shape, e.g. (32, 10, 3)
    {{shape NAME}}    the shape of one returned tensor, e.g. {{shape state_h}}
    {{shapes}}        every returned shape, comma-separated
    {{unpack}}        the line that unpacks what the layer returns
    {{params}}        count_params()
    {{shapes | return_state=true}}   the same, for the preset with return_state on

`check` finds placeholders that do not resolve and shapes typed by hand; `grade` marks a learner's answer.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from rnnlab.params import ConfigError, parse

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)(?:\s+(\w+))?\s*(?:\|\s*([^}]*?))?\s*\}\}")
TYPED_SHAPE = re.compile(r"[(\[]\s*\d+\s*,\s*\d*")  # "(32, 10" or "[4," : a shape written out by hand


@dataclass(frozen=True)
class Question:
    ask: str
    query: str = ""  # changes to the preset for this question


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    order: int
    preset: str  # a playground query string
    body: str  # Markdown with placeholders
    questions: tuple[Question, ...] = field(default_factory=tuple)


def read(path: Path) -> Lesson:
    """One lesson file -> Lesson; ValueError naming the file when its front matter is unusable."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("+++", 2)
    if len(parts) != 3 or parts[0].strip():
        raise ValueError(f"{path.name}: no front matter between +++ lines at the top")
    try:
        meta = tomllib.loads(parts[1])
        questions = tuple(Question(**q) for q in meta.get("questions", ()))
        return Lesson(path.stem, meta["title"], int(meta["order"]), meta.get("preset", ""), parts[2].strip(),
                      questions)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{path.name}: front matter: {err}") from None


def all_lessons(folder: Path = LESSONS) -> list[Lesson]:
    return sorted((read(p) for p in folder.glob("*.md") if p.name != "README.md"), key=lambda lesson: lesson.order)


def combine(preset: str, change: str) -> str:
    """The preset with the change's parameters set on top (a change replaces the preset's value)."""
    pairs = dict(parse_qsl(preset, keep_blank_values=True))
    pairs.update(parse_qsl(change.strip(), keep_blank_values=True))
    return urlencode(pairs, safe=",")


@lru_cache(maxsize=64)
def _described(query: str) -> dict[str, Any]:
    import rnnlab

    return rnnlab.describe(query)


def shapes_of(query: str) -> list[tuple[int, ...]]:
    """What the installed Keras returns for this query, in order."""
    return [tuple(r["shape"]) for r in _described(query)["returns"]]


def _value(kind: str, name: str | None, query: str) -> str:
    described = _described(query)
    if kind == "x":
        config = described["config"]
        return str((config["batch"], config["timesteps"], config["features"]))
    if kind == "shape":
        found = {r["name"]: tuple(r["shape"]) for r in described["returns"]}
        if name not in found:
            raise KeyError(f"nothing named {name!r} is returned (returned: {', '.join(found)})")
        return str(found[name])
    if kind == "shapes":
        return ", ".join(str(s) for s in shapes_of(query))
    if kind == "params":
        return f"{described['params']:,}"
    if kind == "unpack":
        from rnnlab.codegen import unpack_line

        return unpack_line(parse(query).config)
    raise KeyError(f"unknown placeholder {kind!r}")


ANSWERS = ("shape", "shapes", "unpack", "params")  # placeholders that give away what a question asks
HIDDEN = "(hidden until Reveal)"


def render(lesson: Lesson, answers: bool = True) -> str:
    """The lesson's Markdown with every placeholder filled in from live runs; with answers=False, the
    placeholders in ANSWERS read HIDDEN instead."""

    def fill(m: re.Match) -> str:
        return _value(m[1], m[2], combine(lesson.preset, m[3] or "")) if answers or m[1] not in ANSWERS else HIDDEN

    return PLACEHOLDER.sub(fill, lesson.body)


def check(lesson: Lesson) -> list[str]:
    """Problems with one lesson: a preset or query that is not valid, a placeholder that does not resolve,
    a shape typed by hand. Empty when the lesson agrees with the installed Keras."""
    problems = []
    queries = [lesson.preset] + [combine(lesson.preset, m[3] or "") for m in PLACEHOLDER.finditer(lesson.body)]
    queries += [combine(lesson.preset, q.query) for q in lesson.questions]
    for query in dict.fromkeys(queries):
        try:
            parse(query).strict()
        except ConfigError as err:
            problems.append(f"{lesson.slug}: query {query!r}: {err}")
    if problems:
        return problems
    for match in PLACEHOLDER.finditer(lesson.body):
        try:
            _value(match[1], match[2], combine(lesson.preset, match[3] or ""))
        except KeyError as err:
            problems.append(f"{lesson.slug}: {match[0]}: {err.args[0]}")
    for typed in TYPED_SHAPE.finditer(PLACEHOLDER.sub("", lesson.body + " ".join(q.ask for q in lesson.questions))):
        problems.append(f"{lesson.slug}: a shape typed by hand near {typed[0]!r}: use a placeholder")
    return problems


def parse_answer(text: str) -> list[tuple[int, ...]]:
    """'(32, 10, 64), (32, 64)' -> [(32, 10, 64), (32, 64)]; brackets and spaces are optional for one shape."""
    groups = re.findall(r"[(\[]([^()\[\]]*)[)\]]", text) or [text]
    return [tuple(int(n) for n in re.findall(r"-?\d+", g)) for g in groups if re.search(r"\d", g)]


def grade(text: str, query: str, tell: bool = True) -> tuple[bool, str]:
    """A learner's typed shapes against what Keras returns for the query -> (right, a sentence saying why).
    With tell=False a wrong answer gets the rule it broke but not the right shapes."""
    expected = shapes_of(query)
    given = parse_answer(text[:500])
    if given == expected:
        return True, "Right: that is exactly what Keras returns."
    if len(given) != len(expected):
        count = f"{len(expected)} tensor{'s' * (len(expected) > 1)}" if tell else "a different number of tensors"
        return False, f"Keras returns {count} here, not {len(given)}: return_state adds the final states after the output."
    wrong = next(i for i, (g, e) in enumerate(zip(given, expected)) if g != e)
    g, e = given[wrong], expected[wrong]
    if len(g) != len(e):
        why = ("with return_sequences the output keeps the timesteps axis, (batch, timesteps, units); without it, "
               "and for every state, there is no timesteps axis, (batch, units)")
    else:
        why = "the first axis is the batch and the last is units, the layer's size (never the input's features)"
    return False, f"Tensor {wrong + 1}: Keras returns {e if tell else 'another shape'}, not {g}: {why}."
