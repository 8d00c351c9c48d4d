"""The start-here tour in a real browser: from the playground's first screen to the first lesson, each step's
text shown above the picture and the part of the picture it names outlined there, at laptop, projector and phone
size."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rnnlab import lessons, tour
from tests.e2e.conftest import settle

pytestmark = pytest.mark.browser

SIZES = {"laptop": {"width": 1366, "height": 768}, "projector": {"width": 1920, "height": 1080},
         "phone": {"width": 390, "height": 844}}
# The tour's outlines in the picture, by name, and whether one is drawn on screen in the outline's colour
OUTLINES_JS = """() => {
    const el = [...document.querySelectorAll('.js-plotly-plot')].find(e => e.layout.title.text.includes('unrolled'));
    return {names: (el.layout.shapes || []).map(s => s.name || '').filter(n => n.startsWith('tour-')),
            drawn: [...el.querySelectorAll('.shapelayer path')].some(p => p.style.stroke === 'rgb(179, 89, 0)')};
}"""


@pytest.mark.parametrize("size", SIZES)
def test_the_tour_from_its_first_step_to_the_first_lesson(browser, server_url: str, artifacts, size: str):
    page: Page = browser.new_context(viewport=SIZES[size], has_touch=size == "phone").new_page()
    page.goto(f"{server_url}/")
    settle(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_role("button", name="Start here").click()  # beside the title, on the first screen
    expect(page).to_have_url(re.compile("[?&]tour=1(&|$)"))
    settle(page)
    for number, step in enumerate(tour.STEPS, 1):
        box = page.locator(".st-key-tour")
        expect(box.get_by_role("heading")).to_contain_text(f"step {number} of {len(tour.STEPS)}: {step.title}")
        expect(box).to_contain_text(step.text.replace("**", "").replace("`", "")[:60], use_inner_text=True)
        assert f"tour={number}" in page.url
        outlines = page.evaluate(OUTLINES_JS)
        assert outlines == ({"names": [f"tour-{step.region}"], "drawn": True} if step.region
                            else {"names": [], "drawn": False}), (number, outlines)
        page.screenshot(path=artifacts / f"tour-{number}-{size}.png")
        if step.flip:
            box.get_by_role("button", name=step.flip_label).click()
            for name, value in step.flip.items():  # the page has rerun with the setting flipped
                expect(page).to_have_url(re.compile(f"[?&]{name}={value}(&|$)"))
            settle(page)
            assert page.evaluate(OUTLINES_JS)["names"] == [f"tour-{step.region}"]  # the part stays outlined
        if number < len(tour.STEPS):
            page.locator(".st-key-tour").get_by_role("button", name="Next").click()
            expect(page).to_have_url(re.compile(f"[?&]tour={number + 1}(&|$)"))
            settle(page)
    first = lessons.all_lessons()[0]
    page.locator(".st-key-tour").get_by_role("link", name=f"Lesson {first.order}: {first.title}").click()
    settle(page, charts=bool(first.preset))
    expect(main.locator("h2").first).to_contain_text(first.title)
    page.context.close()


@pytest.mark.parametrize("layer", ["gru", "simple_rnn"])
def test_each_tour_step_speaks_of_the_layer_built_and_outlines_its_part(page: Page, server_url: str, artifacts,
                                                                        layer: str):
    """On a GRU or a SimpleRNN the tour speaks of h alone (no cell state c), each step outlining its part."""
    for number, step in enumerate(tour.steps(layer), 1):
        page.goto(f"{server_url}/?layer={layer}&tour={number}")
        settle(page)
        box = page.locator(".st-key-tour")
        expect(box.get_by_role("heading")).to_contain_text(f"step {number} of {len(tour.STEPS)}: {step.title}")
        expect(box).to_contain_text(step.text.replace("**", "").replace("`", "")[:90], use_inner_text=True)
        assert "h and c" not in box.inner_text()
        assert page.evaluate(OUTLINES_JS) == ({"names": [f"tour-{step.region}"], "drawn": True} if step.region
                                              else {"names": [], "drawn": False}), number
        page.screenshot(path=artifacts / f"tour-{layer}-{number}.png")
