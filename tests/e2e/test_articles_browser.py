"""The articles' page in a real browser: every example opens with its code, Keras's verdict and the claims
checked, at laptop, projector and phone sizes; its doctor link opens the doctor with the diagnosis."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rnnlab.articles import EXAMPLES
from tests.e2e.conftest import SETTLE_MS

pytestmark = pytest.mark.browser

SIZES = {"laptop-1366x768": (1366, 768), "projector-1920x1080": (1920, 1080), "phone-390x844": (390, 844)}


def wait_until_idle(page: Page) -> None:
    app = "[data-testid=stApp]"
    page.wait_for_selector(f"{app}[data-test-connection-state=CONNECTED]", timeout=SETTLE_MS)
    page.wait_for_selector(f"{app}[data-test-script-state=notRunning]", timeout=SETTLE_MS)


def open_example(page: Page, server_url: str, example_id: str) -> None:
    page.goto(f"{server_url}/articles?example={example_id}")
    wait_until_idle(page)
    expect(page.locator("[data-testid=stMain]")).to_contain_text("Corrected for Keras 3", timeout=SETTLE_MS)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_each_example_shows_its_code_keras_verdict_and_claims(page: Page, server_url: str, example):
    open_example(page, server_url, example.id)
    main = page.locator("[data-testid=stMain]")
    expect(main.locator("h2").first).to_contain_text(example.shown_title.rstrip("."))
    expect(main).to_contain_text("runs as written" if example.fix is None else "does not run as written")
    expect(main).to_contain_text("What the article says, checked")
    expect(main.locator("[data-testid=stCode]").first).to_contain_text(example.code.splitlines()[-2].strip()[:40])
    assert "did not come out as the page says" not in main.inner_text()
    assert "Traceback" not in main.inner_text()


def test_screenshots_at_three_sizes(page: Page, server_url: str, artifacts):
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        open_example(page, server_url, "shape-3")
        page.screenshot(path=artifacts / f"articles-shape-3-{name}.png")
        page.set_viewport_size({"width": width, "height": 5200})  # the main area scrolls inside itself
        page.screenshot(path=artifacts / f"articles-shape-3-{name}-full.png")
    page.set_viewport_size({"width": 1366, "height": 5200})
    for example_id in ("steps-1", "steps-3"):
        open_example(page, server_url, example_id)
        page.screenshot(path=artifacts / f"articles-{example_id}-laptop-full.png")


def test_the_doctor_link_opens_the_doctor_with_the_diagnosis(page: Page, server_url: str, artifacts):
    open_example(page, server_url, "shape-2")
    page.get_by_role("button", name="Shape doctor: this model with one target per sample").click()
    wait_until_idle(page)
    main = page.locator("[data-testid=stMain]")
    expect(main.locator("h1").first).to_contain_text("Shape doctor", timeout=SETTLE_MS)
    expect(page.get_by_role("textbox", name="y shape (optional)")).to_have_value("32,1", timeout=SETTLE_MS)
    code = page.get_by_role("textbox", name="Your Keras model code (read, never run)")
    expect(code).to_have_value(re.compile(rf"\s*{re.escape(EXAMPLES[1].code.strip())}\s*"), timeout=SETTLE_MS)
    expect(main.locator("[data-testid=stAlert]").first).to_be_visible(timeout=SETTLE_MS)  # the diagnosis, asked
    page.screenshot(path=artifacts / "articles-to-doctor.png")


def test_next_leads_through_the_examples_in_turn(page: Page, server_url: str):
    open_example(page, server_url, "shape-1")
    page.get_by_role("link", name="Next: Article 1, example 2").click()
    wait_until_idle(page)
    main = page.locator("[data-testid=stMain]")
    expect(main.locator("h2").first).to_contain_text(EXAMPLES[1].shown_title.rstrip("."), timeout=SETTLE_MS)
    expect(main).to_contain_text("Corrected for Keras 3", timeout=SETTLE_MS)
    assert "example=shape-2" in page.url
