"""The playground's settings: `Config` (what is built and run) and `View` (what is looked at), each a frozen
dataclass whose fields carry their Setting (rnnlab.settings). The URL query string, the command line,
validation and the Streamlit widgets all read them. Adding an option is adding one field.

    >>> parse("units=16&return_state=true").config.units
    16
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from rnnlab.settings import Notice, Query, Read, Setting, Table, listed, query_pairs, read_texts, setting
from rnnlab.settings.setting import Value

# batch x timesteps x units x recurrent layers: the most step values a run may hold. At this size the
# slowest accepted configuration still answers in under 2 s on 2 cores (benchmarks/README.md).
MAX_SEQUENCE_VALUES = 2_000_000
# Limits on the sequential work of a run, whatever the batch (measured in benchmarks/README.md):
MAX_LAYER_STEPS = 1_000  # timesteps x recurrent layers x runs through them (Python-level steps)
MAX_WORK = 200_000  # ... times units (the matrix work of those steps)
MAX_UNIT_WORK = 4_096  # units x recurrent layers x runs (the weights to draw and build)


@dataclass(frozen=True)
class Config:
    """The whole experiment in one frozen, valid value: one field per Keras argument or data option."""

    layer: str = setting("lstm", "The recurrent layer: LSTM (states h and c), GRU or SimpleRNN (state h only).",
                         choices=("lstm", "gru", "simple_rnn"))
    return_sequences: bool = setting(False, "On: return h at every timestep, shape (batch, timesteps, units). "
                                     "Off: only the last one, (batch, units).")
    return_state: bool = setting(False, "On: also return the final states after the output: output, state_h, "
                                 "state_c (in that order).")
    units: int = setting(64, "Size of the hidden state h (and cell state c): the last axis of every output.", 1, 512)
    timesteps: int = setting(10, "How many steps each input sequence has: the middle axis of the input.", 1, 500)
    features: int = setting(3, "How many numbers the layer reads at each timestep: the last axis of the input.",
                            1, 64)
    batch: int = setting(32, "How many sequences go through the layer at once: the first axis of everything.",
                         1, 256)
    activation: str = setting("tanh", "The activation of the candidate and the output (tanh by default).",
                              choices=("tanh", "relu", "sigmoid", "linear"), group="structure")
    go_backwards: bool = setting(False, "Read the sequence from its last timestep to its first; the returned "
                                 "sequence comes in that reversed order.", group="structure")
    bidirectional: bool = setting(False, "Wrap the layer in Bidirectional: one copy reads forwards, a second "
                                  "backwards.", group="structure")
    merge_mode: str = setting("concat", "How Bidirectional combines the two directions' outputs (never the states).",
                              choices=("concat", "sum", "mul", "ave", "none"), group="structure",
                              needs="bidirectional")
    depth: int = setting(1, "How many recurrent layers are stacked.", 1, 3, group="structure")
    inner_return_sequences: bool = setting(True, "return_sequences of every layer below the last: the next layer "
                                           "needs a sequence.", group="structure", needs="depth")
    head: str = setting("none", "A layer on top of the first returned tensor: Dense, or Dense in TimeDistributed.",
                        choices=("none", "dense", "time_distributed"), group="head")
    head_units: int = setting(1, "How many values the head predicts (per timestep when it gets a sequence).", 1, 64,
                              group="head", needs="head")
    head_activation: str = setting("linear", "The head's activation.",
                                   choices=("linear", "relu", "sigmoid", "tanh", "softmax"), group="head",
                                   needs="head")
    input: str = setting("uniform", "The data fed in: uniform in [0, 1) as np.random.rand gives, normal, sine waves "
                         "or steps.", choices=("uniform", "normal", "sine", "steps"), group="data")
    seed: int = setting(0, "Fixes the random data and the layer's initial weights, so a link shows the same "
                        "numbers.", 0, 2**31 - 1, group="data")
    lengths: tuple[int, ...] = setting((), "Real lengths of the sequences, repeated over the batch (e.g. 10,7,4); "
                                       "the rest is zero padding. Empty: every sequence is full length.", 1, 500,
                                       group="data", typed=True)
    padding: str = setting("post", "Where pad_sequences puts the zeros: after (post) or before (pre) the data.",
                           choices=("post", "pre"), group="data", needs="lengths")
    mask: bool = setting(False, "Put a Masking layer first: padded (all-zero) timesteps are skipped.", group="data")
    stateful: bool = setting(False, "Keep the final states as the initial states of the next batch, until "
                             "reset_state().", group="data")

    @property
    def directions(self) -> int:
        """How many copies of the layer read the sequence: two in Bidirectional."""
        return 2 if self.bidirectional else 1

    @property
    def layers(self) -> int:
        """Recurrent layers the data goes through: depth, twice when Bidirectional."""
        return self.depth * self.directions

    @property
    def passes(self) -> int:
        """How many times a run sends the sequences through the stack: once, plus the comparisons that padding
        (masked, unmasked, each distinct length unpadded) and stateful (two chunks, a reset, one long, one
        fresh) add."""
        if self.stateful:
            return 6
        return 3 + len(set(self.lengths)) if self.lengths else 1

    @property
    def weight_key(self) -> tuple[object, ...]:
        """What fixes the seeded weights: the layers' sizes and the seed (never the lengths in time and batch)."""
        return (self.layer, self.units, self.features, self.bidirectional, self.merge_mode, self.depth, self.head,
                self.head_units, self.seed)


