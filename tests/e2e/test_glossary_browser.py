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
    "articles": ("/articles?example=shape-3", "state_h", None),
    "classroom link": ("/?reveal=true", "Dense head", None),  # the playground waiting for Reveal
}


# What the page draws after a term: its definition while it is hovered, focused or tapped, "none" otherwise
SHOWN_JS = """el => { const after = getComputedStyle(el, '::after');
    return {content: after.content, display: after.display, position: after.position, left: after.left,
            right: after.right, bottom: after.bottom}; }"""


def opened(page: Page, server_url: str, name: str):
    """The page, settled, and the first mark of the term it is checked for, in its main area."""
    path, wanted, press = PAGES[name]
    page.goto(server_url + path)
    settle(page, charts=name in ("playground", "lesson"))
    if press:
        page.get_by_role("button", name=press).click()
        settle(page, charts=False)
        expect(page.locator("[data-testid=stMain] table").first).to_be_visible()
    term = term_at(wanted)
    described = f"{term.name}: {term.definition}"
    marked = page.locator(f'[data-testid=stMain] .rl-term[aria-description="{described}"]').first
    expect(marked).to_be_visible()
    return marked, f'"{described}"'


@pytest.mark.parametrize("name", PAGES)
def test_hovering_a_term_shows_its_definition(page: Page, server_url: str, name: str):
    marked, definition = opened(page, server_url, name)
    assert marked.evaluate(SHOWN_JS)["content"] == "none"
    marked.hover()
    shown = marked.evaluate(SHOWN_JS)
    assert shown["content"] == definition and shown["display"] == "block", shown
    page.mouse.move(0, 0)
    assert marked.evaluate(SHOWN_JS)["content"] == "none"


@pytest.mark.parametrize("name", PAGES)
def test_tapping_a_term_on_a_phone_shows_its_definition_across_the_foot_of_the_screen(browser, server_url: str,
                                                                                      name: str, artifacts):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        marked, definition = opened(page, server_url, name)
        assert marked.evaluate(SHOWN_JS)["content"] == "none"
        marked.scroll_into_view_if_needed()
        marked.tap()
        shown = marked.evaluate(SHOWN_JS)
        assert shown["content"] == definition, shown
        # across the screen's foot, the same margin on three sides: whole on screen whatever the term's place
        assert shown["position"] == "fixed" and shown["left"] == shown["right"] == shown["bottom"], shown
        assert 0 < float(shown["left"].removesuffix("px")) < 20, shown
        page.screenshot(path=artifacts / f"glossary-{name}-phone.png")
    finally:
        context.close()


# The help of a widget (the tooltip of its "?" icon) as the page shows it
HELP_JS = """() => document.querySelector('[data-testid=stTooltipContent]')?.innerText || ''"""


def test_a_widgets_help_gives_the_definitions_of_the_terms_it_uses(page: Page, server_url: str):
    """The sidebar's return_state switch: its help, then what state_h and state_c are, from the glossary."""
    page.goto(server_url + "/")
    settle(page)
    switch = page.locator("[data-testid=stSidebar] .st-key-return_state")
    switch.locator("[data-testid=stTooltipHoverTarget]").first.hover()
    expect(page.locator("[data-testid=stTooltipContent]")).to_be_visible()
    shown = page.evaluate(HELP_JS)
    for name in ("state_h", "state_c"):
        assert f"{name}: {term_at(name).definition}" in shown, shown
    assert "return_state:" not in shown  # its own help is the definition already
