"""What a chart sends to the page: any array a figure holds arrives as the same numbers or labels."""

from __future__ import annotations

import json

import numpy as np
import orjson

from ui.plot import _plain


def test_arrays_orjson_cannot_write_itself_arrive_as_lists():
    figure = {"y": np.array(["forget", "input"]), "z": np.arange(6.0).reshape(2, 3)[:, ::2],
              "name": np.str_("h"), "zmax": np.float32(1.5)}
    sent = json.loads(orjson.dumps(figure, default=_plain, option=orjson.OPT_SERIALIZE_NUMPY))
    assert sent == {"y": ["forget", "input"], "z": figure["z"].tolist(), "name": "h", "zmax": 1.5}