@dataclass(frozen=True)
class View:
    """What is looked at in a Run; never changes what Keras computes."""

    sample: int = setting(0, "Which sequence of the batch the charts show.", 0, 255,
                          label="sample (sequence of the batch)")
    step: int = setting(0, "The timestep t looked at up close.", 0, 499, label="timestep t")
    unit: int = setting(0, "The unit whose update is written out with numbers.", 0, 511, label="unit")
    part: int = setting(0, "Which recurrent layer (and which direction of a Bidirectional one) the step-by-step "
                        "charts look inside.", 0, 5, label="look inside")
    show: tuple[int, ...] = setting((), "Units drawn in the h_t and c_t charts, at most ten (none chosen: the first "
                                    "four).", 0, 511, label="units drawn in the h_t and c_t charts", most=10,
                                    distinct=True)
    section: str = setting("states", "What the page draws under the input and the output: h_t and c_t at every "
                           "step, the gates, one timestep up close, or the weights.",
                           choices=("states", "gates", "step", "weights"), label="look at")
    colours: str = setting("rdbu", "The colour scale of every chart: signed values on a diverging scale centred on "
                           "zero, gates (0 to 1) on a sequential one; all colour-blind safe.",
                           choices=("rdbu", "puor", "viridis", "cividis"), label="colour scale")
    play: bool = setting(False, "Play, step and speed controls under the unrolled layer: the timestep then moves in "
                         "the browser, with no request to the server per step.", label="play the timesteps")
    tour: int = setting(0, "The step of the start-here tour shown above the picture (0: no tour; rnnlab.tour).",
                        0, 5, label="tour step")
    focus: str = setting("none", "The part of the picture outlined, as a lesson opening the playground asks for "
                         "(rnnlab.tour.REGIONS): x_t entering, the state moving along, the outputs or the final "
                         "states.", choices=("none", "inputs", "flow", "outputs", "states"), label="outlined part")


def _lower(config: Config, notices: list[Notice], name: str, most: int, rule: str) -> Config:
    """Lower config's `name` to `most` when it is above, naming the rule that asks for it."""
    value = getattr(config, name)
    if value <= most:
        return config
    notices.append(Notice(f"{name}={value} is too large here: {rule}", f"using {name}={most}"))
    lowered: dict[str, Any] = {name: most}
    return dataclasses.replace(config, **lowered)


