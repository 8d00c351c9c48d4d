"""Question kinds, the right answer of each from the installed Keras, and grading that names the broken rule.

A kind says what the learner is asked for and how a typed answer is read:

    x        the input's shape, e.g. (32, 10, 3)
    shapes   the returned shapes in order, e.g. (32, 64), (32, 64), (32, 64)
    names    the returned names in order, e.g. output, state_h, state_c
    count    how many tensors come back, e.g. 3
    equal    which returned tensors hold the same numbers, e.g. output = state_h (or none)
    params   the parameter count, e.g. 17,408
    builds   will Keras build this, and if not which rule: one of BUILDS
    padded   the output at a padded step: one of PADDED

The right answer comes from a live run of the question's query (or from a lesson snippet's printed value);
`grade` gives (right, why), and `why` names the rule a wrong answer broke.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from rnnlab import grading
from rnnlab.grading import BUILDS, PADDED
from rnnlab.params import parse

KINDS = ("x", "shapes", "names", "count", "equal", "params", "builds", "padded")
RECALL = ("x", "shapes")  # the kinds that ask to recall a shape; the others ask why
CHOICES = {"builds": BUILDS, "padded": PADDED}
MAX_TYPED = 500  # characters of a typed answer that are read


@lru_cache(maxsize=128)
def described(query: str) -> dict[str, Any]:
    """rnnlab.describe(query): the returned names and shapes, params, checks, refusal (in the engine's worker
    when the engine runs)."""
    import rnnlab

    return rnnlab.describe(query)


@lru_cache(maxsize=16)
def returned_values(query: str) -> dict[str, Any]:
    """{name: array} of what Keras returns for query (the engine's worker computes it when it runs)."""
    from rnnlab import engine

    config = parse(query).strict().config
    result = engine.compute("run", config)
    return {t.name: t.value for t in result.returns}


# How each kind's right answer is read from describe()'s facts (query: the question's query string)
FACTS = {
    "x": lambda facts, query: [tuple(facts["config"][a] for a in ("batch", "timesteps", "features"))],
    "shapes": lambda facts, query: [tuple(r["shape"]) for r in facts["returns"]],
    "names": lambda facts, query: [r["name"] for r in facts["returns"]],
    "count": lambda facts, query: len(facts["returns"]),
    "params": lambda facts, query: facts["params"],
    "builds": lambda facts, query: grading.refusal_key(facts["refusal"]),
    "equal": lambda facts, query: grading.equal_groups(returned_values(query)),
    "padded": lambda facts, query: grading.padded_value(returned_values(query), parse(query).config),
}


def expected(kind: str, query: str) -> Any:
    """The right answer to a question of this kind about `query`, from the installed Keras."""
    if kind not in FACTS:
        raise KeyError(f"no question kind {kind!r}")
    return FACTS[kind](described(query), query)


def written(kind: str, value: Any) -> str:
    """An answer as a learner would type it (the right one, e.g. for a question's explanation)."""
    if kind in ("x", "shapes"):
        return ", ".join(map(str, value))
    if kind == "names":
        return ", ".join(value)
    if kind == "params":
        return f"{value:,}"
    if kind == "equal":
        return "; ".join(" = ".join(group) for group in value) or "none"
    if kind in CHOICES:
        return CHOICES[kind][value]
    return str(value)


def grade(kind: str, text: str, query: str, tell: bool = True, answer: Any = None) -> tuple[bool, str]:
    """A learner's answer to a question of this kind about `query` -> (right, why). `answer` overrides the
    answer from a live run (a lesson snippet's printed value); with tell=False a wrong answer is told the rule
    it broke but not the right answer."""
    if kind not in KINDS:
        raise KeyError(f"no question kind {kind!r}")
    text = text[:MAX_TYPED]
    if not text.strip():
        return False, "Type an answer first" + (", or choose one." if kind in CHOICES else ".")
    if answer is None:
        return GRADERS[kind](text, expected(kind, query), parse(query).config, tell)
    return GRADERS[kind](text, answer, _snippet_config(parse(query).config), tell)


def _snippet_config(config: Any) -> SimpleNamespace:
    """The settings the rules read, for an answer a lesson snippet printed: not the preset's model, so no size
    of it can match the learner's numbers, and its tensors have no names."""
    fields = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    return SimpleNamespace(**fields | {"units": -1, "timesteps": -1, "features": -1, "batch": -1, "snippet": True})


def _grade_x(text: str, right: list, config: Any, tell: bool) -> tuple[bool, str]:
    given = grading.read_shapes(text)
    if isinstance(given, str):
        return False, given
    if given == right:
        return True, "Right: that is the shape of x."
    return False, grading.why_x(given, right[0], config, tell)


def _grade_shapes(text: str, right: list, config: Any, tell: bool) -> tuple[bool, str]:
    given = grading.read_shapes(text)
    if isinstance(given, str):
        return False, given
    if given == right:
        return True, "Right: that is exactly what Keras returns."
    if len(given) != len(right):
        return False, grading.why_count(len(given), len(right), config, tell)
    return False, grading.why_shapes(given, right, config, tell)


def _grade_names(text: str, right: list, config: Any, tell: bool) -> tuple[bool, str]:
    given = grading.read_names(text, right)
    if isinstance(given, str):
        return False, given
    if given == right:
        return True, "Right: that is Keras's order."
    if len(given) != len(right):
        return False, grading.why_count(len(given), len(right), config, tell)
    return False, grading.why_order(given, right, tell)


def _grade_number(right_text: str, why: Callable[[int, int, Any, bool], str]) -> Callable[..., tuple[bool, str]]:
    """A grader of one whole number (a count, a parameter count): `right_text` formats the right answer."""
    def grade(text: str, right: int, config: Any, tell: bool) -> tuple[bool, str]:
        given = grading.read_number(text)
        if isinstance(given, str):
            return False, given
        if given == right:
            return True, right_text.format(right=right, s="s" * (right != 1))
        return False, why(given, right, config, tell)
    return grade


_grade_count = _grade_number("Right: {right} tensor{s}.", grading.why_count)
_grade_params = _grade_number("Right: {right:,} parameters, as count_params() says.", grading.why_params)


def _grade_equal(text: str, right: tuple, config: Any, tell: bool) -> tuple[bool, str]:
    given = grading.read_groups(text, config)
    if isinstance(given, str):
        return False, given
    if set(given) == set(right):
        return True, "Right: " + (f"{written('equal', right)} hold the same numbers." if right else
                                  "no two returned tensors hold the same numbers.")
    return False, grading.why_equal(given, right, config, tell)


def _grade_choice(kind: str):
    def graded(text: str, right: str, config: Any, tell: bool) -> tuple[bool, str]:
        given = grading.read_choice(text, CHOICES[kind])
        if given is None:
            return False, f"Choose one of: {'; '.join(CHOICES[kind].values())}."
        if given == right:
            return True, f"Right. {CHOICES[kind][right]}."
        return False, grading.WHY_CHOICE[kind](given, right, config, tell)
    return graded


GRADERS = {"x": _grade_x, "shapes": _grade_shapes, "names": _grade_names, "count": _grade_count,
           "params": _grade_params, "equal": _grade_equal, "builds": _grade_choice("builds"),
           "padded": _grade_choice("padded")}


def read_answer(kind: str, text: str) -> Any:
    """A written answer (e.g. a snippet's printed value) read as the kind reads a typed one."""
    if kind in ("x", "shapes"):
        return grading.read_shapes(text)
    if kind in ("count", "params"):
        return grading.read_number(text)
    return text.strip()

