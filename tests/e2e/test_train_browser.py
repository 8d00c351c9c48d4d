"""The Train page in a real browser: a training's progress bar moves, its loss curve grows, its results appear."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

MODEL = "units=16&timesteps=8&features=1&return_sequences=true&head=dense"
# Every point of the loss chart: {title, points of each trace}.
LOSS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(el => el.layout.title.text.startsWith('loss'))
    .map(el => el.data.map(t => (t.x && (t.x.length ?? t.x._inputArray?.length)) || 0))"""
PROGRESS = "[data-testid=stProgress] [role=progressbar]"
EPOCHS = 40  # long enough (a few seconds) for the page's half-second progress polls to show the bar moving


def progress_value(page: Page) -> float:
    bar = page.locator(PROGRESS).first
    return float(bar.get_attribute("aria-valuenow") or 0)


def test_training_moves_the_progress_bar_and_draws_the_loss_curve(page: Page, server_url: str, settle, artifacts):
    page.goto(f"{server_url}/train?{MODEL}&seed=4242&task=echo&epochs={EPOCHS}&samples=256")
    settle(page)
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text("(256, 8, 1)").first).to_be_visible()
    main.get_by_role("button", name="Train", exact=True).click()
    seen, deadline = set(), time.monotonic() + 180
    while not main.get_by_text("After training").count():
        assert time.monotonic() < deadline, f"no results; progress seen {sorted(seen)}"
        if page.locator(PROGRESS).count():
            seen.add(progress_value(page))
        time.sleep(0.2)
    assert len({v for v in seen if 0 < v < 100}) >= 2, f"the bar did not move: {sorted(seen)}"
    settle(page)
    points = page.evaluate(LOSS_JS)
    assert points and points[0][0] == points[0][1] == EPOCHS  # training and validation loss, every epoch
    expect(main.get_by_text(re.compile(r"^Learned|^Not learned"))).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    page.set_viewport_size({"width": 1366, "height": 3200})  # the main area scrolls inside its own container
    page.screenshot(path=artifacts / "train-after.png")


LIVE_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(el => el.layout.title.text.startsWith('validation sample 0'))
    .flatMap(el => el.data.filter(t => t.name.startsWith('after epoch')).map(t => [t.name, Array.from(t.y._inputArray ?? t.y)]))"""


def test_the_predictions_move_while_it_trains(page: Page, server_url: str, settle, artifacts):
    """Between two epochs of a running training, the page shows the model's new predictions."""
    page.goto(f"{server_url}/train?{MODEL}&seed=4747&task=echo&epochs={EPOCHS}&samples=512")
    settle(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_role("button", name="Train", exact=True).click()
    seen, deadline = {}, time.monotonic() + 180
    while len(seen) < 2 and not main.get_by_text("After training").count():
        assert time.monotonic() < deadline, "no predictions while training"
        for name, values in page.evaluate(LIVE_JS):
            seen[name] = values
        time.sleep(0.1)
    assert len(seen) >= 2, f"predictions seen only for {sorted(seen)}"
    first, second = list(seen.values())[:2]
    assert len(first) == len(second) == 8 and first != second
    page.screenshot(path=artifacts / "train-while-training.png")


def test_a_task_that_needs_three_targets_offers_the_fix(page: Page, server_url: str, settle):
    page.goto(f"{server_url}/train?{MODEL}&seed=4343")
    settle(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_role("combobox", name="task").click()
    page.get_by_role("option", name=re.compile("^multi")).click()
    settle(page)
    expect(main.get_by_role("button", name="Train", exact=True)).to_be_disabled()
    main.get_by_role("button", name=re.compile("^Fix it: head_units=3")).click()
    settle(page)
    expect(main.get_by_role("button", name="Train", exact=True)).to_be_enabled()
    assert "head_units=3" in page.url and "task=multi" in page.url
    assert page.locator("[data-testid=stException]").count() == 0


def test_a_second_tab_of_the_same_browser_is_told_its_training_runs_in_the_first(page: Page, server_url: str,
                                                                                  settle):
    """One person's tabs share one training; another browser trains at once."""
    page.goto(f"{server_url}/train?{MODEL}&seed=4545&task=echo&epochs=50&samples=1024")  # some 20 s
    settle(page)
    page.locator("[data-testid=stMain]").get_by_role("button", name="Train", exact=True).click()
    expect(page.locator(PROGRESS).first).to_be_visible()
    second = page.context.new_page()  # another tab: the same browser, the same cookie
    second.goto(f"{server_url}/train?{MODEL}&seed=4646&task=echo&epochs=2")
    settle(second)
    main = second.locator("[data-testid=stMain]")
    main.get_by_role("button", name="Train", exact=True).click()
    expect(main.get_by_text(re.compile("A training you started in another tab of this browser is still"))) \
        .to_be_visible()
    other = page.context.browser.new_context().new_page()  # another person
    other.goto(f"{server_url}/train?{MODEL}&seed=4646&task=echo&epochs=2")
    settle(other)
    other.locator("[data-testid=stMain]").get_by_role("button", name="Train", exact=True).click()
    expect(other.get_by_text(re.compile("training ahead of yours|^epoch "))).to_be_visible()
    second.close()
    page.close()  # the first browser's tabs are closed: its training stops, nobody watching it
    expect(other.locator("[data-testid=stMain]").get_by_text("After training", exact=True)).to_be_visible(timeout=120_000)
    other.context.close()
