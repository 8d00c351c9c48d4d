"""The playground's first screen: what a newcomer sees before scrolling, at laptop, projector and phone size."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_layout_browser import PHONE, SLACK, open_at

pytestmark = pytest.mark.browser

PICTURE_JS = """() => {
    const el = [...document.querySelectorAll('.js-plotly-plot')].find(e => e.layout.title.text.includes('unrolled'));
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent}; };
    return {chart: box(el), colorbar: box(el.querySelector('.colorbar')),
            texts: [...el.querySelectorAll('.annotation-text, .textpoint text')].filter(t => t.textContent.trim())
                   .map(box)};
}"""


def picture(page: Page) -> dict:
    return page.evaluate(PICTURE_JS)


def test_a_laptops_first_screen_reaches_the_table_of_what_keras_returns(browser, server_url):
    page = open_at(browser, server_url, "", 1366, 768)
    table = page.locator(".st-key-shapes table").first.bounding_box()
    assert table and table["y"] < 768, table


@pytest.mark.parametrize("query", ["", "play=true", "play=true&present=true",
                                   "bidirectional=true&return_state=true&return_sequences=true&play=true"])
def test_a_projector_shows_the_picture_and_its_colour_bar_on_one_screen(browser, server_url, query):
    page = open_at(browser, server_url, query, 1920, 1080)
    drawn = picture(page)
    assert drawn["chart"]["top"] >= 0 and drawn["colorbar"]["bottom"] <= 1080, drawn["colorbar"]


@pytest.mark.parametrize("query", ["", "return_state=true", "bidirectional=true", "head=dense&head_units=2",
                                   "return_sequences=true", "head=time_distributed&return_sequences=true&head_units=3",
                                   "stateful=true&return_sequences=true&return_state=true"])
def test_on_a_phone_the_pictures_labels_are_whole_and_never_print_over_each_other(browser, server_url, query):
    page = open_at(browser, server_url, query, *PHONE)
    drawn = picture(page)
    texts = drawn["texts"]
    for text in texts:
        assert drawn["chart"]["left"] - SLACK <= text["left"] and text["right"] <= PHONE[0] + SLACK, text
    for k, one in enumerate(texts):
        for other in texts[k + 1:]:
            apart = (one["right"] <= other["left"] + SLACK or other["right"] <= one["left"] + SLACK
                     or one["bottom"] <= other["top"] + SLACK or other["bottom"] <= one["top"] + SLACK)
            assert apart, (one, other)


ACTIVE_JS = "() => document.querySelector('.js-plotly-plot[tabindex=\"0\"]')._fullLayout.sliders[0].active"
STOPPED_JS = """() => { const play = document.querySelector('.js-plotly-plot[tabindex="0"]')._transitionData;
    return !play._animationRaf && !play._frameQueue.length; }"""


def test_the_picture_plays_from_the_keyboard_as_the_page_says(browser, server_url):
    """Tab reaches the picture; the arrows step it, space plays and pauses it; the page says so."""
    page = open_at(browser, server_url, "play=true", 1366, 768)
    expect(page.locator("[data-testid=stMain]")).to_contain_text("space plays or pauses")
    chart = page.locator(".js-plotly-plot[tabindex='0']")
    expect(chart).to_have_count(1)
    chart.focus()
    assert page.evaluate("() => document.activeElement.classList.contains('js-plotly-plot')")
    for key, wanted in (("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1)):
        page.keyboard.press(key)
        page.wait_for_function(f"() => ({ACTIVE_JS})() === {wanted}")
    page.keyboard.press(" ")
    page.wait_for_function(f"() => ({ACTIVE_JS})() >= 3")  # playing on its own
    page.keyboard.press(" ")
    page.wait_for_function(STOPPED_JS)  # Plotly has no frame queued and none scheduled: nothing will move it
    paused = page.evaluate(ACTIVE_JS)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate(STOPPED_JS) and page.evaluate(ACTIVE_JS) == paused
