"""The parameter table: one row per option, from which everything else is derived.

The URL query string, the command line, validation and the Streamlit widgets all read
`MODEL_PARAMS` (what is built and run) and `VIEW_PARAMS` (what is looked at). Adding an
option is adding one row.

    >>> parse("units=16&return_state=true").config.units
    16
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

# batch x timesteps x units x recurrent layers: the most step values a run may hold. At this size the
# slowest accepted configuration still answers in under 2 s on 2 cores (benchmarks/README.md).
MAX_SEQUENCE_VALUES = 2_000_000
# Limits on the sequential work of a run, whatever the batch (measured in benchmarks/README.md):
MAX_LAYER_STEPS = 1_000  # timesteps x recurrent layers x runs through them (Python-level steps)
MAX_WORK = 200_000  # ... times units (the matrix work of those steps)
MAX_UNIT_WORK = 4_096  # units x recurrent layers x runs (the weights to draw and build)

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_MAX_TEXT = 200  # characters of one value we are willing to read
_MAX_ENTRIES_READ = 100  # entries of one list we are willing to read (the rest is set aside unread)


def _shown(value: Any, most: int = 40) -> str:
    """A learner's value as a notice quotes it: repr, cut short."""
    text = repr(value)
    return text if len(text) <= most else text[:most] + "..."


def listed(entries: list[Any], most: int = 3) -> str:
    """Entries of a list as a notice names them: the first few, each cut short, then how many more."""
    rest = " and the rest" if entries and entries[-1] is _UNREAD else ""
    entries = entries[:-1] if rest else entries
    named = ", ".join(_shown(e, 16) for e in entries[:most])
    return named + (f" and {len(entries) - most} more" if len(entries) > most else "") + rest


class _Unread(str):
    """The rest of a list past the entries that are read."""

    def __repr__(self) -> str:
        return "the rest"


_UNREAD = _Unread("the rest")


