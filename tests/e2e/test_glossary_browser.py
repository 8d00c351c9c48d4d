"""Terms explained where they stand, in a real browser: on every page that uses a glossary term, its definition
shows on hover (a laptop) and on a tap (a phone, where nothing hovers), and is hidden otherwise."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rnnlab.glossary import term_at
from tests.e2e.conftest import settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# page address, the term looked for on it, and what to do before it is on screen
PAGES = {
    "playground": ("/", "batch", None),
    "lesson": ("/lessons?lesson=units", "units", None),
    "quiz": ("/quiz?quiz_seed=7", "return_sequences", None),
    "doctor": ("/doctor", "batch", "Diagnose"),
    "train": ("/train", "batch", None),
}


def opened(page: Page, server_url: str, name: str):
    """The page, settled, and the term it is checked for, in its main area."""
    path, wanted, press = PAGES[name]
    page.goto(server_url + path)
    settle(page, charts=name in ("playground", "lesson"))
    if press:
        page.get_by_role("button", name=press).click()
        settle(page, charts=False)
        expect(page.locator("[data-testid=stMain] table").first).to_be_visible()
    term = term_at(wanted)
    marked = page.locator("[data-testid=stMain] .rl-term").filter(
        has=page.locator(".rl-def", has_text=f"{term.name}: ")).first
    return marked, term


@pytest.mark.parametrize("name", PAGES)
def test_hovering_a_term_shows_its_definition(page: Page, server_url: str, name: str):
    marked, term = opened(page, server_url, name)
    definition = marked.locator(".rl-def")
    expect(definition).to_be_hidden()
    marked.hover()
    expect(definition).to_be_visible()
    expect(definition).to_have_text(f"{term.name}: {term.definition}")
    page.mouse.move(0, 0)
    expect(definition).to_be_hidden()


@pytest.mark.parametrize("name", PAGES)
def test_tapping_a_term_on_a_phone_shows_its_definition_on_screen(browser, server_url: str, name: str, artifacts):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        marked, term = opened(page, server_url, name)
        definition = marked.locator(".rl-def")
        expect(definition).to_be_hidden()
        marked.scroll_into_view_if_needed()
        marked.tap()
        expect(definition).to_be_visible()
        expect(definition).to_have_text(f"{term.name}: {term.definition}")
        box = definition.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # whole, on screen
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
        page.screenshot(path=artifacts / f"glossary-{name}-phone.png")
    finally:
        context.close()
