"""What a class is asked: a playground configuration ("what does this layer return?") or a lesson's question.

A `Posed` question is plain data (it travels through the store as JSON). Its right answer and the grading of
a typed answer come from the installed Keras (rnnlab.questions / rnnlab.lessons); `canonical` writes an
answer the way the class's bar chart groups it, so "(32,64)" and "( 32, 64 )" are one bar.

    >>> posed = playground("units=8&return_state=true")
    >>> posed.kind, posed.query
    ('shapes', 'return_state=true&units=8')
    >>> canonical(posed, " (32,64),(32, 64) , (32,64)")
    '(32, 64), (32, 64), (32, 64)'
    >>> names = Posed("names", "return_state=true", "Name them")
    >>> canonical(names, "out, h, c") == canonical(names, "output,state_h,state_c") == "output, state_h, state_c"
    True
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from rnnlab import grading, lessons, quiz, snippets
from rnnlab import questions as kinds
from rnnlab.classroom import playground_settings
from rnnlab.params import parse, query_string

MAX_ANSWER = 200  # characters of a typed answer that are read
MAX_SHOWN = 60  # characters of an answer that can be read on the teacher's chart
PLAYGROUND_ASK = "What does this layer return? Type the shape of every returned tensor, in order."


class BadQuestion(ValueError):
    """A question that cannot be posed (an unknown lesson or question, a query the playground refuses)."""


@dataclass(frozen=True)
class Posed:
    """A question as the class sees it. `lesson`/`number` name a lesson's question; else the playground's."""

    kind: str
    query: str  # the playground settings whose Keras model answers it
    ask: str
    lesson: str = ""
    number: int = -1
    options: tuple[str, ...] = ()  # a playground question's choices, when the teacher offers them

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))  # read back from JSON as a list

    @property
    def choices(self) -> dict[str, str]:
        """{answer: how it reads}: a choice kind's table, a playground question's offered shapes, or none."""
        if self.options:
            return {option: option for option in self.options}
        return kinds.CHOICES.get(self.kind, {})

    @property
    def config(self):
        return parse(self.query).config

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Posed | None:
        """A stored question, or None for nothing posed yet."""
        return cls(**json.loads(text)) if text else None


def playground(pasted: str, choices: bool = False) -> Posed:
    """A pasted playground link (or its query string) as a question; with `choices`, answered by choosing among
    what Keras returns for the same layer with each flag set either way (offered_shapes). Raises BadQuestion
    when any of it was not taken as it is."""
    settings, notices = playground_settings(pasted)
    if notices:
        raise BadQuestion("; ".join(n.problem for n in notices))
    query = query_string(parse(settings).config)
    if not choices:
        return Posed("shapes", query, PLAYGROUND_ASK)
    return Posed("shapes", query, CHOICE_ASK, options=offered_shapes(query))


CHOICE_ASK = "What does this layer return? Choose the shapes of every returned tensor, in order."


def offered_shapes(query: str) -> tuple[str, ...]:
    """The choices of a playground question: what Keras returns for this layer with return_sequences and
    return_state each set either way (the right answer among them, each from Keras), in an order that does
    not give the right one away (sorted by length, then as written)."""
    written = {kinds.written("shapes", kinds.expected("shapes", query))}
    for sequences in ("false", "true"):
        for states in ("false", "true"):
            flipped = query_string(parse(f"{query}&return_sequences={sequences}&return_state={states}").config)
            described = kinds.described(flipped)
            if not described.get("refusal"):  # a flip Keras refuses is no answer to offer
                written.add(kinds.written("shapes", [tuple(r["shape"]) for r in described["returns"]]))
    return tuple(sorted(written, key=lambda text: (len(text), text)))


def from_lesson(slug: str, number: int) -> Posed:
    """The lesson's question `number` (from 0). Raises BadQuestion when there is no such question."""
    lesson = lessons.find(slug)
    if lesson is None or not 0 <= number < len(lesson.questions):
        raise BadQuestion(f"no question {number + 1} in lesson {slug[:40]!r}")
    question = lesson.questions[number]
    return Posed(question.kind, lessons.answer_query(lesson, question), question.ask, lesson.slug, number)


MAX_PLAN = 30  # questions in a prepared list


def plan(text: str) -> list[Posed]:
    r"""A prepared list of questions, one a line: a playground link or query string, or `lesson-slug 2` (a
    lesson's question 2). Raises BadQuestion naming the first line that cannot be posed.

    >>> [p.kind for p in plan("units=8\nboth-flags 1")]
    ['shapes', 'shapes']
    """
    lines = [line.strip() for line in text.splitlines()[:200] if line.strip()]
    if len(lines) > MAX_PLAN:
        raise BadQuestion(f"at most {MAX_PLAN} questions in a list")
    posed = []
    for n, line in enumerate(lines, 1):
        words = line.split()
        try:
            if len(words) == 2 and words[1].isdigit() and lessons.find(words[0]) is not None:
                posed.append(from_lesson(words[0], int(words[1]) - 1))
            else:
                posed.append(playground(line))
        except BadQuestion as err:
            raise BadQuestion(f"line {n}: {err}") from None
    return posed


def grade(posed: Posed, text: str, tell: bool = False) -> tuple[bool, str]:
    """A typed answer -> (right, why) against the live Keras model; the right answer in `why` only with tell
    (after the reveal)."""
    text = text[:MAX_ANSWER]
    if posed.lesson:
        lesson = lessons.find(posed.lesson)
        return lessons.grade_question(lesson, lesson.questions[posed.number], text, tell=tell)
    return kinds.grade(posed.kind, text, posed.query, tell=tell)


def right_answer(posed: Posed) -> str:
    """The right answer written as a learner would type it (for the reveal)."""
    if posed.lesson:
        lesson = lessons.find(posed.lesson)
        return lessons.right_answer(lesson, lesson.questions[posed.number])
    return kinds.written(posed.kind, kinds.expected(posed.kind, posed.query))


def code(posed: Posed) -> str:
    """The code the class reads: a lesson snippet's own when its printout answers the question, else the
    layer's data, layer and call (nothing returned shown)."""
    if posed.lesson:
        lesson = lessons.find(posed.lesson)
        match = lessons.PLACEHOLDER.fullmatch(lesson.questions[posed.number].answer.strip())
        if match and match[1] == "snippet":
            return snippets.found(lesson.body)[match[2].split(".")[0]].strip()
    return quiz.question_code(posed.config)


def canonical(posed: Posed, text: str) -> str:
    """An answer as one bar of the class's chart: shapes and numbers written one way, a choice by its label,
    other text trimmed, lower-cased and cut to MAX_SHOWN characters."""
    text = " ".join(text[:MAX_ANSWER].split())
    if posed.choices:
        return posed.choices.get(text, text)[:MAX_SHOWN]
    if posed.kind in ("x", "shapes", "count", "params"):
        value = kinds.read_answer(posed.kind, text)
        if not isinstance(value, str):
            return kinds.written(posed.kind, value)[:MAX_SHOWN]
    if posed.kind == "names":  # "out, h, c" and "output,state_h,state_c" are one answer
        names = grading.read_names(text, ["output"])
        if not isinstance(names, str):
            return kinds.written("names", names)[:MAX_SHOWN]
    if posed.kind == "equal":  # "h = out" and "output = state_h" are one answer
        groups = grading.read_groups(text, posed.config)
        if not isinstance(groups, str):
            return kinds.written("equal", groups)[:MAX_SHOWN]
    return text.lower()[:MAX_SHOWN]