@dataclass(frozen=True)
class Param:
    """One option: its query/CLI name (the Keras argument name where there is one), default and bounds."""

    name: str
    default: Any
    help: str
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    label: str = ""  # the widget's label when it is not the name (view parameters)
    group: str = "layer"  # which set of controls it belongs to
    needs: str = ""  # the parameter that must be on for this one to matter (see `is_on`)
    typed: bool = False  # a list the learner types ("10,7,4") rather than picks
    most: int = 16  # a list's most entries (the widget allows no more)
    distinct: bool = False  # a list naming things (units to draw) rather than a pattern (lengths)

    @property
    def kind(self) -> type:
        return type(self.default)

    def parse(self, text: str) -> Any:
        """Text (from a URL or the command line) -> a valid value; ValueError with a readable reason."""
        text = text.strip()
        if len(text) > _MAX_TEXT:
            raise ValueError(f"{self.name}: the value is {len(text)} characters long")
        if self.kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(f"{self.name}={_shown(text)} is not true/false/1/0")
        if self.kind is int:
            try:
                number = int(text)
            except ValueError:
                raise ValueError(f"{self.name}={_shown(text)} is not a whole number") from None
            return self.check(number)
        if self.kind is tuple:
            items = self.entries(text)
            if not all(isinstance(item, int) for item in items):
                raise ValueError(f"{self.name}={_shown(text)} is not a comma-separated list of whole numbers")
            return self.check(items)
        return self.check(text.lower())

    def entries(self, text: str) -> tuple[int | str, ...]:
        """A list's text -> its entries: whole numbers where they read as one, the rest as given (for `fit`
        to set aside). Only the first _MAX_ENTRIES_READ are read."""
        parts = [part.strip() for part in text.split(",", _MAX_ENTRIES_READ)]
        entries: list[int | str] = []
        for part in parts[:_MAX_ENTRIES_READ]:
            try:
                entries.append(int(part) if len(part) <= 20 else part)
            except ValueError:
                entries.append(part)
        if len(parts) > _MAX_ENTRIES_READ:
            entries.append(_UNREAD)  # set aside, and named, as one entry
        return tuple(e for e in entries if e != "")

    def fit(self, value: Any) -> tuple[tuple[int, ...], list[str]]:
        """A list (its text, or its entries) -> (its first allowed entries, why the others were set aside).

        Allowed: whole numbers within low..high, each once for a `distinct` list, at most `most` of them.
        Never raises: whatever is not allowed is set aside and named.
        """
        entries = self.entries(value) if isinstance(value, str) else value
        if not isinstance(entries, (tuple, list)):
            return (), [f"{_shown(value)} is not a list of whole numbers"]
        kept: list[int] = []
        invalid: list[Any] = []
        repeated: list[int] = []
        beyond: list[int] = []
        for entry in entries[:_MAX_ENTRIES_READ + 1]:
            if entry is _UNREAD:
                beyond.append(entry)
                continue
            try:
                number = self._check_int(entry)
            except ValueError:
                invalid.append(entry)
                continue
            if self.distinct and number in kept:
                repeated.append(number)
            elif len(kept) >= self.most:
                beyond.append(number)
            else:
                kept.append(number)
        reasons = []
        if invalid:
            reasons.append(f"{listed(invalid)} {'is' if len(invalid) == 1 else 'are'} not "
                           f"{'a whole number' if len(invalid) == 1 else 'whole numbers'} in {self.low}..{self.high}")
        if repeated:
            reasons.append(f"{listed(list(dict.fromkeys(repeated)))} listed more than once")
        if beyond:
            reasons.append(f"at most {self.most} entries, so {listed(beyond)} "
                           f"{'was' if len(beyond) == 1 else 'were'} set aside")
        return tuple(kept), reasons

    def check(self, value: Any) -> Any:
        """A typed value -> the same value if it is allowed; ValueError otherwise."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.name} must be true or false")
            return value
        if self.kind is tuple:
            if not isinstance(value, (tuple, list)):
                raise ValueError(f"{self.name} must be a list of whole numbers")
            kept, reasons = self.fit(value)
            if reasons:
                raise ValueError(f"{self.name}: {'; '.join(reasons)}")
            return kept
        if self.kind is int:
            return self._check_int(value)
        if value not in self.choices:
            raise ValueError(f"{self.name}={_shown(value)} is not one of {', '.join(self.choices)}")
        return value

    def _check_int(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{self.name} must be a whole number")
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            raise ValueError(f"{self.name}={value} is outside {self.low}..{self.high}")
        return value

    def format(self, value: Any) -> str:
        """A value -> its query-string text."""
        if self.kind is bool:
            return "true" if value else "false"
        if self.kind is tuple:
            return ",".join(str(v) for v in value)
        return str(value)


MODEL_PARAMS: tuple[Param, ...] = (
    Param("layer", "lstm", "The recurrent layer: LSTM (states h and c), GRU or SimpleRNN (state h only).",
          choices=("lstm", "gru", "simple_rnn")),
    Param(
        "return_sequences",
        False,
        "On: return h at every timestep, shape (batch, timesteps, units). Off: only the last one, (batch, units).",
    ),
    Param(
        "return_state",
        False,
        "On: also return the final states after the output: output, state_h, state_c (in that order).",
    ),
    Param("units", 64, "Size of the hidden state h (and cell state c): the last axis of every output.", 1, 512),
    Param("timesteps", 10, "How many steps each input sequence has: the middle axis of the input.", 1, 500),
    Param("features", 3, "How many numbers the layer reads at each timestep: the last axis of the input.", 1, 64),
    Param("batch", 32, "How many sequences go through the layer at once: the first axis of everything.", 1, 256),
    Param("activation", "tanh", "The activation of the candidate and the output (tanh by default).",
          choices=("tanh", "relu", "sigmoid", "linear"), group="structure"),
    Param("go_backwards", False, "Read the sequence from its last timestep to its first; the returned sequence "
          "comes in that reversed order.", group="structure"),
    Param("bidirectional", False, "Wrap the layer in Bidirectional: one copy reads forwards, a second backwards.",
          group="structure"),
    Param("merge_mode", "concat", "How Bidirectional combines the two directions' outputs (never the states).",
          choices=("concat", "sum", "mul", "ave", "none"), group="structure", needs="bidirectional"),
    Param("depth", 1, "How many recurrent layers are stacked.", 1, 3, group="structure"),
    Param("inner_return_sequences", True, "return_sequences of every layer below the last: the next layer "
          "needs a sequence.", group="structure", needs="depth"),
    Param("head", "none", "A layer on top of the first returned tensor: Dense, or Dense in TimeDistributed.",
          choices=("none", "dense", "time_distributed"), group="head"),
    Param("head_units", 1, "How many values the head predicts (per timestep when it gets a sequence).", 1, 64,
          group="head", needs="head"),
    Param("head_activation", "linear", "The head's activation.",
          choices=("linear", "relu", "sigmoid", "tanh", "softmax"), group="head", needs="head"),
    Param(
        "input",
        "uniform",
        "The data fed in: uniform in [0, 1) as np.random.rand gives, normal, sine waves or steps.",
        choices=("uniform", "normal", "sine", "steps"),
        group="data",
    ),
    Param("seed", 0, "Fixes the random data and the layer's initial weights, so a link shows the same numbers.",
          0, 2**31 - 1, group="data"),
    Param("lengths", (), "Real lengths of the sequences, repeated over the batch (e.g. 10,7,4); the rest is "
          "zero padding. Empty: every sequence is full length.", 1, 500, group="data", typed=True),
    Param("padding", "post", "Where pad_sequences puts the zeros: after (post) or before (pre) the data.",
          choices=("post", "pre"), group="data", needs="lengths"),
    Param("mask", False, "Put a Masking layer first: padded (all-zero) timesteps are skipped.", group="data"),
    Param("stateful", False, "Keep the final states as the initial states of the next batch, until "
          "reset_state().", group="data"),
)

VIEW_PARAMS: tuple[Param, ...] = (
    Param("sample", 0, "Which sequence of the batch the charts show.", 0, 255, label="sample (sequence of the batch)"),
    Param("step", 0, "The timestep t looked at up close.", 0, 499, label="timestep t"),
    Param("unit", 0, "The unit whose update is written out with numbers.", 0, 511, label="unit"),
    Param("part", 0, "Which recurrent layer (and which direction of a Bidirectional one) the step-by-step "
          "charts look inside.", 0, 5, label="look inside"),
    Param("show", (), "Units drawn in the h_t and c_t charts, at most ten (none chosen: the first four).", 0, 511,
          label="units drawn in the h_t and c_t charts", most=10, distinct=True),
    Param("section", "states", "What the page draws under the input and the output: h_t and c_t at every step, "
          "the gates, one timestep up close, or the weights.", choices=("states", "gates", "step", "weights"),
          label="look at"),
    Param("colours", "rdbu", "The colour scale of every chart: signed values on a diverging scale centred on "
          "zero, gates (0 to 1) on a sequential one; all colour-blind safe.",
          choices=("rdbu", "puor", "viridis", "cividis"), label="colour scale"),
    Param("play", False, "Play, step and speed controls under the unrolled layer: the timestep then moves in the "
          "browser, with no request to the server per step.", label="play the timesteps"),
)

PARAMS: dict[str, Param] = {p.name: p for p in MODEL_PARAMS + VIEW_PARAMS}


def is_on(value: Any) -> bool:
    """Whether a parameter that others need is switched on: true, non-empty, not 'none', above 1."""
    return value not in (False, (), "none", 0, 1) or value is True


def _frozen(name: str, params: tuple[Param, ...], doc: str) -> type:
    cls = dataclasses.make_dataclass(name, [(p.name, p.kind, field(default=p.default)) for p in params], frozen=True)
    cls.__doc__ = doc
    cls.__module__ = __name__
    return cls


Config = _frozen("Config", MODEL_PARAMS, "The whole experiment in one frozen, valid value (see MODEL_PARAMS).")
View = _frozen("View", VIEW_PARAMS, "What is looked at in a Run; never changes what Keras computes.")


@dataclass(frozen=True)
class Notice:
    """Something in the input that was not used as given: the problem, and what was done instead."""

    problem: str
    outcome: str

    def __str__(self) -> str:
        return f"{self.problem}; {self.outcome}"


class ConfigError(ValueError):
    """Raised by strict parsing: one readable line per problem."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Parsed:
    """The result of reading untrusted input: always a valid Config and View, plus what was set aside."""

    config: Any
    view: Any
    notices: tuple[Notice, ...] = ()

    def strict(self) -> Parsed:
        """Self, or ConfigError naming every problem (for the command line, where nothing is guessed)."""
        if self.notices:
            raise ConfigError(n.problem for n in self.notices)
        return self


