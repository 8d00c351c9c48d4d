"""A fresh server's first page: the browser loads plotly.js while the page waits for its first answer (TensorFlow
loading in the worker), so that the charts draw as soon as the answer comes."""

from __future__ import annotations

from benchmarks.server import StreamlitServer
from tests.e2e.conftest import LAPTOP, SERVER_START_S, SETTLE_MS

# How many charts the page held when plotly.js was first asked for (null: never asked for).
CHARTS_WHEN_ASKED = """
window.rnnlabChartsWhenAsked = null;
const append = Node.prototype.appendChild;
Node.prototype.appendChild = function (child) {
  if (window.rnnlabChartsWhenAsked === null && child.tagName === "SCRIPT" && String(child.src).includes("/plotly-"))
    window.rnnlabChartsWhenAsked = document.querySelectorAll(".rnnlab-chart").length;
  return append.call(this, child);
};
"""


def test_a_fresh_servers_first_page_loads_plotly_while_it_waits_for_its_answer(browser):
    with StreamlitServer() as server:  # nothing kept from an earlier server: the answer waits for TensorFlow
        server.wait_healthy(timeout=SERVER_START_S)
        context = browser.new_context(viewport=LAPTOP)
        try:
            page = context.new_page()
            page.add_init_script(CHARTS_WHEN_ASKED)
            page.goto(server.url)
            page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=SETTLE_MS)
            assert page.evaluate("window.rnnlabChartsWhenAsked") == 0  # asked for before any chart had come
            assert page.locator(".st-key-plotly-preload").count() == 0  # the page holds nothing of it once answered
        finally:
            context.close()
