"""Runnable Keras code (functional API, keras.Input) that reproduces a Run exactly and prints its shapes."""

from __future__ import annotations


from rnnlab import architecture
from rnnlab.architecture import first_names, output_names, returned_names
from rnnlab.inputs import data_code
from rnnlab.params import Config

RESET = """for layer in model.layers:  # Keras 3 models have no reset_states(): reset each recurrent layer
    if hasattr(layer, "reset_state"):
        layer.reset_state()"""


def below_name(config: Config) -> str:
    """What the last recurrent layer reads, named as the generated code names it: x, or in a stack the
    sequence the layer below returns (seq_1, seq_2)."""
    return f"seq_{config.depth - 1}" if config.depth > 1 else "x"


def unpack_line(config: Config, call: str | None = None) -> str:
    """The line a learner writes to receive what the layer returns, e.g. 'output, state_h, state_c = lstm(x)';
    the top of a stack reads the layer below: 'output = lstm(seq_1)'."""
    return f"{', '.join(returned_names(config))} = {call or f'{architecture.layer_name(config)}({below_name(config)})'}"


def head_line(config: Config) -> str:
    """The head applied to the first returned tensor, e.g. 'prediction = keras.layers.Dense(1)(output)'."""
    firsts = first_names(config)
    given = firsts[0] if len(firsts) == 1 else f"({', '.join(firsts)})"
    return f"prediction = {architecture.head(config).code()}({given})"


def layer_code(config: Config) -> str:
    """The last recurrent layer's constructor call as the app builds it."""
    return architecture.recurrent(config).code()


def model_lines(config: Config) -> list[str]:
    """From keras.Input to keras.Model, constructing layers in the order the app does."""
    if config.stateful:
        lines = [f"inputs = keras.Input(batch_shape=({config.batch}, {config.timesteps}, {config.features}))"
                 "  # stateful: a fixed batch"]
    else:
        lines = [f"inputs = keras.Input(shape=({config.timesteps}, {config.features}))"
                 "  # (timesteps, features): no batch axis"]
    below = "inputs"
    masking = architecture.masking(config)
    if masking:
        lines.append(f"masked = {masking.code()}(inputs)  # skips all-zero timesteps")
        below = "masked"
    for k in range(1, config.depth):
        lines.append(f"seq_{k} = {architecture.recurrent(config, last=False).code()}({below})")
        below = f"seq_{k}"
    name = architecture.layer_name(config)
    lines += [f"{name} = {layer_code(config)}", unpack_line(config, f"{name}({below})")]
    if config.head != "none":
        lines.append(head_line(config))
    outputs = output_names(config)
    lines.append(f"model = keras.Model(inputs, {outputs[0] if len(outputs) == 1 else '[' + ', '.join(outputs) + ']'})")
    return lines


def code_for(config: Config, shapes: dict[str, tuple[int, ...]], params: int) -> str:
    """The whole program; `shapes` maps each returned name to its shape, `params` is count_params().

    With no shapes (Keras refused the model), the program stops where Keras does.
    """
    names = output_names(config)
    prints = "\n".join(f'print("{n}", tuple({n}.shape))  # {shapes[n]}' for n in names if n in shapes)
    fed = "first" if config.stateful else "x"
    call = f"{', '.join(names)} = model({fed})"
    if config.stateful:
        call += f"  # the first chunk\n{prints}\n\n{', '.join(names)} = model(second)  # starts from the states " \
                f"the first chunk left\n{RESET}"
        prints = ""
    tail = f"{call}\n{prints}\nprint(\"params\", model.count_params())  # {params:,}" if shapes else \
        "# Keras refuses to build this model: see the message on the page"
    return f"""import keras
import numpy as np

keras.utils.set_random_seed({config.seed})  # the same data and initial weights as on screen

# x: (batch, timesteps, features)
{data_code(config)}

{chr(10).join(model_lines(config))}

{tail.rstrip()}
"""
