"""Bytes the page sends for each chart that follows the picture's timestep (play on), as it sends them: orjson,
arrays base64. `python -m benchmarks.timestep_sizes`"""

from __future__ import annotations

import copy

import orjson

from rnnlab import cell, figures, timestep, unrolled
from rnnlab.params import parse
from rnnlab.run import run
from ui.plot import plain_value, typed_arrays

QUERIES = ("play=true", "play=true&timesteps=100&units=64", "play=true&timesteps=500&units=128&batch=4")


def size(figure: dict) -> int:
    figure = copy.deepcopy(figure)
    typed_arrays(figure)
    return len(orjson.dumps(figure, default=plain_value, option=orjson.OPT_SERIALIZE_NUMPY))


def main() -> None:
    for query in QUERIES:
        result = run(parse(query).config)
        part, units = result.parts[0], tuple(range(4))
        print(query, {
            "picture": size(unrolled.unrolled_figure(result, 0, 0, units, 0, 0)),
            "states": (size(figures.states_figure(result, part, 0, units)),
                       size(timestep.states_chart(result, part, 0, units, 0))),
            "gates": (size(figures.gates_figure(result, part, 0)), size(timestep.gates_chart(result, part, 0, 0, 0))),
            "step": (size(figures.step_figure(result, part, 0, 0, 0)), size(timestep.step_chart(result, part, 0, 0, 0))),
            "cell": (size(cell.cell_figure(result, part, 0, 0, 0)), size(cell.cell_chart(result, part, 0, 0, 0))),
        })


if __name__ == "__main__":
    main()