def passes(values: Mapping[str, Any]) -> int:
    """How many times a run sends the sequences through the stack: once, plus the comparisons that padding
    (masked, unmasked, each distinct length unpadded) and stateful (two chunks, a reset, one long, one fresh)
    add."""
    if values["stateful"]:
        return 6
    return 3 + len(set(values["lengths"])) if values["lengths"] else 1


def _lower(values: dict[str, Any], notices: list[Notice], name: str, most: int, rule: str) -> None:
    """Lower values[name] to `most` when it is above, naming the rule that asks for it."""
    if values[name] > most:
        notices.append(Notice(f"{name}={values[name]} is too large here: {rule}", f"using {name}={most}"))
        values[name] = most


def _limit_sizes(values: dict[str, Any], notices: list[Notice]) -> None:
    """Lower units, then timesteps, then batch until the run is within every MAX_ limit above."""
    layers, runs = values["depth"] * (2 if values["bidirectional"] else 1), passes(values)
    _lower(values, notices, "units", max(1, MAX_UNIT_WORK // (layers * runs)),
           f"units × recurrent layers ({layers}) × runs ({runs}) must stay within {MAX_UNIT_WORK:,}")
    _lower(values, notices, "timesteps",
           max(1, min(MAX_WORK // (values["units"] * layers * runs), MAX_LAYER_STEPS // (layers * runs))),
           f"timesteps × recurrent layers ({layers}) × runs ({runs}) must stay within {MAX_LAYER_STEPS:,}, and "
           f"that times units within {MAX_WORK:,}")
    _lower(values, notices, "batch", max(1, MAX_SEQUENCE_VALUES // (values["timesteps"] * values["units"] * layers)),
           f"batch × timesteps × units × recurrent layers ({layers}) must stay within {MAX_SEQUENCE_VALUES:,}")


def _fit_lengths(values: dict[str, Any], notices: list[Notice]) -> None:
    """A sequence cannot be longer than the padded length, timesteps; stateful chunks are not padded."""
    if values["stateful"] and values["lengths"]:
        notices.append(Notice("lengths: a stateful layer here reads two full chunks, without padding",
                              "lengths left out"))
        values["lengths"] = ()
    fitted = tuple(min(n, values["timesteps"]) for n in values["lengths"])
    if fitted != values["lengths"]:
        notices.append(Notice(f"lengths: no sequence can be longer than timesteps={values['timesteps']}",
                              f"using lengths={PARAMS['lengths'].format(fitted)}"))
        values["lengths"] = fitted


def _fit_view(values: dict[str, Any], config: Any, notices: list[Notice]) -> None:
    """Clamp view indices into the config's axes (the same link may come from a larger config)."""
    parts = config.depth * (2 if config.bidirectional else 1)
    limits = {"sample": config.batch, "step": config.timesteps, "unit": config.units, "part": parts}
    for name, size in limits.items():
        if values[name] >= size:
            notices.append(Notice(f"{name}={values[name]} is past the last index {size - 1}", f"using {size - 1}"))
            values[name] = size - 1
    kept = tuple(dict.fromkeys(u for u in values["show"] if u < config.units))
    if kept != tuple(values["show"]):
        past = [u for u in values["show"] if u >= config.units]
        notices.append(Notice(f"show: there is no unit past {config.units - 1}", f"{listed(past)} left out"))
    values["show"] = kept


def resolve(raw: Mapping[str, Any]) -> Parsed:
    """Typed values (e.g. from widgets) -> Parsed. Invalid values fall back to defaults, with notices."""
    notices: list[Notice] = []
    values = {}
    for name, param in PARAMS.items():
        value = raw.get(name, param.default)
        if param.kind is tuple:  # a list keeps its allowed entries; the rest is named
            values[name], reasons = param.fit(value)
            if reasons:
                kept = f"{name}={param.format(values[name])}" if values[name] else "none of them"
                notices.append(Notice(f"{name}: {'; '.join(reasons)}", f"using {kept}"))
            continue
        try:
            values[name] = param.check(value)
        except ValueError as err:
            notices.append(Notice(str(err), f"using the default {param.format(param.default)}"))
            values[name] = param.default
    _limit_sizes(values, notices)
    _fit_lengths(values, notices)
    config = Config(**{p.name: values[p.name] for p in MODEL_PARAMS})
    _fit_view(values, config, notices)
    view = View(**{p.name: values[p.name] for p in VIEW_PARAMS})
    return Parsed(config, view, tuple(notices))


def query_pairs(query: str | Mapping[str, str | list[str]]) -> list[tuple[str, str]]:
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True, max_num_fields=100)
    return [(str(k), str(v)) for k, vs in query.items() for v in ([vs] if isinstance(vs, str) else vs)]


def parse(query: str | Mapping[str, str | list[str]]) -> Parsed:
    """A query string (or a mapping of it, as Streamlit gives) -> Parsed. Never raises."""
    try:
        pairs = query_pairs(query)
    except (TypeError, ValueError, AttributeError) as err:
        return dataclasses.replace(resolve({}), notices=(Notice(f"the query string could not be read ({err})", "using defaults"),))
    notices: list[Notice] = []
    raw: dict[str, Any] = {}
    seen: set[str] = set()
    for key, text in pairs:
        name = key.strip().lower()
        param = PARAMS.get(name)
        if param is None:
            notices.append(Notice(f"unknown parameter {key[:40]!r}", "ignored"))
            continue
        if name in seen:
            notices.append(Notice(f"{name} is given more than once", "using the last value"))
        seen.add(name)
        try:
            raw[name] = param.entries(text) if param.kind is tuple else param.parse(text)
        except ValueError as err:
            raw.pop(name, None)
            notices.append(Notice(str(err), f"using the default {param.format(param.default)}"))
    parsed = resolve(raw)
    return dataclasses.replace(parsed, notices=tuple(notices) + parsed.notices)


def values(*frozen: Any) -> dict[str, Any]:
    """Config / View instances -> one dict of their values."""
    return {k: v for item in frozen for k, v in dataclasses.asdict(item).items()}


def to_query(*frozen: Any) -> dict[str, str]:
    """Config / View -> query parameters, leaving out every value equal to its default."""
    return {k: PARAMS[k].format(v) for k, v in values(*frozen).items() if v != PARAMS[k].default}


def query_string(*frozen: Any) -> str:
    return urlencode(to_query(*frozen))