def _limit_sizes(config: Config, notices: list[Notice]) -> Config:
    """Lower units, then timesteps, then batch until the run is within every MAX_ limit above."""
    layers, runs = config.layers, config.passes
    config = _lower(config, notices, "units", max(1, MAX_UNIT_WORK // (layers * runs)),
                    f"units × recurrent layers ({layers}) × runs ({runs}) must stay within {MAX_UNIT_WORK:,}")
    config = _lower(config, notices, "timesteps",
                    max(1, min(MAX_WORK // (config.units * layers * runs), MAX_LAYER_STEPS // (layers * runs))),
                    f"timesteps × recurrent layers ({layers}) × runs ({runs}) must stay within {MAX_LAYER_STEPS:,}, "
                    f"and that times units within {MAX_WORK:,}")
    return _lower(config, notices, "batch", max(1, MAX_SEQUENCE_VALUES // (config.timesteps * config.units * layers)),
                  f"batch × timesteps × units × recurrent layers ({layers}) must stay within "
                  f"{MAX_SEQUENCE_VALUES:,}")


def _fit_lengths(config: Config, notices: list[Notice]) -> Config:
    """A sequence cannot be longer than the padded length, timesteps; stateful chunks are not padded."""
    if config.stateful and config.lengths:
        notices.append(Notice("lengths: a stateful layer here reads two full chunks, without padding",
                              "lengths left out"))
        config = dataclasses.replace(config, lengths=())
    fitted = tuple(min(n, config.timesteps) for n in config.lengths)
    if fitted != config.lengths:
        notices.append(Notice(f"lengths: no sequence can be longer than timesteps={config.timesteps}",
                              f"using lengths={PARAMS['lengths'].format(fitted)}"))
        config = dataclasses.replace(config, lengths=fitted)
    return config


def _limits(config: Config, notices: list[Notice]) -> Config:
    return _fit_lengths(_limit_sizes(config, notices), notices)


def _fit_view(view: View, config: Config, notices: list[Notice]) -> View:
    """Clamp view indices into the config's axes (the same link may come from a larger config)."""
    limits = {"sample": config.batch, "step": config.timesteps, "unit": config.units, "part": config.layers}
    fitted: dict[str, Any] = {}
    for name, size in limits.items():
        if getattr(view, name) >= size:
            notices.append(Notice(f"{name}={getattr(view, name)} is past the last index {size - 1}",
                                  f"using {size - 1}"))
            fitted[name] = size - 1
    kept = tuple(dict.fromkeys(u for u in view.show if u < config.units))
    if kept != view.show:
        past = [u for u in view.show if u >= config.units]
        notices.append(Notice(f"show: there is no unit past {config.units - 1}", f"{listed(past)} left out"))
    return dataclasses.replace(view, **fitted, show=kept)


CONFIG: Table[Config] = Table(Config, limits=_limits)
VIEW: Table[View] = Table(View)
MODEL_PARAMS: tuple[Setting, ...] = tuple(CONFIG.settings.values())
VIEW_PARAMS: tuple[Setting, ...] = tuple(VIEW.settings.values())
PARAMS: dict[str, Setting] = CONFIG.settings | VIEW.settings


@dataclass(frozen=True)
class Parsed(Read[Config]):
    """The playground's settings read from untrusted input: always a valid Config (`value`) and View, plus what
    was set aside."""

    view: View = View()

    @property
    def config(self) -> Config:
        return self.value


def resolve(raw: Mapping[str, object]) -> Parsed:
    """Typed values (e.g. from widgets) -> Parsed. Invalid values fall back to defaults, with notices."""
    config, notices = CONFIG.checked(raw)
    view, view_notices = VIEW.checked(raw)
    notices += view_notices
    config = _limits(config, notices)
    view = _fit_view(view, config, notices)
    return Parsed(config, (), view).with_notices(notices)


def parse(query: Query) -> Parsed:
    """A query string (or a mapping of it, as Streamlit gives) -> Parsed. Never raises."""
    try:
        pairs = query_pairs(query)
    except (TypeError, ValueError, AttributeError) as err:
        return resolve({}).with_notices([Notice(f"the query string could not be read ({err})", "using defaults")])
    raw, notices = read_texts(PARAMS, pairs)
    parsed = resolve(raw)
    return parsed.with_notices(notices + list(parsed.notices))


def values(*frozen: Config | View) -> dict[str, Value]:
    """Config / View instances -> one dict of their values."""
    return {k: v for item in frozen for k, v in (CONFIG.values(item) if isinstance(item, Config)
                                                  else VIEW.values(item)).items()}


def to_query(*frozen: Config | View) -> dict[str, str]:
    """Config / View -> query parameters, leaving out every value equal to its default."""
    return {k: v for item in frozen for k, v in (CONFIG.query(item) if isinstance(item, Config)
                                                  else VIEW.query(item)).items()}


def query_string(*frozen: Config | View) -> str:
    return urlencode(to_query(*frozen))
