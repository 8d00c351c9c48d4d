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

from collections.abc import Callable
import re
from functools import lru_cache
from typing import Any

from rnnlab import grading
from rnnlab.grading import BUILDS, PADDED
from rnnlab.params import Config, parse

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


def grade(kind: str, text: str, query: str, tell: bool = True, answer: Any = None,
          typical: tuple[tuple[str, str, str], ...] = ()) -> tuple[bool, str]:
    """A learner's answer to a question of this kind about `query` -> (right, why). `answer` overrides the
    answer from a live run (a lesson snippet's printed value): the preset's rules are about another model then,
    so a wrong answer is told the rule of the matching typical wrong answer in `typical` ((answer, rule, the
    rule said without telling) triples, the question's own), or a neutral hint. With tell=False a wrong answer is told the rule it broke but
    not the right answer."""
    if kind not in KINDS:
        raise KeyError(f"no question kind {kind!r}")
    text = text[:MAX_TYPED]
    if not text.strip():
        return False, "Type an answer first" + (", or choose one." if kind in CHOICES else ".")
    config = parse(query).config
    right = expected(kind, query) if answer is None else answer
    given = typed(kind, text, right, config)
    unreadable = _unreadable(kind, given)
    if unreadable:
        return False, unreadable
    if given == right or (kind == "equal" and set(given) == set(right)):
        return True, _right(kind, right)
    if answer is None:
        return False, WHY[kind](given, right, config, tell)
    return False, _snippet_why(kind, given, right, _typical_rule(kind, given, right, config, typical, tell), tell)


def _unreadable(kind: str, given: Any) -> str:
    """Why a typed answer could not be read as its kind ("" when it was)."""
    if given is None:
        return f"Choose one of: {'; '.join(CHOICES[kind].values())}."
    if isinstance(given, str) and kind not in CHOICES:
        return given
    return ""


def _typical_rule(kind: str, given: Any, right: Any, config: Config, typical: tuple[tuple[str, str, str], ...],
                  tell: bool) -> str | None:
    """The rule of the question's typical wrong answer that reads as `given` (its form that does not give the answer
    away, when not telling; None if none reads so)."""
    return next((rule if tell else hidden for wrong, rule, hidden in typical
                 if typed(kind, wrong, right, config) == given), None)


def typed(kind: str, text: str, right: Any, config: Config) -> Any:
    """A typed answer read as its kind reads it (a choice's key, a number, shapes, names, groups), or a message
    saying why it cannot be read (None for a choice that is none of the choices)."""
    if kind in ("x", "shapes"):
        return grading.read_shapes(text)
    if kind in ("count", "params"):
        return grading.read_number(text)
    if kind == "names":
        return grading.read_names(text, right)
    if kind == "equal":
        return grading.read_groups(text, config)
    return grading.read_choice(text, CHOICES[kind])


def _right(kind: str, right: Any) -> str:
    if kind == "equal":
        return "Right: " + (f"{written('equal', right)} hold the same numbers." if right else
                            "no two returned tensors hold the same numbers.")
    if kind in CHOICES:
        return f"Right. {CHOICES[kind][right]}."
    return RIGHT[kind].format(right=right, s="s" * (right != 1) if isinstance(right, int) else "")


RIGHT = {"x": "Right: that is the shape of x.", "shapes": "Right: that is exactly what Keras returns.",
         "names": "Right: that is Keras's order.", "count": "Right: {right} tensor{s}.",
         "params": "Right: {right:,} parameters, as count_params() says."}


def _why_shapes(given: list, right: list, config: Config, tell: bool) -> str:
    if len(given) != len(right):
        return grading.why_count(len(given), len(right), config, tell)
    return grading.why_shapes(given, right, config, tell)


def _why_names(given: list, right: list, config: Config, tell: bool) -> str:
    if len(given) != len(right):
        return grading.why_count(len(given), len(right), config, tell)
    return grading.why_order(given, right, tell)


