"""Predict-the-shape questions drawn at random: a configuration, and the code a learner would read.

A quiz is a sequence of questions fixed by one seed: question n of quiz `seed` is `question(level, seed, n)`.
Each visitor starts a quiz of their own (a random seed); a link replays one:

    >>> read_link("quiz_seed=7&level=harder")
    (7, 'harder', ())
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from rnnlab import architecture
from rnnlab.params import parse
from rnnlab.settings import Notice, Setting, query_pairs

LEVELS = ("easy", "harder")
SEEDS = 2**31  # a quiz's seed is one of range(SEEDS)
# The quiz page's own query parameters: which quiz, at which level.
LINK = {p.name: p for p in (Setting(0, "the quiz: its questions, in order", 0, SEEDS - 1, name="quiz_seed"),
                            Setting("easy", "how hard the questions are", choices=LEVELS, name="level"))}

EASY = {"return_sequences": ("true", "false"), "return_state": ("true", "false")}
HARDER = {**EASY, "layer": ("lstm", "gru", "simple_rnn"), "bidirectional": ("true", "false", "false"),
          "merge_mode": ("concat", "sum", "none"), "depth": ("1", "1", "2"),
          "head": ("none", "none", "dense")}
SIZES = {"units": (4, 8, 16, 32, 64), "timesteps": (5, 10, 20, 30), "features": (1, 2, 3, 8), "batch": (1, 8, 16, 32)}


@dataclass(frozen=True)
class Question:
    query: str  # the configuration, as a playground query string
    code: str  # what the learner reads


def draw(level: str, seed: int) -> Question:
    """A random configuration Keras builds, for level 'easy' (one LSTM, the two flags) or 'harder'."""
    rng = random.Random(seed)
    choices = HARDER if level == "harder" else EASY
    pairs = _drawn(rng, choices)
    while pairs.get("merge_mode") == "none" and pairs.get("depth") == "2":
        pairs = _drawn(rng, choices)  # Keras refuses this; the playground explains why
    if pairs.get("head") == "dense" and (pairs["return_state"] == "true" or pairs.get("merge_mode") == "none"):
        pairs["head"] = "none"  # a head takes one tensor
    query = "&".join(f"{k}={v}" for k, v in pairs.items())
    config = parse(query).strict().config
    return Question(query, question_code(config))


def _drawn(rng: random.Random, choices: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """One configuration drawn at random: a choice for every option, then a size for every size."""
    pairs = {name: rng.choice(values) for name, values in choices.items()}
    pairs.update({name: str(rng.choice(values)) for name, values in SIZES.items()})
    return pairs


def question(level: str, seed: int, number: int) -> Question:
    """Question `number` (from 0) of the quiz `seed`: never the same configuration as the question before it."""
    asked = None
    for n in range(number + 1):  # each step cached: a visitor moves on one question at a time
        asked = _after(level, seed, n, asked)
    assert asked is not None
    return asked


@lru_cache(maxsize=8192)
def _after(level: str, seed: int, number: int, before: Question | None) -> Question:
    """Question `number` of the quiz `seed`, drawn again (another seed) while it repeats the one `before` it."""
    for again in range(64):
        drawn = draw(level, (seed + number + again * 1_000_003) % SEEDS)
        if before is None or drawn.query != before.query:
            return drawn
    return drawn


def read_link(query: str | Mapping[str, str | list[str]]) -> tuple[int | None, str | None, tuple[Notice, ...]]:
    """A quiz page's query -> (its quiz seed, its level, notices); None where the link says nothing usable.
    Other parameters are left alone (they may belong to a classroom link). Never raises."""
    try:
        pairs = query_pairs(query)
    except (TypeError, ValueError, AttributeError):
        return None, None, (Notice("the query string could not be read", "a new quiz"),)
    found: dict[str, object] = {}
    notices = []
    for key, text in pairs:
        param = LINK.get(key.strip().lower())
        if param is None:
            continue
        try:
            found[param.name] = param.parse(text)
        except ValueError as err:
            found.pop(param.name, None)
            outcome = "a new quiz" if param.name == "quiz_seed" else f"using {param.default}"
            notices.append(Notice(str(err), outcome))
    return found.get("quiz_seed"), found.get("level"), tuple(notices)


def link_query(seed: int, level: str) -> str:
    """The query string of a link that replays the quiz `seed` from its first question."""
    return urlencode({"quiz_seed": seed} | ({"level": level} if level != LINK["level"].default else {}))


def question_code(config) -> str:
    """The code a learner reads to predict the shapes: the data, the layer, the call; nothing returned shown."""
    name = architecture.layer_name(config)
    lines = [f"x = np.zeros(({config.batch}, {config.timesteps}, {config.features}))  # (batch, timesteps, features)"]
    if config.depth > 1:
        lines.append(f"x = {architecture.recurrent(config, last=False).code()}(x)")
    lines += [f"{name} = {architecture.recurrent(config).code()}", f"returned = {name}(x)"]
    if config.head != "none":
        lines.append(f"prediction = {architecture.head(config).code()}(returned)")
    return "\n".join(lines)
