"""What the model learns: each task makes inputs x and per-timestep targets y from a seed.

Every task defines a target at every timestep, y (samples, timesteps, targets). With
`return_sequences` the model is trained on all of them; without it, on one target per sequence:
the one at its last real timestep, y (samples, targets). With `lengths`, sequences are cut to their
real lengths and zero-padded back (x and y alike), as the playground pads them.

    >>> from rnnlab.params import Config
    >>> data = make_data(Config(timesteps=6, features=2), "echo", samples=4, seed=0)
    >>> data.x.shape, data.y.shape
    ((4, 6, 2), (4, 1))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnnlab.inputs import PATTERNS, SINE_PERIOD, lengths_of
from rnnlab.params import Config

ECHO_DELAY = 3  # timesteps the echo task looks back


def _draw(pattern: str, rng: np.random.RandomState, n: int, t: int, f: int) -> np.ndarray:
    return PATTERNS[pattern].make(rng, n, t, f)


def _delayed(values: np.ndarray, steps: int) -> np.ndarray:
    """values (n, t, k) shifted `steps` later in time, zeros first."""
    out = np.zeros_like(values)
    out[:, steps:] = values[:, :values.shape[1] - steps]
    return out


def _random(rng, n, t, f):
    return _draw("uniform", rng, n, t, f), rng.rand(n, t, 1)


def _sine_next(rng, n, t, f):
    wave = _draw("sine", rng, n, t + 1, f)
    return wave[:, :t], wave[:, 1:, :1]


def _running_sum(rng, n, t, f):
    x = _draw("normal", rng, n, t, f)
    return x, np.cumsum(x[..., :1], axis=1)


def _echo(rng, n, t, f):
    x = _draw("uniform", rng, n, t, f)
    return x, _delayed(x[..., :1], ECHO_DELAY)


def _multi(rng, n, t, f):
    x = _draw("normal", rng, n, t, f)
    first = x[..., :1]
    return x, np.concatenate([first, _delayed(first, 1), np.cumsum(first, axis=1)], axis=-1)


@dataclass(frozen=True)
class Task:
    """One task: what y is, how many targets per timestep, and whether x can tell the model y."""

    name: str
    title: str  # a short label
    targets: tuple[str, ...]  # what each target at timestep t is, e.g. ("x[t+1, 0]",)
    about: str  # what x and y are, in plain words
    learnable: bool
    why: str  # why the model can or cannot learn it
    make: Callable[[np.random.RandomState, int, int, int], tuple[np.ndarray, np.ndarray]]
    min_timesteps: int = 1

    @property
    def width(self) -> int:
        return len(self.targets)


TASKS: dict[str, Task] = {t.name: t for t in (
    Task("random", "random targets, as many tutorials use", ("random",),
         "x and y are both drawn with np.random.rand, independently of each other.",
         False,
         "Nothing in x says anything about y, so no model can learn it: the best prediction is y's average, "
         "and the validation loss stays near y's variance (1/12 for uniform numbers in [0, 1)). The training "
         "loss may still creep down as the model memorises noise in its own samples; that never carries over "
         "to new ones.", _random),
    Task("sine_next", "the next value of a sine", ("x[t+1, 0]",),
         f"Each feature of x is a sine wave (period {SINE_PERIOD} timesteps, random phase); y at timestep t is "
         "the first feature's value one step later.",
         True,
         "One value alone does not say whether the wave is rising or falling: the layer has to remember what "
         "it read before.", _sine_next),
    Task("running_sum", "the running sum", ("sum of x[:t+1, 0]",),
         "x is drawn from a normal distribution; y at timestep t is the sum of the first feature so far.",
         True,
         "The layer has to keep a total in its state and add each new value to it.", _running_sum),
    Task("echo", f"the input {ECHO_DELAY} steps earlier", (f"x[t-{ECHO_DELAY}, 0]",),
         f"x is drawn with np.random.rand; y at timestep t is the first feature {ECHO_DELAY} steps earlier "
         f"(0 for the first {ECHO_DELAY} steps).",
         True,
         f"The answer was read {ECHO_DELAY} steps ago: the layer has to carry every value for {ECHO_DELAY} steps "
         "in its state. This is the memory an RNN is for.", _echo, min_timesteps=ECHO_DELAY + 1),
    Task("multi", "three targets at once", ("x[t, 0]", "x[t-1, 0]", "sum of x[:t+1, 0]"),
         "x is drawn from a normal distribution; y holds three targets at every timestep: the first feature "
         "now, one step earlier, and its running sum.",
         True,
         "Three numbers per timestep need a head with three units, Dense(3). Copying the current value is "
         "easy, the earlier value needs a little memory, the sum needs a total kept in the state.", _multi),
)}


@dataclass(frozen=True)
class Data:
    """Inputs and targets for one task.

    x: (samples, timesteps, features); y: (samples, timesteps, targets) with return_sequences, else
    (samples, targets); real: (samples, timesteps), True where a timestep holds data (not padding).
    """

    x: np.ndarray
    y: np.ndarray
    real: np.ndarray


def _pad(parts: list[np.ndarray], timesteps: int, padding: str) -> np.ndarray:
    import keras

    return keras.utils.pad_sequences(parts, maxlen=timesteps, dtype="float32", padding=padding)


def make_data(config: Config, task: str, samples: int, seed: int) -> Data:
    """x and y for `task` with the Config's timesteps, features, return_sequences and padding."""
    x, y = TASKS[task].make(np.random.RandomState(seed), samples, config.timesteps, config.features)
    x, y = x.astype("float32"), y.astype("float32")
    lengths = lengths_of(samples, config.lengths, config.timesteps)
    last = y[np.arange(samples), lengths - 1]  # the target at each sequence's last real timestep
    if config.lengths:
        x = _pad([x[b, :n] for b, n in enumerate(lengths)], config.timesteps, config.padding)
        y = _pad([y[b, :n] for b, n in enumerate(lengths)], config.timesteps, config.padding)
    ones = [np.ones(n, bool) for n in lengths]
    real = _pad(ones, config.timesteps, config.padding).astype(bool) if config.lengths \
        else np.ones((samples, config.timesteps), bool)
    return Data(x, y if config.return_sequences else last, real)


def shapes(config: Config, task: str, samples: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shapes of x and y for `samples` sequences, without making them."""
    width = TASKS[task].width
    time = (config.timesteps,) if config.return_sequences else ()
    return (samples, config.timesteps, config.features), (samples, *time, width)
