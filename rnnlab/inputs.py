"""Input data patterns: (batch, timesteps, features) float32 arrays made from a seed.

Each pattern has the NumPy line a learner would type (`code`, drawing from the global
`np.random` after `keras.utils.set_random_seed`) and the function that makes the same numbers
from a `np.random.RandomState(seed)` without touching global state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnnlab.params import Config

SINE_PERIOD = 8  # timesteps per cycle
STEP_LENGTH = 4  # timesteps each level of `steps` is held


@dataclass(frozen=True)
class Pattern:
    code: str  # with {batch}, {timesteps}, {features} placeholders; assigns x
    make: Callable[[np.random.RandomState, int, int, int], np.ndarray]


def _sine(rng: np.random.RandomState, batch: int, timesteps: int, features: int) -> np.ndarray:
    phase = rng.uniform(0, 2 * np.pi, size=(batch, 1, features))
    return np.sin(2 * np.pi * np.arange(timesteps)[None, :, None] / SINE_PERIOD + phase)


def _steps(rng: np.random.RandomState, batch: int, timesteps: int, features: int) -> np.ndarray:
    levels = rng.rand(batch, -(-timesteps // STEP_LENGTH), features)
    return np.repeat(levels, STEP_LENGTH, axis=1)[:, :timesteps]


PATTERNS: dict[str, Pattern] = {
    "uniform": Pattern(
        "x = np.random.rand({batch}, {timesteps}, {features})",
        lambda rng, b, t, f: rng.rand(b, t, f),
    ),
    "normal": Pattern(
        "x = np.random.randn({batch}, {timesteps}, {features})",
        lambda rng, b, t, f: rng.randn(b, t, f),
    ),
    "sine": Pattern(
        "phase = np.random.uniform(0, 2 * np.pi, size=({batch}, 1, {features}))\n"
        f"x = np.sin(2 * np.pi * np.arange({{timesteps}})[None, :, None] / {SINE_PERIOD} + phase)",
        _sine,
    ),
    "steps": Pattern(
        f"levels = np.random.rand({{batch}}, {{steps}}, {{features}})  # one level per {STEP_LENGTH} timesteps\n"
        f"x = np.repeat(levels, {STEP_LENGTH}, axis=1)[:, :{{timesteps}}]",
        _steps,
    ),
}


def make_input(pattern: str, batch: int, timesteps: int, features: int, seed: int) -> np.ndarray:
    """The input x, shape (batch, timesteps, features), float32."""
    rng = np.random.RandomState(seed)
    return PATTERNS[pattern].make(rng, batch, timesteps, features).astype("float32")


def input_code(pattern: str, batch: int, timesteps: int, features: int) -> str:
    """The NumPy lines that make the same x after `keras.utils.set_random_seed(seed)`."""
    steps = -(-timesteps // STEP_LENGTH)
    body = PATTERNS[pattern].code.format(batch=batch, timesteps=timesteps, features=features, steps=steps)
    return body + '\nx = x.astype("float32")'


def lengths_of(batch: int, lengths: tuple[int, ...], timesteps: int) -> np.ndarray:
    """The real length of every sequence (batch,): `lengths` repeated over the batch, or all full."""
    return np.resize(np.array(lengths or (timesteps,)), batch)


def mask_of(x: np.ndarray, config: Config) -> np.ndarray | None:
    """Which timesteps of x (batch, timesteps, features) Masking(mask_value=0.0) keeps, (batch, timesteps) bool;
    None without a mask."""
    return np.any(x != 0.0, axis=-1) if config.mask else None


def make_data(config: Config) -> np.ndarray:
    """What the model is fed: (batch, timesteps, features); stateful: (batch, 2 * timesteps, features),
    two consecutive chunks. With `lengths`, each sequence is cut to its length and zero-padded back."""
    steps = config.timesteps * (2 if config.stateful else 1)
    x = make_input(config.input, config.batch, steps, config.features, config.seed)
    if not config.lengths:
        return x
    import keras

    cut = [x[b, :n] for b, n in enumerate(lengths_of(config.batch, config.lengths, config.timesteps))]
    return keras.utils.pad_sequences(cut, maxlen=config.timesteps, dtype="float32", padding=config.padding)


def data_code(config: Config) -> str:
    """The lines that make the same data as make_data after `keras.utils.set_random_seed(seed)`."""
    steps = config.timesteps * (2 if config.stateful else 1)
    lines = [input_code(config.input, config.batch, steps, config.features)]
    if config.lengths:
        lines.append(
            f"lengths = {list(config.lengths)}  # the real length of each sequence, repeated over the batch\n"
            f"cut = [x[b, :lengths[b % {len(config.lengths)}]] for b in range({config.batch})]\n"
            f"x = keras.utils.pad_sequences(cut, maxlen={config.timesteps}, dtype=\"float32\", "
            f"padding=\"{config.padding}\")"
        )
    if config.stateful:
        lines.append(f"first, second = x[:, :{config.timesteps}], x[:, {config.timesteps}:]  # two consecutive chunks")
    return "\n".join(lines)
