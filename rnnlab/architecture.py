"""Config -> the Keras layers to build, as data: one description that both builds them and prints them.

    >>> recurrent(Config(units=8, return_state=True)).code()
    'keras.layers.LSTM(8, return_state=True)'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rnnlab.params import Config

KERAS_CLASSES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}
# Initial weights that cost nothing to draw, for models whose weights are replaced straight away.
ZEROS = {cls: {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"} for cls in KERAS_CLASSES.values()}
ZEROS["Dense"] = {"kernel_initializer": "zeros"}
SHORT_NAMES = {"lstm": "lstm", "gru": "gru", "simple_rnn": "rnn"}
STATE_LETTERS = {"lstm": ("h", "c"), "gru": ("h",), "simple_rnn": ("h",)}


@dataclass(frozen=True)
class Call:
    """A Keras layer constructor call: keras.layers.<cls>(*args, **kwargs); args may be Calls."""

    cls: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def build(self, zeros: bool = False) -> Any:
        """The Keras layer; with zeros, its weights start at zero instead of being drawn at random."""
        import keras

        args = [a.build(zeros) if isinstance(a, Call) else a for a in self.args]
        extra = ZEROS.get(self.cls, {}) if zeros else {}
        return getattr(keras.layers, self.cls)(*args, **dict(self.kwargs), **extra)

    def code(self) -> str:
        args = [a.code() if isinstance(a, Call) else repr(a) for a in self.args]
        args += [f"{k}={v!r}" for k, v in self.kwargs]
        return f"keras.layers.{self.cls}({', '.join(args)})"


def _flags(**flags: Any) -> tuple[tuple[str, Any], ...]:
    """Keyword arguments that differ from Keras's defaults (False, None), in a stable order."""
    return tuple((k, v) for k, v in flags.items() if v not in (False, None))


def recurrent(config: Config, last: bool = True) -> Call:
    """One recurrent layer of the stack; layers below the last use inner_return_sequences, no states."""
    sequences = config.return_sequences if last else config.inner_return_sequences
    layer = Call(KERAS_CLASSES[config.layer], (config.units,), _flags(
        activation=None if config.activation == "tanh" else config.activation,
        return_sequences=sequences,
        return_state=config.return_state and last,
        go_backwards=config.go_backwards,
        stateful=config.stateful,
    ))
    if not config.bidirectional:
        return layer
    merge = None if config.merge_mode == "none" else config.merge_mode
    return Call("Bidirectional", (layer,), () if merge == "concat" else (("merge_mode", merge),))


def head(config: Config) -> Call | None:
    """The layer on top of the first returned tensor, if any."""
    if config.head == "none":
        return None
    activation = _flags(activation=None if config.head_activation == "linear" else config.head_activation)
    dense = Call("Dense", (config.head_units,), activation)
    return dense if config.head == "dense" else Call("TimeDistributed", (dense,))


def masking(config: Config) -> Call | None:
    return Call("Masking", (), (("mask_value", 0.0),)) if config.mask else None


def layer_name(config: Config) -> str:
    """What the learner calls the last recurrent layer in code, e.g. 'lstm' or 'bi_gru'."""
    return ("bi_" if config.bidirectional else "") + SHORT_NAMES[config.layer]


def first_names(config: Config) -> tuple[str, ...]:
    kind = "seq" if config.return_sequences else "output"
    if config.bidirectional and config.merge_mode == "none":
        return (f"forward_{kind}", f"backward_{kind}")
    return ("whole_seq" if config.return_sequences else "output",)


def returned_names(config: Config) -> tuple[str, ...]:
    """What the last recurrent layer returns, in Keras's order, e.g. ('whole_seq', 'state_h', 'state_c')."""
    letters = STATE_LETTERS[config.layer]
    if not config.return_state:
        states: tuple[str, ...] = ()
    elif config.bidirectional:
        states = tuple(f"{d}_{s}" for d in ("forward", "backward") for s in letters)
    else:
        states = tuple(f"state_{s}" for s in letters)
    return first_names(config) + states


def output_names(config: Config) -> tuple[str, ...]:
    """Every tensor the model hands back: the layer's returns, then the head's prediction."""
    return returned_names(config) + (("prediction",) if config.head != "none" else ())


def width(config: Config) -> str:
    """The last axis of the first returned tensor: 'units', or '2 × units' for concatenated directions."""
    return "2 × units" if config.bidirectional and config.merge_mode == "concat" else "units"


def returned_axes(config: Config, name: str) -> tuple[str, ...]:
    """The axes of one returned tensor, e.g. ('batch', 'timesteps', 'units')."""
    time = ("timesteps",) if config.return_sequences else ()
    if name == "prediction":
        return ("batch", *time, "head_units")
    if name.endswith(("_h", "_c")):
        return ("batch", "units")
    return ("batch", *time, "units" if name.startswith(("forward", "backward")) else width(config))
