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
    {{names}} {{count}} {{equal}} {{builds}} {{padded}}   a question kind's answer (rnnlab.questions)
    {{rows}}          how the preset's `lengths` repeat over the batch
    {{check TEXT}}    the max |difference| of the first playground check whose claim starts with TEXT (spaces
                      written _), e.g. {{check without_the_mask}}
    {{snippet NAME.KEY}}  what the lesson's snippet NAME printed as `KEY: value` (rnnlab.snippets)

Every question has a kind (rnnlab.questions.KINDS) and an `answer`: a placeholder saying where its right
answer comes from. `check` fails when the question's grading does not accept that answer, as Keras gives it.

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

from rnnlab import questions as kinds, snippets
from rnnlab.params import PARAMS, Config, parse
from rnnlab.settings import ConfigError

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)(?:\s+([\w.]+))?\s*(?:\|\s*([^}]*?))?\s*\}\}")
TYPED_SHAPE = re.compile(r"[(\[]\s*\d+\s*,\s*\d*")  # "(32, 10" or "[4," : a shape written out by hand


@dataclass(frozen=True)
class Wrong:
    """A typical wrong answer to one question and the rule it breaks, in the words its hint must use."""

    answer: str
    rule: str
    hidden: str = ""  # the rule as said before the answer is shown, where the rule itself names a number of it


@dataclass(frozen=True)
class Question:
    ask: str
    query: str = ""  # changes to the preset for this question
    explain: str = ""  # Markdown with placeholders, shown once an answer has been checked
    of: str = "returns"  # the former name of kind: "returns" (shapes) or "x"
    kind: str = ""  # one of kinds.KINDS (default: from `of`)
    answer: str = ""  # a placeholder giving the right answer from Keras, e.g. "{{names}}" or "{{snippet s.k}}"
    wrong: tuple[Wrong, ...] = ()  # the question's typical wrong answers, each with the rule it breaks

    def __post_init__(self) -> None:
        object.__setattr__(self, "wrong", tuple(w if isinstance(w, Wrong) else Wrong(**w) for w in self.wrong))
        if self.of not in OF:
            raise ValueError(f"a question is about one of {', '.join(OF)}, not {self.of!r}")
        if not self.kind:
            object.__setattr__(self, "kind", "x" if self.of == "x" else "shapes")
        object.__setattr__(self, "of", "x" if self.kind == "x" else "returns")
        if self.kind not in kinds.KINDS:
            raise ValueError(f"a question's kind is one of {', '.join(kinds.KINDS)}, not {self.kind!r}")

    @property
    def choices(self) -> dict[str, str]:
        """{key: label} for a question answered by choosing, else {}."""
        return kinds.CHOICES.get(self.kind, {})


OF = ("returns", "x")  # what a question may ask the shapes of (kind supersedes it)


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    order: int
    preset: str  # a playground query string
    body: str  # Markdown with placeholders
    questions: tuple[Question, ...] = field(default_factory=tuple)
    former: tuple[str, ...] = ()  # slugs this lesson had before, so old links still open it
    region: str = ""  # the part of the playground's picture the lesson is about (rnnlab.tour.REGIONS)


def read(path: Path) -> Lesson:
    """One lesson file -> Lesson; ValueError naming the file when its front matter is unusable."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("+++", 2)
    if len(parts) != 3 or parts[0].strip():
        raise ValueError(f"{path.name}: no front matter between +++ lines at the top")
    try:
        meta = tomllib.loads(parts[1])
        asked = tuple(Question(**q) for q in meta.get("questions", ()))
        return Lesson(path.stem, meta["title"], int(meta["order"]), meta.get("preset", ""), parts[2].strip(),
                      asked, tuple(meta.get("former", ())), meta.get("region", ""))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{path.name}: front matter: {err}") from None


def all_lessons(folder: Path = LESSONS) -> list[Lesson]:
    return sorted((read(p) for p in folder.glob("*.md") if p.name != "README.md"), key=lambda lesson: lesson.order)


def find(slug: str, found: list[Lesson] | None = None) -> Lesson | None:
    """The lesson with this slug (or one it had before), else None."""
    found = all_lessons() if found is None else found
    return next((ls for ls in found if slug == ls.slug), None) or next((ls for ls in found if slug in ls.former), None)


def neighbours(lesson: Lesson, found: list[Lesson]) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after this one, in lesson order (None at either end)."""
    k = found.index(lesson)
    return (found[k - 1] if k else None), (found[k + 1] if k + 1 < len(found) else None)


