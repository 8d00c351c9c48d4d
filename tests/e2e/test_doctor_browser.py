"""The shape doctor in a real browser: paste a learner's model (or assemble one with the controls), press Diagnose,
read the problem and the checked fix."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rnnlab import doctor
from rnnlab.doctor.examples import all_examples
from tests.e2e.conftest import SETTLE_MS

pytestmark = pytest.mark.browser


def wait_until_idle(page: Page) -> None:
    """The page has no charts to wait for: connected, and the script has finished."""
    app = "[data-testid=stApp]"
    page.wait_for_selector(f"{app}[data-test-connection-state=CONNECTED]", timeout=SETTLE_MS)
    page.wait_for_selector(f"{app}[data-test-script-state=notRunning]", timeout=SETTLE_MS)


def test_pasting_example_1_shows_the_problem_and_the_verified_fix(page: Page, server_url: str, settle, artifacts):
    example = all_examples()[0]
    expected = doctor.diagnose(example.code, example.x_shape, example.y_shape, example.loss)
    page.goto(f"{server_url}/doctor")
    wait_until_idle(page)
    main = page.locator("[data-testid=stMain]")
    expect(main.locator("h1").first).to_contain_text("Shape doctor")
    code = page.get_by_role("textbox", name="Your Keras model code (read, never run)")
    code.fill("")
    code.fill(example.code)  # pasted as a learner would
    page.get_by_role("textbox", name="X shape", exact=True).fill(example.x_shape)
    page.get_by_role("textbox", name="y shape (optional)").fill(example.y_shape)
    page.get_by_role("button", name="Diagnose").click()
    settle(page)  # the verdict is an error alert
    expect(main).to_contain_text("1 problem and 1 warning found.")
    expect(main).to_contain_text("2. The last layer returns a whole sequence")
    expect(main).to_contain_text("remove return_sequences=True from the LSTM on line 10")
    expect(main).to_contain_text(f"Checked with Keras: {expected.verification.summary}")
    expect(main.locator("[data-testid=stCode]").last).to_contain_text("model.add(keras.layers.LSTM(512))")
    expect(main.locator("table")).to_contain_text("(None, 45, 1)")
    assert "Traceback" not in main.inner_text()
    page.set_viewport_size({"width": 1366, "height": 3200})  # the main area scrolls inside its own container
    page.screenshot(path=artifacts / "doctor-example-1.png")


def test_on_a_phone_the_layer_table_fits_and_the_page_never_scrolls_sideways(browser, server_url: str, settle):
    example = all_examples()[0]
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{server_url}/doctor")
    wait_until_idle(page)
    code = page.get_by_role("textbox", name="Your Keras model code (read, never run)")
    code.fill(example.code)
    page.get_by_role("textbox", name="X shape", exact=True).fill(example.x_shape)
    page.get_by_role("textbox", name="y shape (optional)").fill(example.y_shape)
    page.get_by_role("button", name="Diagnose").click()
    settle(page)
    table = page.locator("[data-testid=stMain] table").first
    expect(table).to_contain_text("(None, 45, 1)")
    box = table.bounding_box()
    assert box and box["x"] + box["width"] <= 390, box
    main = page.locator("[data-testid=stMain]").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert main[0] <= main[1], main
    page.context.close()


def test_assembling_a_model_with_controls_diagnoses_the_code_it_shows(page: Page, server_url: str, settle, artifacts):
    page.goto(f"{server_url}/doctor")
    wait_until_idle(page)
    main = page.locator("[data-testid=stMain]")
    page.get_by_text("Assemble with controls").click()
    settle(page, charts=False)
    page.get_by_text("return_sequences", exact=True).click()
    settle(page, charts=False)
    page.get_by_role("combobox", name="head", exact=True).click()
    page.get_by_role("option", name="dense", exact=True).click()
    settle(page, charts=False)
    code = main.locator("[data-testid=stCode]").first
    expect(code).to_contain_text("prediction = keras.layers.Dense(1)(whole_seq)")
    expect(page.get_by_role("textbox", name="X shape", exact=True)).to_have_value("118,45,2")  # example 1's
    expect(page.get_by_role("textbox", name="y shape (optional)")).to_have_value("118,1")
    page.get_by_role("button", name="Diagnose").click()
    settle(page, charts=False)
    expect(main).to_contain_text("1 problem found.")
    expect(main).to_contain_text("1. The last layer returns a whole sequence")
    expect(main.locator("[data-testid=stCode]").last).to_contain_text("lstm = keras.layers.LSTM(64)")
    assert "Traceback" not in main.inner_text()
    page.screenshot(path=artifacts / "doctor-assemble.png")
