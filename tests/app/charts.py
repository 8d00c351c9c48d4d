"""The charts an AppTest run drew (ui.plot): each chart's key and its figure as the JSON the page receives."""

from __future__ import annotations

import json
from typing import NamedTuple

from streamlit.testing.v1 import AppTest


class Chart(NamedTuple):
    key: str
    spec: str  # the figure (data, layout, frames) as JSON text

    @property
    def figure(self) -> dict:
        return json.loads(self.spec)


def charts(at: AppTest) -> list[Chart]:
    return [Chart(e.key, json.dumps(json.loads(e.proto.bytes)["figure"]))
            for e in at.get("bidi_component") if e.proto.component_name == "rnnlab_chart"]