def combine(preset: str, change: str) -> str:
    """The preset with the change's parameters set on top (a change replaces the preset's value)."""
    pairs = dict(parse_qsl(preset, keep_blank_values=True))
    pairs.update(parse_qsl(change.strip(), keep_blank_values=True))
    return urlencode(pairs, safe=",")


def _described(query: str) -> dict[str, Any]:
    return kinds.described(query)


def shapes_of(query: str) -> list[tuple[int, ...]]:
    """What the installed Keras returns for this query, in order."""
    return kinds.expected("shapes", query)


def expected(query: str, of: str = "returns") -> list[tuple[int, ...]]:
    """The shapes that answer a shape question about `query`: what the layer returns, or (of="x") x's."""
    return kinds.expected("x" if of == "x" else "shapes", query)


def answer_query(lesson: Lesson, question: Question) -> str:
    return combine(lesson.preset, question.query)


@lru_cache(maxsize=64)
def snippet_output(slug: str, name: str) -> dict[str, str]:
    """Runs the snippet `name` of the lesson `slug` (only ever one written in the files of lessons/) ->
    {key: value} from the `key: value` lines it printed. Runs Keras: the engine's workers call it."""
    lesson = find(slug)
    code = snippets.found(lesson.body).get(name) if lesson else None
    if code is None:
        raise KeyError(f"no snippet {name!r} in lesson {slug!r}")
    return snippets.execute(code)


@lru_cache(maxsize=64)
def snippet_values(slug: str, name: str) -> dict[str, str]:
    """snippet_output(slug, name), computed in the engine's worker when the engine runs (the web server never
    imports Keras), else here."""
    from rnnlab import engine

    return engine.compute("lesson_snippet", slug, name)


def rows(config: Config) -> str:
    """How `lengths` repeat over the batch, e.g. 'sequence 1 has 10 real steps, 2 has 7, ..., 4 has 10 again'."""
    from rnnlab.inputs import lengths_of

    lengths = [int(n) for n in lengths_of(config.batch, config.lengths, config.timesteps)]
    cycle = len(config.lengths or (config.timesteps,))
    said = [f"sequence {k + 1} has {n} real step{'s' * (n != 1)}" for k, n in enumerate(lengths[:cycle])]
    if config.batch > cycle:
        said.append(f"sequence {cycle + 1} has {lengths[cycle]} again, and so on to sequence {config.batch}")
    return ", ".join(said)


def _snippet(name: str | None, slug: str) -> str:
    snippet, _, key = (name or "").partition(".")
    printed = snippet_values(slug, snippet)
    if key not in printed:
        raise KeyError(f"snippet {snippet!r} printed no {key!r} (it printed: {', '.join(printed) or 'nothing'})")
    return printed[key]


def _check(name: str | None, described: dict[str, Any]) -> str:
    claim = name or ""
    found = [c for c in described["checks"] if c["claim"].startswith((claim, claim.replace("_", " ")))]
    if not found:
        raise KeyError(f"no check starts with {claim!r} (checks: {'; '.join(c['claim'] for c in described['checks'])})")
    return f"{found[0]['max_abs_diff']:.2g}"


def _returned_shape(name: str | None, described: dict[str, Any]) -> str:
    found = {r["name"]: tuple(r["shape"]) for r in described["returns"]}
    if name not in found:
        raise KeyError(f"nothing named {name!r} is returned (returned: {', '.join(found)})")
    return str(found[name])


def _setting(name: str | None, described: dict[str, Any]) -> str:
    if name not in described["config"]:
        raise KeyError(f"no setting is called {name!r}")
    return str(described["config"][name])


def _unpack(query: str) -> str:
    from rnnlab.codegen import unpack_line

    return unpack_line(parse(query).config)


