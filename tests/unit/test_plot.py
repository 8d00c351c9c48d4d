"""What a chart sends to the page: any array a figure holds arrives as the same numbers or labels."""

from __future__ import annotations

import gzip
import json

import numpy as np
import orjson

from ui.plot import plain_value


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
