"""The typical wrong answers of a question posed to a class, the rule each breaks, and the check of their hints.

A lesson's question brings its own (its front matter's). A playground question ("what does this layer
return?") gets them from Keras: the same layer with return_sequences or return_state the other way (the
shapes a class offered choices chooses among), x's shape without its batch, and the input's features in place
of units. Each is graded as a student's answer: told after the reveal, its hint must name the rule it breaks;
before it (while the class votes), never the right answer nor a number, count or order that gives it away.

    >>> [rule for _, rule in typical_wrong(playground("units=8&return_state=true"))][:2]
    ['return_state adds the final states after the output', 'without return_sequences there is no timesteps axis']
"""

from __future__ import annotations

from rnnlab import lessons
from rnnlab import questions as kinds
from rnnlab.live.question import Posed, grade, playground, right_answer
from rnnlab.params import parse, query_string

# the rule a flag the wrong way round breaks: (flag, on in Keras's model) -> a phrase its hint must contain
FLAG_RULES = {
    ("return_state", True): "return_state adds the final states after the output",
    ("return_state", False): "return_state is off, so no states come back",
    ("return_sequences", True): "with return_sequences the output keeps the timesteps",
    ("return_sequences", False): "without return_sequences there is no timesteps axis",
}
NO_BATCH = "leaves out the batch axis"
FEATURES = "never the input's features"

# playground questions a class is posed that check-lessons checks too: the Classroom page's examples, every
# flag either way, a GRU, Bidirectional and a head
EXAMPLES = tuple(f"units=64&return_sequences={seq}&return_state={state}{more}"
                 for seq in ("false", "true") for state in ("false", "true")
                 for more in ("", "&layer=gru", "&bidirectional=true")) + ("units=64&head=dense&head_units=2",)


def _flipped(query: str, flag: str) -> str:
    config = parse(query).config
    return query_string(parse(f"{query}&{flag}={str(not getattr(config, flag)).lower()}").config)


def _shapes(query: str) -> str:
    return kinds.written("shapes", kinds.expected("shapes", query))


def _playground_wrong(posed: Posed) -> list[tuple[str, str]]:
    config, right = posed.config, kinds.expected("shapes", posed.query)
    found = []
    for flag in ("return_state", "return_sequences"):
        flipped = _flipped(posed.query, flag)
        if not kinds.described(flipped).get("refusal"):  # a flip Keras refuses is no answer anyone types
            found.append((_shapes(flipped), FLAG_RULES[flag, getattr(config, flag)]))
    found.append((kinds.written("shapes", [shape[1:] for shape in right]), NO_BATCH))
    if config.head == "none" and config.features != config.units:
        found.append((kinds.written("shapes", [(*shape[:-1], config.features) for shape in right]), FEATURES))
    return list(dict.fromkeys(pair for pair in found if pair[0] != kinds.written("shapes", right)))


def typical_wrong(posed: Posed) -> tuple[tuple[str, str], ...]:
    """(answer, the rule it breaks) for each typical wrong answer to the posed question."""
    if posed.lesson:
        lesson = lessons.find(posed.lesson)
        return tuple((w.answer, w.rule) for w in lesson.questions[posed.number].wrong)
    return tuple(_playground_wrong(posed))


def problems(posed: Posed) -> list[str]:
    """What is wrong with the hints of the posed question's typical wrong answers (empty when nothing): each
    must be graded wrong and, told, name its rule; without telling it must not give the right answer away."""
    right_text = right_answer(posed)
    right = kinds.read_answer(posed.kind, right_text) if posed.kind in kinds.RECALL else None
    if right is None or isinstance(right, str):
        right = (lessons.right_value(lessons.find(posed.lesson), lessons.find(posed.lesson).questions[posed.number])
                 if posed.lesson else kinds.expected(posed.kind, posed.query))
    found = []
    for wrong, rule in typical_wrong(posed):
        ok, told = grade(posed, wrong, tell=True)
        hidden = grade(posed, wrong, tell=False)[1]
        if ok:
            found.append(f"the typical wrong answer {wrong!r} is graded right")
        elif rule.lower() not in told.lower():
            found.append(f"the hint for {wrong!r} names another rule: {told!r} (its rule: {rule!r})")
        elif leak := kinds.implied(posed.kind, hidden, wrong, right):
            found.append(f"the hint for {wrong!r} gives the answer away before the reveal ({leak}): {hidden!r}")
    return found


def example_problems() -> list[str]:
    """problems() of every EXAMPLES question, each asked both typed and with choices."""
    found = []
    for query in EXAMPLES:
        for choices in (False, True):
            found += [f"{query}: {p}" for p in problems(playground(query, choices))]
    return found