# placeholder -> its text, from (name, query, describe(query)); the kinds' answers come from rnnlab.questions
VALUES = {
    "shape": lambda name, query, described: _returned_shape(name, described),
    "params": lambda name, query, described: f"{described['params']:,}",
    "config": lambda name, query, described: _setting(name, described),
    "rows": lambda name, query, described: rows(parse(query).config),
    "check": lambda name, query, described: _check(name, described),
    "unpack": lambda name, query, described: _unpack(query),
    **{kind: (lambda kind: lambda name, query, described: kinds.written(kind, kinds.expected(kind, query)))(kind)
       for kind in ("x", "shapes", "names", "count", "equal", "builds", "padded")},
}


def _value(kind: str, name: str | None, query: str, slug: str = "") -> str:
    if kind == "snippet":
        return _snippet(name, slug)
    if kind not in VALUES:
        raise KeyError(f"unknown placeholder {kind!r}")
    return VALUES[kind](name, query, _described(query))


ANSWERS = ("shape", "shapes", "unpack", "params", "names", "count", "equal", "builds", "padded")  # give answers away
HIDE = ANSWERS + ("snippet", "check")  # what waits for "Reveal" under a classroom link
HIDDEN = "(hidden until Reveal)"


def render(lesson: Lesson, answers: bool = True, text: str | None = None, query: str | None = None) -> str:
    """The lesson's Markdown (or `text`, e.g. a question's explanation) with every placeholder filled in from
    live runs of the preset (or of `query`) and its snippets shown as plain Python; with answers=False, the
    placeholders in HIDE read HIDDEN instead."""
    base = lesson.preset if query is None else query

    def fill(m: re.Match) -> str:
        if not answers and m[1] in HIDE:
            return HIDDEN
        return _value(m[1], m[2], combine(base, m[3] or ""), lesson.slug)

    return PLACEHOLDER.sub(fill, snippets.shown(lesson.body) if text is None else text)


def right_answer(lesson: Lesson, question: Question) -> str:
    """The question's right answer, written out from Keras (its `answer` placeholder, on the question's query)."""
    return render(lesson, text=question.answer, query=answer_query(lesson, question)).strip()


def _snippet_answer(lesson: Lesson, question: Question) -> Any:
    """The answer a snippet printed, read as the question's kind reads typed text; None for a live run's."""
    match = PLACEHOLDER.fullmatch(question.answer.strip())
    if not match or match[1] != "snippet":
        return None
    return kinds.read_answer(question.kind, _snippet(match[2], lesson.slug))


def right_value(lesson: Lesson, question: Question) -> Any:
    """The question's right answer as its kind reads it (shapes, a number, names, groups, a choice's key)."""
    snippet = _snippet_answer(lesson, question)
    return snippet if snippet is not None else kinds.expected(question.kind, answer_query(lesson, question))


def grade_question(lesson: Lesson, question: Question, text: str, tell: bool = True) -> tuple[bool, str]:
    """A learner's answer to one of the lesson's questions -> (right, why), graded against the installed Keras
    (or the lesson's snippet that the question's answer names)."""
    typical = tuple((wrong.answer, wrong.rule, wrong.hidden or wrong.rule) for wrong in question.wrong)
    return kinds.grade(question.kind, text, answer_query(lesson, question), tell, _snippet_answer(lesson, question),
                       typical)


def _answer_texts(lesson: Lesson, question: Question) -> list[str]:
    """How the question's answer would read if it stood in the text (for the shape kinds, each shape; for names,
    the whole list and, of a longer one, its first two names: "e.g. output, state_h, ..." begins the answer)."""
    if question.kind in ("x", "shapes") and not question.answer.strip().startswith("{{snippet"):
        return [str(s) for s in kinds.expected(question.kind, answer_query(lesson, question))]
    if question.kind == "names" and not question.answer.strip().startswith("{{snippet"):
        whole = right_answer(lesson, question)
        names = whole.split(", ")
        return [whole] + ([f"{names[0]}, {names[1]},"] if len(names) > 2 else [])
    if question.kind == "params" or question.answer.strip().startswith("{{snippet"):
        return [right_answer(lesson, question)]
    return []


def _echo(question: Question, typed: str) -> str:
    """A typed answer as a hint repeats it ("Not (4, 32), (4, 32). ..."): the learner's words, not the answer."""
    read = kinds.typed(question.kind, typed, [], None) if question.kind in ("x", "shapes", "params", "count") else typed
    return typed if isinstance(read, str) else kinds.written(question.kind, read)


