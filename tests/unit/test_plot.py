"""What a chart sends to the page: any array a figure holds arrives as the same numbers or labels."""

from __future__ import annotations

import copy
import gzip
import json

import numpy as np
import orjson
import pytest

from ui.plot import plain_value, wire


def test_arrays_orjson_cannot_write_itself_arrive_as_lists():
    figure = {"y": np.array(["forget", "input"]), "z": np.arange(6.0).reshape(2, 3)[:, ::2],
              "name": np.str_("h"), "zmax": np.float32(1.5)}
    sent = json.loads(orjson.dumps(figure, default=plain_value, option=orjson.OPT_SERIALIZE_NUMPY))
    assert sent == {"y": ["forget", "input"], "z": figure["z"].tolist(), "name": "h", "zmax": 1.5}


def test_plotly_js_is_gzipped_once_and_kept_by_the_browser_for_a_year():
    from ui.plot.script import ADDRESS, Script

    import plotly

    script = Script()
    status, headers, body = script.answer("", "gzip, deflate, br")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == script.plain and len(body) < len(script.plain) / 2
    assert script.answer("", "gzip")[2] is body  # the same bytes: never compressed again
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plotly.__version__ in ADDRESS  # a new plotly is a new address, so a year in the cache is safe


def test_a_returning_browser_gets_304_without_the_file():
    from ui.plot.script import Script

    script = Script()
    etag = script.answer("", "")[1]["ETag"]
    assert script.answer(etag, "gzip") == (304, script.answer(etag, "")[1], b"")
    assert script.answer(f'"stale", W/{etag}', "gzip")[0] == 304
    status, headers, body = script.answer('"stale"', "")
    assert status == 200 and "Content-Encoding" not in headers and body == script.plain


def _every_chart(query: str) -> list:
    """Every chart the playground draws for the configuration `query`, as its builders return it."""
    from rnnlab import cell, figures, timestep, tour
    from rnnlab.params import parse
    from rnnlab.run import run

    result = run(parse(query).config)
    part, units = result.parts[0], tuple(range(min(4, result.config.units)))
    return [tour.tour_figure(result, "", 0, 0, units, 0, 1, play) for play in (False, True)] + [
        figures.input_figure(result, 0), figures.output_figure(result, 1), figures.states_figure(result, part, 0, units),
        figures.gates_figure(result, part, 0), figures.step_figure(result, part, 0, 1, 0),
        figures.weights_figure(result, part), timestep.states_chart(result, part, 0, units, 1),
        timestep.gates_chart(result, part, 0, 0, 1), timestep.step_chart(result, part, 0, 0, 1),
        cell.cell_figure(result, part, 0, 0, 1), cell.cell_chart(result, part, 0, 0, 1)]


EDGES = {"x": np.arange(3, dtype=np.int64), "big": np.array([0, 2**40]), "u": np.array([1, 300], np.uint64),
         "wide": np.array([2**63 - 1]), "empty": np.zeros(0), "text": np.array(["a", "b"]),
         "z": np.arange(6.0).reshape(2, 3)[:, ::2], "f": np.ones((2, 2), np.float32), "one": np.array(2.5),
         "range": np.array([0.0, 1.0]), "nested": [{"y": np.arange(4, dtype=np.int16)}, (np.arange(2.0),)],
         "small": np.array([-200, 200]), "i32": np.array([70000])}


@pytest.mark.parametrize("query", ["units=5", "layer=gru&return_sequences=true&bidirectional=true",
                                   "layer=simple_rnn&return_state=true&head=dense&head_units=3"])
def test_charts_travel_as_plotlys_own_typed_arrays_make_them(query):
    from _plotly_utils.utils import convert_to_base64

    from ui.plot import typed_arrays

    for figure in [f for f in _every_chart(query) if f is not None] + [EDGES]:
        theirs, ours = copy.deepcopy(figure), copy.deepcopy(figure)
        convert_to_base64(theirs)
        typed_arrays(ours)
        assert wire(ours) == wire(theirs)
