"""Runnable Keras code (functional API, keras.Input) that reproduces a Run exactly and prints its shapes."""

from __future__ import annotations

from typing import Any

from rnnlab.inputs import input_code
from rnnlab.model import returned_names


def unpack_line(config: Any, call: str = "lstm(x)") -> str:
    """The line a learner writes to receive what the layer returns, e.g. 'output, state_h, state_c = lstm(x)'."""
    return f"{', '.join(returned_names(config))} = {call}"


def layer_code(config: Any) -> str:
    """The layer's constructor call as the app builds it."""
    flags = "".join(f", {name}=True" for name in ("return_sequences", "return_state") if getattr(config, name))
    return f"keras.layers.LSTM({config.units}{flags})"


def code_for(config: Any, shapes: dict[str, tuple[int, ...]], params: int) -> str:
    """The whole program; `shapes` maps each returned name to its shape, `params` is count_params()."""
    names = returned_names(config)
    outputs = names[0] if len(names) == 1 else f"[{', '.join(names)}]"
    prints = "\n".join(f'print("{n}", tuple({n}.shape))  # {shapes[n]}' for n in names)
    data = input_code(config.input, config.batch, config.timesteps, config.features)
    return f"""import keras
import numpy as np

keras.utils.set_random_seed({config.seed})  # the same data and initial weights as on screen

# x: (batch, timesteps, features)
{data}

inputs = keras.Input(shape=({config.timesteps}, {config.features}))  # (timesteps, features): no batch axis
lstm = {layer_code(config)}
{unpack_line(config, "lstm(inputs)")}
model = keras.Model(inputs, {outputs})

{unpack_line(config, "model(x)")}
{prints}
print("params", model.count_params())  # {params}
"""