def stands_in(answer: str, text: str) -> bool:
    """The answer written in the text as a whole ('85' in 'holds 85.', not in '850' or '(4, 185)')."""
    return re.search(rf"(?<![\w,.]){re.escape(answer)}(?![\w,]|\.\d)", text) is not None


def given_away(lesson: Lesson) -> list[str]:
    """Questions whose answer stands above them. The page shows the lesson's title and text, then each question
    with, once answered, its explanation: no shape of an answer may stand in them or in a question asked, and
    no whole answer (as {{shapes}} writes it) in the explanation of a question before it: answers to questions
    in a row share shapes."""
    problems = []
    text = render(lesson) + "\n" + "\n".join(q.ask for q in lesson.questions)
    explained = ""
    for n, question in enumerate(lesson.questions, 1):
        answer = _answer_texts(lesson, question)
        found = list(dict.fromkeys(shape for shape in answer if stands_in(shape, text) or shape in lesson.title))
        if not found and answer and stands_in(", ".join(answer), explained):
            found = answer
        if found:
            problems.append(f"{lesson.slug}: question {n}'s answer {', '.join(found)} stands above it: move it to "
                            "the question's explain (shown once the learner has answered)")
        explained += "\n" + render(lesson, text=question.explain)
    return problems


def _queries(lesson: Lesson) -> list[str]:
    texts = lesson.body + "\n" + "\n".join(q.explain for q in lesson.questions)
    queries = [lesson.preset] + [combine(lesson.preset, m[3] or "") for m in PLACEHOLDER.finditer(texts)]
    for question in lesson.questions:
        query = answer_query(lesson, question)
        queries += [query] + [combine(query, m[3] or "") for m in PLACEHOLDER.finditer(question.answer)]
    return list(dict.fromkeys(queries))


def _placeholder_problems(lesson: Lesson) -> list[str]:
    problems = []
    texts = [(lesson.preset, lesson.body)] + [(lesson.preset, q.explain) for q in lesson.questions]
    for base, text in texts:
        unread = re.search(r"\{\{[^}]*\}?\}?", PLACEHOLDER.sub("", text))
        if unread:
            problems.append(f"{lesson.slug}: {unread[0]!r} is not a placeholder check-lessons can read")
        for match in PLACEHOLDER.finditer(text):
            try:
                _value(match[1], match[2], combine(base, match[3] or ""), lesson.slug)
            except KeyError as err:
                problems.append(f"{lesson.slug}: {match[0]}: {err.args[0]}")
    return problems


def _snippet_problems(lesson: Lesson) -> list[str]:
    problems = []
    for name in snippets.found(lesson.body):
        try:
            snippet_values(lesson.slug, name)
        except Exception as err:  # a snippet's own error, reported like any disagreement
            problems.append(f"{lesson.slug}: snippet {name!r} fails: {type(err).__name__}: {err}")
    return problems


def question_problems(lesson: Lesson) -> list[str]:
    """Questions without an answer placeholder, or whose grading rejects the answer Keras gives."""
    problems = []
    for n, question in enumerate(lesson.questions, 1):
        if not PLACEHOLDER.fullmatch(question.answer.strip()):
            problems.append(f"{lesson.slug}: question {n} needs answer = one placeholder, e.g. \"{{{{shapes}}}}\"")
            continue
        try:
            written = right_answer(lesson, question)
            right, why = grade_question(lesson, question, written)
        except (KeyError, ValueError) as err:
            problems.append(f"{lesson.slug}: question {n}: {err}")
            continue
        if not right:
            problems.append(f"{lesson.slug}: question {n} ({question.kind}) grades Keras's own answer "
                            f"{question.answer} = {written!r} wrong: {why}")
        problems += [f"{lesson.slug}: question {n}: {p}" for p in typical_problems(lesson, question, written)]
    return problems


