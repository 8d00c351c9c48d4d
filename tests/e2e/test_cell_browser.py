"""The cell drawn with its gates follows the page's one timestep in the browser: at each step the picture's play,
step buttons and keys reach, it shows the unit's numbers of the run at that step (Keras's own h_t)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from rnnlab.params import parse
from rnnlab.run import run
from tests.e2e.conftest import COUNT_RUNS_JS
from tests.e2e.test_layout_browser import open_at
from tests.e2e.test_timestep_browser import wait_active

pytestmark = pytest.mark.browser

QUERY = "layer={layer}&play=true&return_sequences=true&return_state=true&timesteps=9&units=6&unit=4&section=step"
CELL = "[...document.querySelectorAll('.js-plotly-plot')].find(e => e.layout.title.text.startsWith('one cell at'))"
# The numbers as the cell shows them on the screen (the text Plotly drew), by name, and its title.
SHOWN_JS = f"""() => {{ const el = {CELL};
    const shown = Object.fromEntries(el.layout.annotations.map((a, k) => [a.name,
        el.querySelector(`.annotation[data-index="${{k}}"] .annotation-text`)?.textContent]).filter(([n]) => n));
    return {{title: el.querySelector('.gtitle').textContent, shown}}; }}"""
GATES = {"lstm": {"f_t": "f", "i_t": "i", "g_t": "g", "o_t": "o"}, "gru": {"z_t": "z", "r_t": "r", "h̃_t": "h~"},
         "simple_rnn": {}}


def expected(result, k: int) -> dict[str, str]:
    """Unit 4's numbers at step k: the trace's, with h_t from what Keras returned (whole_seq)."""
    steps, unit = result.parts[0].trace, 4
    values = {"h_(t-1)": steps.h[0, k - 1, unit] if k else 0.0, "h_t": result.returned("whole_seq").value[0, k, unit]}
    if steps.c is not None:
        values |= {"c_(t-1)": steps.c[0, k - 1, unit] if k else 0.0, "c_t": steps.c[0, k, unit]}
    values |= {name: steps.gates[gate][0, k, unit] for name, gate in GATES[result.config.layer].items()}
    return {name: float(value) for name, value in values.items()}


def assert_shows(page: Page, result, k: int) -> None:
    page.wait_for_function(f"(k) => ({SHOWN_JS})().title.includes('at t=' + k + ':')", arg=k)
    drawn = page.evaluate(SHOWN_JS)
    shown = drawn["shown"]
    assert shown.pop("x_t") == "= [" + ", ".join(f"{v:.3f}" for v in result.x[0, k]) + "]", k
    want = expected(result, k)
    assert set(shown) == set(want), shown
    for name, value in want.items():
        assert abs(float(shown[name]) - value) <= 5e-4 + 1e-5, (k, name, shown[name], value)


@pytest.mark.parametrize("layer", ["lstm", "gru", "simple_rnn"])
def test_the_cell_shows_the_units_numbers_at_the_timestep_the_picture_is_at(browser, server_url, layer):
    query = QUERY.format(layer=layer)
    result = run(parse(query).config)
    page = open_at(browser, server_url, query, 1366, 768)
    page.evaluate(COUNT_RUNS_JS)
    assert_shows(page, result, 0)
    page.locator(".js-plotly-plot[tabindex='0']").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    wait_active(page, 3)
    assert_shows(page, result, 3)
    page.locator(".updatemenu-button").filter(has_text="step ▶").click()
    wait_active(page, 4)
    assert_shows(page, result, 4)
    page.locator(".updatemenu-button").filter(has_text="▶ 8×").click()
    wait_active(page, 8)
    assert_shows(page, result, 8)
    assert page.evaluate("() => window.rnnlabRuns") == 0, "moving the timestep ran the page's script again"
    page.context.close()
