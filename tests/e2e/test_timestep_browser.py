"""One timestep for the whole page: the picture's play, step buttons, slider and keys move the charts under it
too, in the browser, each showing the run's own numbers at the picture's timestep."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from rnnlab import figures, returned
from rnnlab.params import parse
from rnnlab.run import run
from tests.e2e.conftest import COUNT_RUNS_JS
from tests.e2e.test_layout_browser import open_at

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 768), "projector": (1920, 1080), "phone": (390, 844)}

PICTURE = "[...document.querySelectorAll('.js-plotly-plot')].find(e => e.layout.title.text.includes(' unrolled over '))"
ACTIVE_JS = f"() => {PICTURE}._fullLayout.sliders[0].active"
CHART = "(title) => [...document.querySelectorAll('.js-plotly-plot')].find(e => e.layout.title.text.includes(title))"
TITLES = {"states": "at every timestep", "gates": "gates at every step", "step": "every vector at"}
# What each chart under the picture shows now (as Plotly holds it, arrays decoded): the ringed values, the gates'
# titles and boxes, the grids and the written-out update.
SHOWN_JS = {
    "states": f"""() => ({CHART})('{TITLES["states"]}')._fullData.filter(t => t.name.endsWith('_t now'))
        .map(t => ({{x: Array.from(t.x), y: Array.from(t.y)}}))""",
    "gates": f"""() => {{ const el = ({CHART})('{TITLES["gates"]}');
        return {{texts: el.layout.annotations.map(a => a.text), boxes: el.layout.shapes.map(s => s.x0 + 0.5)}}; }}""",
    "step": f"""() => {{ const el = ({CHART})('{TITLES["step"]}');
        return {{title: el.layout.title.text, update: el.layout.annotations[0].text,
                 z: el._fullData.map(t => Array.from(t.z, row => Array.from(row, v => v ?? NaN)))}}; }}""",
}
QUERY = "play=true&return_state=true&timesteps=12&units=6&section={section}"


def active(page: Page) -> int:
    return page.evaluate(ACTIVE_JS)


def wait_active(page: Page, k: int) -> None:
    page.wait_for_function(f"(k) => ({ACTIVE_JS})() === k", arg=k)


def assert_follows(page: Page, section: str, result, k: int) -> None:
    """The section's chart shows step k, with the numbers of the run computed here."""
    part = result.parts[0]
    if section == "states":
        page.wait_for_function(f"(k) => ({SHOWN_JS['states']})()[0].x[0] === k", arg=k)
        shown = page.evaluate(SHOWN_JS["states"])
        for drawn, values in zip(shown, (part.trace.h, part.trace.c)):
            np.testing.assert_allclose(drawn["y"], values[0, k, :4], rtol=0, atol=1e-6)
        assert len(shown) == 2
    elif section == "gates":
        page.wait_for_function(f"(k) => ({SHOWN_JS['gates']})().boxes[0] === k", arg=k)
        shown = page.evaluate(SHOWN_JS["gates"])
        assert shown["boxes"] == [k] * 4
        for text, (gate, values) in zip(shown["texts"], part.trace.gates.items()):
            said = re.search(rf"t={k}, unit 0: (-?[0-9.]+)$", text)
            assert said and abs(float(said.group(1)) - values[0, k, 0]) <= 5e-4, (gate, text)
    else:
        page.wait_for_function(f"(k) => ({SHOWN_JS['step']})().title.includes('at t=' + k + ' ')", arg=k)
        shown = page.evaluate(SHOWN_JS["step"])
        grids = figures.step_grids(result, part, 0, k, 0)
        np.testing.assert_allclose(np.array(shown["z"][0], dtype=float), grids.values, rtol=0, atol=1e-6)
        np.testing.assert_allclose(np.array(shown["z"][1], dtype=float), grids.gates, rtol=0, atol=1e-6)
        assert f"= {part.trace.h[0, k, 0]:.4f}" in shown["update"]
    now = page.evaluate(f"() => {PICTURE}.data.find(t => t.name === 'now' && t.text).text.filter(Boolean)")
    assert now == [f"t={k}"]


@pytest.mark.parametrize("section", TITLES)
def test_play_step_and_keys_move_the_chart_under_the_picture_to_the_same_timestep(browser, server_url, section):
    query = QUERY.format(section=section)
    result = run(parse(query).config)
    page = open_at(browser, server_url, query, 1366, 768)
    page.evaluate(COUNT_RUNS_JS)
    assert_follows(page, section, result, 0)
    page.locator(".js-plotly-plot[tabindex='0']").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    wait_active(page, 3)
    assert_follows(page, section, result, 3)
    page.locator(".updatemenu-button").filter(has_text="step ▶").click()
    wait_active(page, 4)
    assert_follows(page, section, result, 4)
    page.locator(".updatemenu-button").filter(has_text="▶ 8×").click()
    wait_active(page, 11)
    assert_follows(page, section, result, 11)
    page.locator(".js-plotly-plot[tabindex='0']").focus()
    page.keyboard.press("ArrowLeft")
    wait_active(page, 10)
    assert_follows(page, section, result, 10)
    assert page.evaluate("() => window.rnnlabRuns") == 0, "moving the timestep ran the page's script again"


