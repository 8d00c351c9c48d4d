"""Lesson links in a real browser, including the first visit to a fresh server by a lesson's own address."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from benchmarks.server import StreamlitServer
from rnnlab import lessons, tour
from tests.e2e.conftest import settle

pytestmark = pytest.mark.browser


def test_a_lesson_link_to_a_fresh_server_opens_the_lesson_in_the_app(browser, artifacts):
    lesson = lessons.all_lessons()[2]
    with StreamlitServer(log_path=artifacts / "streamlit-lessons-server.log") as server:
        server.wait_healthy(timeout=120)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{server.url}/lessons?lesson={lesson.slug}")
        settle(page)
        nav = page.locator("[data-testid=stSidebar] .st-key-site-nav")
        expect(nav).to_contain_text("Playground")
        expect(nav).to_contain_text("Lessons")
        expect(page.locator("[data-testid=stMain] h2").first).to_contain_text(lesson.title)
        expect(page.locator("[data-testid=stMain] [data-testid=stForm]")).to_have_count(len(lesson.questions))
        with page.context.expect_page() as opened:  # beside the lesson, in a tab of its own
            page.get_by_role("link", name="Open this in the playground").click()
        playground = opened.value
        settle(playground)
        expect(playground.locator("[data-testid=stMain] h1").first).to_contain_text("What does a Keras LSTM return?")
        playground.screenshot(path=artifacts / "lesson-then-playground.png")
        playground.close()
        page.close()


SIZES = {"laptop": {"width": 1366, "height": 768}, "projector": {"width": 1920, "height": 1080}}


@pytest.mark.parametrize("size", SIZES)
def test_every_lesson_reads_whole_at_laptop_and_projector_size(browser, server_url, artifacts, size):
    """Each lesson's text, snippets and questions on screen, with no error; a full-page screenshot of each."""
    page = browser.new_page(viewport=SIZES[size])
    for lesson in lessons.all_lessons():
        page.goto(f"{server_url}/lessons?lesson={lesson.slug}")
        settle(page, charts=bool(lesson.preset))  # a lesson taught by its snippets has no charts
        main = page.locator("[data-testid=stMain]")
        expect(main.locator("h2").first).to_contain_text(lesson.title)
        expect(main.locator("[data-testid=stException]")).to_have_count(0)
        expect(main.locator("[data-testid=stForm]")).to_have_count(len(lesson.questions))
        assert "{{" not in main.inner_text()
        page.screenshot(path=artifacts / f"lesson-{lesson.order:02d}-{lesson.slug}-{size}.png", full_page=True)
    page.close()


def test_a_question_answered_by_choosing_is_graded_in_the_browser(browser, server_url):
    lesson = lessons.find("padding-and-masking")
    page = browser.new_page(viewport=SIZES["laptop"])
    page.goto(f"{server_url}/lessons?lesson={lesson.slug}")
    settle(page)
    main = page.locator("[data-testid=stMain]")
    form = main.locator("[data-testid=stForm]").nth(1)  # the output at a padded step, padded at the end
    form.get_by_text("Zeros", exact=True).click()
    form.get_by_role("button", name="Check").click()
    settle(page)
    hint = lessons.grade_question(lesson, lesson.questions[1], "zeros", tell=False)[1]  # before the answer is shown
    expect(main.locator("[data-testid=stAlertContentError]")).to_contain_text(hint)
    assert "repeat" not in hint.lower()
    page.close()


def test_next_and_previous_lead_to_the_neighbouring_lessons_in_the_browser(browser, server_url):
    """Clicking Next at a lesson's foot opens the next lesson (its address too); Previous at its top comes back."""
    first, second = lessons.all_lessons()[:2]
    page = browser.new_page(viewport=SIZES["laptop"])
    page.goto(f"{server_url}/lessons?lesson={first.slug}")
    settle(page, charts=bool(first.preset))
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_role("link", name="Previous:")).to_have_count(0)  # the first lesson has none
    main.get_by_role("link", name=f"Next: {second.order}. {second.title}").last.click()
    settle(page, charts=bool(second.preset))
    expect(main.locator("h2").first).to_contain_text(second.title)
    assert f"lesson={second.slug}" in page.url
    main.get_by_role("link", name=f"Previous: {first.order}. {first.title}").first.click()
    settle(page, charts=bool(first.preset))
    expect(main.locator("h2").first).to_contain_text(first.title)
    assert f"lesson={first.slug}" in page.url
    page.close()


# The outlines drawn in the playground's picture, by name, and whether one is on screen in the outline's colour
OUTLINES_JS = """() => {
    const el = [...document.querySelectorAll('.js-plotly-plot')].find(e => e.layout.title.text.includes('unrolled'));
    return {names: (el.layout.shapes || []).map(s => s.name || '').filter(n => n.startsWith('tour-')),
            drawn: [...el.querySelectorAll('.shapelayer path')].some(p => p.style.stroke === 'rgb(179, 89, 0)')};
}"""


@pytest.mark.parametrize("slug", ["the-input", "return-sequences", "return-state"])
def test_a_lesson_opens_the_playground_beside_it_with_the_part_it_is_about_outlined(browser, server_url, artifacts,
                                                                                    slug):
    """The lesson's link opens the playground in a tab of its own (the lesson stays open beside it) with the
    lesson's model and, outlined in the picture, the part the lesson names; the outline can be taken off."""
    lesson = lessons.find(slug)
    context = browser.new_context(viewport=SIZES["laptop"])
    page = context.new_page()
    page.goto(f"{server_url}/lessons?lesson={slug}")
    settle(page)
    with context.expect_page() as opened:
        page.locator("[data-testid=stMain]").get_by_role("link", name="Open this in the playground").click()
    playground = opened.value
    settle(playground)
    assert f"focus={lesson.region}" in playground.url
    assert playground.evaluate(OUTLINES_JS) == {"names": [f"tour-{lesson.region}"], "drawn": True}
    expect(playground.locator("[data-testid=stMain]")).to_contain_text(f"Outlined in the picture: "
                                                                       f"{tour.REGIONS[lesson.region]}")
    playground.screenshot(path=artifacts / f"lesson-{slug}-outlined.png")
    assert f"lesson={slug}" in page.url  # the lesson is still there, beside it
    expect(page.locator("[data-testid=stMain] h2").first).to_contain_text(lesson.title)
    playground.get_by_role("button", name="Hide the outline").click()
    expect(playground).not_to_have_url(re.compile("focus="))  # the page has rerun without the outline
    settle(playground)
    assert playground.evaluate(OUTLINES_JS) == {"names": [], "drawn": False} and "focus=" not in playground.url
    context.close()
