"""A teacher's classroom link in a real browser: chosen controls hidden or locked, answers kept for Reveal."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rnnlab import lessons
from rnnlab.classroom import Classroom, link
from tests.e2e.conftest import settle
from tests.e2e.test_playground_browser import SIZES, assert_no_exception, expected_rows, returned_rows, switch

pytestmark = pytest.mark.browser

SETTINGS = {"units": "8", "return_state": "true"}
ROOM = Classroom(hide=("return_state", "units"), lock=("return_sequences",), reveal=True)


def main_text(page: Page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def test_a_classroom_link_hides_and_locks_its_controls_and_keeps_the_answers_until_reveal(page, server_url,
                                                                                         artifacts):
    page.goto(link(server_url, "", SETTINGS, ROOM))
    settle(page, charts=False)
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_text("timesteps", exact=True)).to_be_visible()  # the controls are there ...
    expect(sidebar.get_by_text("units", exact=True)).to_have_count(0)  # ... but not the hidden ones
    expect(switch(page, "return_state")).to_have_count(0)
    expect(switch(page, "return_sequences")).to_be_disabled()

    expected = expected_rows("units=8&return_state=true")
    expect(page.get_by_text("Predict, then reveal")).to_be_visible()
    assert not any(shape in main_text(page) for _, shape in expected)
    expect(page.locator(".rnnlab-chart")).to_have_count(0)
    page.screenshot(path=artifacts / "classroom-before-reveal.png")

    page.get_by_label("Every shape returned, in order").fill(expected[0][1])
    page.get_by_role("button", name="Check").click()
    settle(page, charts=False)
    expect(page.locator("[data-testid=stAlertContentError]")).to_contain_text("different number of tensors")
    assert not any(shape in main_text(page) for _, shape in expected[1:])

    page.get_by_role("button", name="Reveal the answers").click()
    settle(page)
    # the table may come with the run after the one settle saw end (the page redraws once Keras has confirmed)
    expect(page.locator("[data-testid=stMain] table tbody tr")).to_have_count(len(expected))
    assert returned_rows(page) == expected
    expect(switch(page, "return_sequences")).to_be_disabled()
    assert_no_exception(page)
    page.screenshot(path=artifacts / "classroom-after-reveal.png")


def test_a_presenter_link_to_a_lesson_is_large_and_keeps_its_shapes_for_reveal(browser, server_url, artifacts):
    lesson = lessons.find("padding-and-masking")  # its text holds numbers from Keras that wait for Reveal
    width, height = SIZES["projector"]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(link(server_url, "lessons", {"lesson": lesson.slug}, Classroom(hide=("lesson",), reveal=True,
                                                                              present=True)))
    settle(page)
    expect(page.locator("[data-testid=stMain] h2").first).to_contain_text(lesson.title)
    expect(page.get_by_role("combobox", name="Lesson")).to_have_count(0)
    shapes = [str(s) for s in lessons.shapes_of(lesson.preset)]
    assert lessons.HIDDEN in main_text(page) and not any(s in main_text(page) for s in shapes)
    zoom = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stMain]')).zoom")
    assert float(zoom) > 1.2
    expect(page.locator("[data-testid=stSidebar]")).to_have_attribute("data-collapsed", "true")
    page.screenshot(path=artifacts / "classroom-presenter-lesson.png")
    page.get_by_role("button", name="Reveal the answers").click()
    settle(page)
    for shape in shapes:  # retried: the click's rerun may start after settle has looked
        expect(page.locator("[data-testid=stMain]")).to_contain_text(shape)
    page.close()
