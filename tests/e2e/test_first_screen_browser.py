"""The playground's first screen: what a newcomer sees before scrolling, at laptop, projector and phone size."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

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


@pytest.mark.parametrize("query", ["", "return_state=true", "bidirectional=true"])
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