# kind -> why(given, right, config, tell): the rule a wrong answer about the question's own model broke
WHY: dict[str, Callable[[Any, Any, Any, bool], str]] = {
    "x": lambda given, right, config, tell: grading.why_x(given, right[0], config, tell),
    "shapes": _why_shapes, "names": _why_names, "count": grading.why_count, "params": grading.why_params,
    "equal": grading.why_equal, **grading.WHY_CHOICE,
}

NEUTRAL = {  # what a wrong answer to a snippet's question is told when it is none of the question's typical ones
    "params": "Count every weight array the snippet's layer creates: its kernels and its biases",
    "count": "Count every tensor the snippet's call hands back",
}


def _snippet_why(kind: str, given: Any, right: Any, rule: str | None, tell: bool) -> str:
    """The hint for a wrong answer to a question a lesson snippet answers: the question's own rule, else
    neutral; never a rule about the preset's recurrent layer."""
    rule = rule or NEUTRAL.get(kind, "read the snippet line by line: what each layer does to each axis")
    said = f" The snippet prints {written(kind, right)}." if tell else ""
    return f"Not {written(kind, given)}. {rule.rstrip('.')}.{said}"


def read_answer(kind: str, text: str) -> Any:
    """A written answer (e.g. a snippet's printed value) read as the kind reads a typed one."""
    if kind in ("x", "shapes"):
        return grading.read_shapes(text)
    if kind in ("count", "params"):
        return grading.read_number(text)
    return text.strip()



# --- hidden-answer mode: a hint names the rule, never the right value, and never a quantity that gives it --------

NUMBER_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twice|double|half|both|single|"
                          r"only|pair|more|fewer|less|extra)\b", re.I)
ORDER_WORDS = re.compile(r"\b(before|after|first|last|follows?|then)\b", re.I)
SIZES = re.compile(r"(?<![\w.])\d[\d,]*(?![\w])")


def _numbers(text: str) -> set[int]:
    return {int(n.replace(",", "")) for n in SIZES.findall(text) if n.replace(",", "").isdigit()}


def _miscounted(kind: str, typed_text: str, right: Any) -> bool:
    """Shapes or names typed in another number than Keras returns: their hint is about the count."""
    if kind not in ("shapes", "names"):
        return False
    given = typed(kind, typed_text, right, None) if kind == "names" else grading.read_shapes(typed_text)
    return not isinstance(given, str) and len(given) != len(right)


def implied(kind: str, hint: str, typed_text: str, right: Any) -> str:
    """Why a hint shown without the answer (classroom Reveal, a live class) gives the right answer away, '' when
    it does not: it writes the right answer, or a number of the right answer the learner did not type (a size,
    a count, a parameter count), or, for a count, any number or word of quantity, or, for names, any word of
    order (the same for shapes or names typed in another number: their hint is about the count). The learner's
    own answer, echoed, is left out first."""
    text = re.sub(r"\bnot \d+:", " ", hint.replace(typed_text.strip(), " "))  # "not 2:" echoes a count typed
    right_text = written(kind, right)
    if right_text and re.search(rf"(?<![\w,.]){re.escape(right_text)}(?![\w,]|\.\d)", text):
        return f"it writes the right answer {right_text!r}"
    if kind in ("x", "shapes", "count", "params"):
        wanted = {right} if isinstance(right, int) else {n for shape in right for n in shape if n is not None}
        given = read_answer(kind, typed_text)
        typed_numbers = _numbers(typed_text) | ({given} if isinstance(given, int) else set())
        extra = sorted((_numbers(text) & wanted) - typed_numbers)
        if extra:
            return f"it names {extra[0]}, a number of the right answer the learner did not type"
    if (kind == "count" or _miscounted(kind, typed_text, right)) and (NUMBER_WORDS.search(text) or _numbers(text)):
        return f"it says how many: {(NUMBER_WORDS.search(text) or SIZES.search(text))[0]!r}"
    if kind == "params" and re.search(r"\b(twice|double|half)\b|: \+|units more\b", text, re.I):
        return "it says by how much the count differs"
    if kind == "names" and ORDER_WORDS.search(text):
        return f"it says the order: {ORDER_WORDS.search(text)[0]!r}"
    return ""