def typical_problems(lesson: Lesson, question: Question, written: str) -> list[str]:
    """A question's typical wrong answers graded as a learner's: each must be graded wrong, its hint must name
    the rule the front matter gives it, and without telling (Reveal, a live class) must not name the right
    answer. A question a snippet answers needs typical wrong answers: its hints come only from them."""
    if not question.wrong and question.answer.strip().startswith("{{snippet"):
        return ["a snippet answers it, so it needs typical wrong answers ([[questions.wrong]] answer and rule)"]
    problems = []
    for wrong in question.wrong:
        right, why = grade_question(lesson, question, wrong.answer)
        hidden = grade_question(lesson, question, wrong.answer, tell=False)[1]
        if right:
            problems.append(f"the typical wrong answer {wrong.answer!r} is graded right")
        elif wrong.rule.lower() not in why.lower():
            problems.append(f"the hint for {wrong.answer!r} names another rule: {why!r} (its rule: {wrong.rule!r})")
        elif stands_in(written, hidden.replace(_echo(question, wrong.answer), "")):
            problems.append(f"the hint for {wrong.answer!r} names the right answer without telling: {hidden!r}")
        elif leak := kinds.implied(question.kind, hidden.replace(_echo(question, wrong.answer), " "), wrong.answer,
                                   right_value(lesson, question)):
            problems.append(f"the hint for {wrong.answer!r} gives the right answer away without telling ({leak}): "
                            f"{hidden!r}")
    return problems


def _table_problems(lesson: Lesson) -> list[str]:
    """A table whose header has an empty cell: a screen reader reads that column's cells without a name."""
    lines = lesson.body.splitlines()
    return [f"{lesson.slug}: the table headed {line.strip()!r} has a column without a name"
            for line, below in zip(lines, lines[1:])
            if re.fullmatch(r"\s*\|?[\s:|-]*-[\s:|-]*", below) and "|" in line
            and any(not cell.strip() for cell in line.strip().strip("|").split("|"))]


def check(lesson: Lesson) -> list[str]:
    """Problems with one lesson: a preset or query that is not valid, a snippet that fails, a placeholder that
    does not resolve, a shape typed by hand, a question whose grading disagrees with Keras, an answer given
    away, a preset without the part of the picture it is about, a table column without a name. Empty when the
    lesson agrees with the installed Keras."""
    return _table_problems(lesson) + _region_problems(lesson) + _content_problems(lesson)


def _region_problems(lesson: Lesson) -> list[str]:
    regions = PARAMS["focus"].choices[1:]  # the parts of the picture rnnlab.tour outlines ("none" first)
    if lesson.preset and lesson.region not in regions:
        return [f"{lesson.slug}: region {lesson.region!r}: name the part of the picture the lesson is about, one "
                f"of {', '.join(regions)}"]
    return []


def _content_problems(lesson: Lesson) -> list[str]:
    """The lesson's queries, snippets, placeholders and questions against the installed Keras, each kind only
    once the kinds before it are right (a bad query makes every placeholder after it fail too)."""
    problems = []
    for query in _queries(lesson):
        try:
            parse(query).strict()
        except ConfigError as err:
            problems.append(f"{lesson.slug}: query {query!r}: {err}")
    if problems:
        return problems
    problems = _snippet_problems(lesson) or _placeholder_problems(lesson)
    asked = " ".join(q.ask for q in lesson.questions)
    texts = snippets.outside(lesson.body) + "\n" + "\n".join(q.explain for q in lesson.questions) + asked
    for typed in TYPED_SHAPE.finditer(PLACEHOLDER.sub("", texts)):
        problems.append(f"{lesson.slug}: a shape typed by hand near {typed[0]!r}: use a placeholder")
    if problems:
        return problems
    return question_problems(lesson) or given_away(lesson)


def parse_answer(text: str) -> list[tuple[int, ...]]:
    """'(32, 10, 64), (32, 64)' -> [(32, 10, 64), (32, 64)] ([] when it cannot be read)."""
    from rnnlab.grading import read_shapes

    read = read_shapes(text)
    return [] if isinstance(read, str) else read


def grade(text: str, query: str, tell: bool = True, of: str = "returns") -> tuple[bool, str]:
    """Typed shapes against what Keras returns for the query (or, of="x", the input's shape) -> (right, why).
    With tell=False a wrong answer gets the rule it broke but not the right shapes."""
    return kinds.grade("x" if of == "x" else "shapes", text, query, tell)
