"""A model assembled from the app's own parameter table instead of pasted: the Config's Keras code, as the
playground writes it, for the doctor to read like pasted code.

    >>> from rnnlab.params import Config
    >>> print(code(Config(units=8, return_sequences=True, head="dense")).splitlines()[-1])
    model = keras.Model(inputs, prediction)
"""

from __future__ import annotations

from collections.abc import Mapping
from rnnlab import codegen
from rnnlab.doctor import parse_shape
from rnnlab.doctor.reading import DoctorInputError
from rnnlab.architecture import returned_names
from rnnlab.params import CONFIG, MODEL_PARAMS, PARAMS as TABLE, Config
from rnnlab.settings import Setting, is_on

# Rows that change the data the playground draws, never the layers: not asked for here.
DATA_ONLY = frozenset({"input", "seed", "lengths", "padding"})
PARAMS: tuple[Setting, ...] = tuple(p for p in MODEL_PARAMS if p.name not in DATA_ONLY)
# In the model code the batch size appears only as a stateful layer's fixed batch.
NEEDS = {p.name: p.needs for p in PARAMS} | {"batch": "stateful"}


def config(values: Mapping[str, object]) -> Config:
    """Widget values by parameter name -> Config (missing ones take their defaults); DoctorInputError when one is
    not allowed. The playground's size limits do not apply: the doctor bounds its own trials."""
    made, notices = CONFIG.checked(values)
    if notices:
        raise DoctorInputError(notices[0].problem)
    return made


def matters(name: str, values: Mapping[str, object]) -> bool:
    """Whether a parameter changes the model as the others are set (merge_mode only with bidirectional, ...)."""
    need = NEEDS.get(name, "")
    return not need or is_on(values.get(need, TABLE[need].default))


def code(cfg: Config, loss: str | None = None) -> str:
    """The model code for a Config: the playground's layers, with the model's output what a learner trains on y:
    the head's prediction when there is a head, else what the last recurrent layer returns."""
    lines = codegen.model_lines(cfg)[:-1]  # the playground's model also returns every tensor it shows
    outputs = ("prediction",) if cfg.head != "none" else returned_names(cfg)
    lines.append(f"model = keras.Model(inputs, {outputs[0] if len(outputs) == 1 else '[' + ', '.join(outputs) + ']'})")
    if loss:
        lines.append(f"model.compile(optimizer='adam', loss={loss!r})")
    return "\n".join(["import keras", "", *lines]) + "\n"


def samples(*shapes: str, default: int) -> int:
    """The first axis of the first shape that reads (X's, else y's): the learner's number of samples."""
    for text in shapes:
        try:
            return parse_shape(text)[0]
        except DoctorInputError:
            continue
    return default


def x_shape(cfg: Config, count: int) -> str:
    """X's shape for the assembled model: (count samples, timesteps, features)."""
    return f"{count},{cfg.timesteps},{cfg.features}"


def sequence_axes(x: str) -> dict[str, int]:
    """timesteps and features read from X's shape text, when it is 3-D and both fit the table's bounds."""
    try:
        shape = parse_shape(x, ranks=range(3, 4))
    except DoctorInputError:
        return {}
    found = dict(zip(("timesteps", "features"), shape[1:]))
    return found if all(TABLE[k].low <= v <= TABLE[k].high for k, v in found.items()) else {}