LABELS_JS = f"""() => {{ const el = {PICTURE};
    const now = el.data.find(t => t.name === 'now' && t.text);
    const labels = el.data.filter(t => t.name === 'labels').flatMap(t => t.x.map((x, i) => [x, t.y[i], t.text[i]]))
        .filter(([x, y, text]) => y === 0.05);
    return {{centre: (now.x[0] + now.x[1]) / 2, text: now.text.filter(Boolean), labels}}; }}"""


def test_every_timestep_of_twenty_can_be_made_current_and_is_boxed_over_its_own_column(browser, server_url):
    page = open_at(browser, server_url, "play=true&timesteps=20&return_sequences=true&units=4", 1366, 768)
    page.locator(".js-plotly-plot[tabindex='0']").focus()
    for k in range(20):
        wait_active(page, k)
        drawn = page.evaluate(LABELS_JS)
        under = [text for x, _, text in drawn["labels"] if abs(x - drawn["centre"]) < 1e-6]
        assert under == [f"x<sub>{k}</sub>"] and drawn["text"] == [f"t={k}"], (k, drawn)
        page.keyboard.press("ArrowRight")


ROWS_JS = f"""() => {{ const el = {PICTURE};
    const now = el.data.find(t => t.name === 'now' && t.text);
    const labels = el.data.filter(t => t.name === 'labels').flatMap(t => t.x.map((x, i) => [x, t.y[i], t.text[i]]))
        .filter(([x, y, text]) => y === 0.05);
    const rows = [];
    for (let i = 0; i + 1 < now.x.length && now.x[i] !== null; i += 6) rows.push((now.x[i] + now.x[i + 1]) / 2);
    return {{rows, text: now.text.filter(Boolean), labels}}; }}"""


def test_both_directions_of_a_long_bidirectional_layer_are_boxed_over_their_own_timestep(browser, server_url):
    """Forward reads k and backward T-1-k at step k: from the keyboard, every step shows both boxes, each over the
    column labelled with the timestep its direction reads (none on an ellipsis)."""
    query = "play=true&bidirectional=true&timesteps=20&return_sequences=true&units=4"
    result = run(parse(query).config)
    assert [p.reads_backwards for p in result.parts] == [False, True]
    page = open_at(browser, server_url, query, 1366, 768)
    page.locator(".js-plotly-plot[tabindex='0']").focus()
    for k in range(20):
        wait_active(page, k)
        drawn = page.evaluate(ROWS_JS)
        reads = [returned.column(result, part, k) for part in (0, 1)]  # the forward row (the bottom one) first
        for centre, t in zip(drawn["rows"], reads):
            under = [text for x, _, text in drawn["labels"] if abs(x - centre) < 1e-6]
            assert under == [f"x<sub>{t}</sub>"], (k, t, drawn)
        assert drawn["text"] == [f"t={t}" for t in reads], (k, drawn)
        page.keyboard.press("ArrowRight")


CONTROLS_JS = f"""() => {{ const el = {PICTURE};
    const box = e => {{ const r = e.getBoundingClientRect();
                        return {{left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent}}; }};
    return {{chart: box(el), buttons: [...el.querySelectorAll('.updatemenu-button')].map(box),
             labels: [...el.querySelectorAll('.slider-label, .slider-current-value')].map(box),
             durations: el.layout.updatemenus[1].buttons.map(b => b.args[1].frame.duration)}}; }}"""


@pytest.mark.parametrize("size, present, query", [("laptop", False, "timesteps=12"),
                                                  ("projector", False, "timesteps=12"),
                                                  ("projector", True, "timesteps=12"), ("phone", False, "timesteps=12"),
                                                  ("phone", False, "bidirectional=true&timesteps=20")])
def test_the_speeds_go_from_half_to_eight_times_and_no_button_covers_the_sliders_labels(browser, server_url, size,
                                                                                        present, query):
    """Every button inside the chart, clear of the slider's labels; on a phone too, where a Bidirectional
    layer's labels on both sides leave the cells the narrowest room."""
    page = open_at(browser, server_url, f"play=true&{query}" + "&present=true" * present, *SIZES[size])
    drawn = page.evaluate(CONTROLS_JS)
    assert [b["text"] for b in drawn["buttons"]][-5:] == ["▶ 0.5×", "▶ 1×", "▶ 2×", "▶ 4×", "▶ 8×"]
    assert drawn["durations"] == [1400, 700, 350, 175, 87]
    for button in drawn["buttons"]:
        assert drawn["chart"]["left"] <= button["left"] and button["right"] <= drawn["chart"]["right"], button
        for label in drawn["labels"]:
            apart = (button["right"] <= label["left"] or label["right"] <= button["left"]
                     or button["bottom"] <= label["top"] or label["bottom"] <= button["top"])
            assert apart, (button, label)
    page.locator(".updatemenu-button").filter(has_text="▶ 8×").click()
    wait_active(page, parse(query).config.timesteps - 1)
    expect(page.locator("[data-testid=stMain]")).not_to_contain_text("processing step")
