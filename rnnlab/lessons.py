"""Lessons: Markdown files with TOML front matter (between `+++` lines): title, order, preset, questions.

No shape or number in a lesson is typed by hand: the text holds placeholders filled from a live run of
the preset (or of the preset changed by a query after `|`):

    {{x}}             the input's shape, e.g. (32, 10, 3)
    {{shape NAME}}    the shape of one returned tensor, e.g. {{shape state_h}}
    {{shapes}}        every returned shape, comma-separated
    {{unpack}}        the line that unpacks what the layer returns
    {{params}}        count_params()
    {{config NAME}}   one setting of the preset, e.g. {{config batch}}
    {{shapes | return_state=true}}   the same, for the preset with return_state on

A question's `explain` (Markdown with the same placeholders) is shown once the learner has checked an answer:
the shapes that answer a question belong there, or below it, never in the text above it. `check` finds
placeholders that do not resolve, shapes typed by hand and answers given away above their question; `grade`
marks a learner's answer.
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
    explain: str = ""  # Markdown with placeholders, shown once an answer has been checked
    of: str = "returns"  # what the answer is: the shapes the layer "returns", or the input "x"

    def __post_init__(self) -> None:
        if self.of not in OF:
            raise ValueError(f"a question is about one of {', '.join(OF)}, not {self.of!r}")


OF = ("returns", "x")  # what a question may ask the shapes of


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


def expected(query: str, of: str = "returns") -> list[tuple[int, ...]]:
    """The right answer to a question about `query`: what the layer returns, or the input x's shape."""
    if of == "x":
        config = _described(query)["config"]
        return [(config["batch"], config["timesteps"], config["features"])]
    return shapes_of(query)


def answer_query(lesson: Lesson, question: Question) -> str:
    return combine(lesson.preset, question.query)


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
    if kind == "config":
        if name not in described["config"]:
            raise KeyError(f"no setting is called {name!r}")
        return str(described["config"][name])
    if kind == "unpack":
        from rnnlab.codegen import unpack_line

        return unpack_line(parse(query).config)
    raise KeyError(f"unknown placeholder {kind!r}")


ANSWERS = ("shape", "shapes", "unpack", "params")  # placeholders that give away what a question asks
HIDDEN = "(hidden until Reveal)"


def render(lesson: Lesson, answers: bool = True, text: str | None = None) -> str:
    """The lesson's Markdown (or `text`, e.g. a question's explanation) with every placeholder filled in from
    live runs of the preset; with answers=False, the placeholders in ANSWERS read HIDDEN instead."""

    def fill(m: re.Match) -> str:
        return _value(m[1], m[2], combine(lesson.preset, m[3] or "")) if answers or m[1] not in ANSWERS else HIDDEN

    return PLACEHOLDER.sub(fill, lesson.body if text is None else text)


def given_away(lesson: Lesson) -> list[str]:
    """Questions whose answer stands above them. The page shows the lesson's text, then each question with,
    once answered, its explanation: no shape of an answer may stand in the text or in a question asked, and
    no whole answer (as {{shapes}} writes it) in the explanation of a question before it: answers to questions
    in a row share shapes."""
    problems = []
    text = render(lesson) + "\n" + "\n".join(q.ask for q in lesson.questions)
    explained = ""
    for n, question in enumerate(lesson.questions, 1):
        answer = [str(s) for s in expected(answer_query(lesson, question), question.of)]
        found = list(dict.fromkeys(shape for shape in answer if shape in text))
        if not found and ", ".join(answer) in explained:
            found = answer
        if found:
            problems.append(f"{lesson.slug}: question {n}'s answer {', '.join(found)} stands above it: move it to "
                            "the question's explain (shown once the learner has answered)")
        explained += "\n" + render(lesson, text=question.explain)
    return problems


def check(lesson: Lesson) -> list[str]:
    """Problems with one lesson: a preset or query that is not valid, a placeholder that does not resolve,
    a shape typed by hand. Empty when the lesson agrees with the installed Keras."""
    problems = []
    texts = lesson.body + "\n" + "\n".join(q.explain for q in lesson.questions)
    queries = [lesson.preset] + [combine(lesson.preset, m[3] or "") for m in PLACEHOLDER.finditer(texts)]
    queries += [combine(lesson.preset, q.query) for q in lesson.questions]
    for query in dict.fromkeys(queries):
        try:
            parse(query).strict()
        except ConfigError as err:
            problems.append(f"{lesson.slug}: query {query!r}: {err}")
    if problems:
        return problems
    for match in PLACEHOLDER.finditer(texts):
        try:
            _value(match[1], match[2], combine(lesson.preset, match[3] or ""))
        except KeyError as err:
            problems.append(f"{lesson.slug}: {match[0]}: {err.args[0]}")
    for typed in TYPED_SHAPE.finditer(PLACEHOLDER.sub("", texts + " ".join(q.ask for q in lesson.questions))):
        problems.append(f"{lesson.slug}: a shape typed by hand near {typed[0]!r}: use a placeholder")
    return problems or given_away(lesson)


def parse_answer(text: str) -> list[tuple[int, ...]]:
    """'(32, 10, 64), (32, 64)' -> [(32, 10, 64), (32, 64)]; brackets and spaces are optional for one shape."""
    groups = re.findall(r"[(\[]([^()\[\]]*)[)\]]", text) or [text]
    return [tuple(int(n) for n in re.findall(r"-?\d+", g)) for g in groups if re.search(r"\d", g)]


def grade(text: str, query: str, tell: bool = True, of: str = "returns") -> tuple[bool, str]:
    """A learner's typed shapes against what Keras returns for the query (or, of="x", the input's shape) ->
    (right, a sentence saying why). With tell=False a wrong answer gets the rule it broke but not the right
    shapes."""
    if of == "x":
        return _grade_x(parse_answer(text[:500]), expected(query, of)[0], tell)
    expected_ = shapes_of(query)
    given = parse_answer(text[:500])
    if given == expected_:
        return True, "Right: that is exactly what Keras returns."
    if len(given) != len(expected_):
        count = f"{len(expected_)} tensor{'s' * (len(expected_) > 1)}" if tell else "a different number of tensors"
        return False, f"Keras returns {count} here, not {len(given)}: return_state adds the final states after the output."
    wrong = next(i for i, (g, e) in enumerate(zip(given, expected_)) if g != e)
    g, e = given[wrong], expected_[wrong]
    if len(g) != len(e):
        why = ("with return_sequences the output keeps the timesteps axis, (batch, timesteps, units); without it, "
               "and for every state, there is no timesteps axis, (batch, units)")
    else:
        why = "the first axis is the batch and the last is units, the layer's size (never the input's features)"
    return False, f"Tensor {wrong + 1}: Keras returns {e if tell else 'another shape'}, not {g}: {why}."


def _grade_x(given: list[tuple[int, ...]], shape: tuple[int, ...], tell: bool) -> tuple[bool, str]:
    """A typed input shape against x's: one array of three axes, (batch, timesteps, features)."""
    if given == [shape]:
        return True, "Right: that is the shape of x."
    rule = "x is one array with three axes: (batch, timesteps, features)"
    if len(given) != 1 or len(given[0]) != 3:
        return False, f"{rule}{f': here {shape}' if tell else ''}."
    return False, f"Not {given[0]}: {rule}{f', here {shape}' if tell else ''}."
