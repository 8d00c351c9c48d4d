"""Predict-the-shape questions drawn at random: a configuration, and the code a learner would read."""

from __future__ import annotations

import random
from dataclasses import dataclass

from rnnlab import architecture
from rnnlab.params import parse

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
    while True:
        pairs = {name: rng.choice(values) for name, values in choices.items()}
        pairs.update({name: str(rng.choice(values)) for name, values in SIZES.items()})
        if pairs.get("merge_mode") == "none" and pairs.get("depth") == "2":
            continue  # Keras refuses this; the playground explains why
        if pairs.get("head") == "dense" and (pairs["return_state"] == "true" or pairs.get("merge_mode") == "none"):
            pairs["head"] = "none"  # a head takes one tensor
        query = "&".join(f"{k}={v}" for k, v in pairs.items())
        config = parse(query).strict().config
        return Question(query, question_code(config))


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
