"""The embed snippet in a real browser: built on the Classroom page, pasted into a plain HTML page served from
another address, and the playground working inside its frame."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Frame, FrameLocator, Page, expect

from tests.e2e.conftest import charts_fit, settle
from tests.e2e.test_playground_browser import expected_rows

pytestmark = pytest.mark.browser

SETTINGS = "units=8"
HIDDEN, LOCKED, OPEN = "units", "return_sequences", "return_state"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SITE_LINKS = ("Lessons", "Quiz", "Shape doctor", "Train", "Classroom")
TUTORIAL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A tutorial on Keras LSTMs</title>
<style>body {{ font: 18px/1.5 Georgia, serif; max-width: 860px; margin: 0 auto; padding: 1rem; color: #222; }}</style>
</head><body>
<h1>What does a Keras LSTM return?</h1>
<p>Try it below: flip <code>return_state</code> and watch what the layer returns.</p>
{snippet}
<p>The text of the tutorial goes on after the frame.</p>
</body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output stays readable
        pass


@pytest.fixture
def tutorial_host(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A plain static web server on another port of this machine (a tutorial's own site): (its folder, its
    address). It is reached as `localhost` while the app is at 127.0.0.1: another origin, and another site."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def multiselect(page: Page, label: str, option: str) -> None:
    """Pick one option of a Streamlit multiselect by typing it, as a keyboard user would."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def build_snippet(page: Page, server_url: str, artifacts: Path) -> str:
    """The Classroom page's embed builder, used as a tutorial author would; returns the snippet it shows."""
    page.goto(f"{server_url}/classroom")
    settle(page, charts=False)
    page.get_by_role("tab", name="Embed in a tutorial").click()
    tab = page.get_by_role("tabpanel", name="Embed in a tutorial")
    settings = tab.get_by_label("Playground settings: paste a playground link (or its query string)")
    settings.fill("http://[::1&units=oops&<img src=x>=1")  # garbage: clear notices, never a stack trace
    settings.press("Enter")
    settle(page, charts=False)
    expect(tab.locator("[data-testid=stAlert]").first).to_be_visible()
    expect(tab).to_contain_text("unknown parameter")
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    settings.fill(f"{server_url}/?{SETTINGS}&hide=lesson")
    settings.press("Enter")
    settle(page, charts=False)
    expect(tab.locator("[data-testid=stAlert]")).to_have_count(0)
    multiselect(page, "Hidden controls (they keep the link's values)", HIDDEN)
    settle(page, charts=False)
    multiselect(page, "Locked controls (shown, but cannot be changed)", LOCKED)
    settle(page, charts=False)
    code = tab.locator("[data-testid=stCode] code").last
    expect(code).to_contain_text(f"lock={LOCKED}")
    code.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "embed-builder-laptop-1366x768.png")
    snippet = code.text_content().strip()
    assert snippet.startswith("<iframe src=") and snippet.endswith("></iframe>")
    assert f"hide={HIDDEN}" in snippet and "embed=true" in snippet and "&amp;" in snippet
    return snippet


def open_tutorial(page: Page, address: str) -> tuple[FrameLocator, Frame]:
    """Open the tutorial page and wait until the playground in its frame has settled."""
    page.goto(address)
    handle = page.locator("iframe").element_handle()
    frame = handle.content_frame()
    assert frame is not None
    settle(frame)
    return page.frame_locator("iframe"), frame


def rows(frame: FrameLocator) -> list[tuple[str, str]]:
    table = frame.locator("[data-testid=stMain] table tbody tr")
    return [tuple(table.nth(i).locator("td").all_inner_texts()[:2]) for i in range(table.count())]


def test_the_snippet_shows_the_playground_in_a_tutorials_frame_compact_and_working(
        page, server_url, tutorial_host, artifacts):
    folder, host = tutorial_host
    snippet = build_snippet(page, server_url, artifacts)
    (folder / "index.html").write_text(TUTORIAL.format(snippet=snippet), encoding="utf-8")

    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.set_viewport_size(LAPTOP)
    frame, inner = open_tutorial(page, f"{host}/index.html")

    # the playground renders in the frame: the table of what Keras returns, and charts
    expect(frame.locator("[data-testid=stMain] table tbody tr")).to_have_count(len(expected_rows(SETTINGS)))
    assert rows(frame) == expected_rows(SETTINGS)
    expect(frame.locator(".rnnlab-chart").first).to_be_visible()
    # compact: no site navigation, no Streamlit toolbar; embed=true is not an unknown setting
    sidebar = frame.locator("[data-testid=stSidebar]")
    expect(frame.locator(".st-key-site-nav")).to_have_count(0)
    for name in SITE_LINKS:
        expect(frame.get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(frame.locator("[data-testid=stMainMenu]")).to_have_count(0)
    expect(frame.locator("[data-testid=stMain]")).not_to_contain_text("could not be used")
    # the link's classroom settings: the hidden control is gone, the locked one greyed out, the rest open
    expect(sidebar.get_by_text("timesteps", exact=True)).to_be_visible()
    expect(sidebar.get_by_text(HIDDEN, exact=True)).to_have_count(0)
    expect(sidebar.get_by_role("switch", name=LOCKED)).to_be_disabled()
    expect(sidebar.get_by_role("switch", name=OPEN)).to_be_enabled()
    page.screenshot(path=artifacts / "embed-tutorial-laptop-1366x768.png")

    # an open control works inside the frame: Keras now returns the states too
    sidebar.get_by_text(OPEN, exact=True).click()
    settle(inner)
    flipped = expected_rows(f"{SETTINGS}&{OPEN}=true")
    expect(frame.locator("[data-testid=stMain] table tbody tr")).to_have_count(len(flipped))
    assert rows(frame) == flipped
    # the app's own address rewriting kept embed=true (and the link's settings) in the frame's address
    query = urlsplit(inner.url).query
    assert "embed=true" in query and f"{OPEN}=true" in query and f"hide={HIDDEN}" in query
    expect(frame.locator(".st-key-site-nav")).to_have_count(0)
    expect(sidebar.get_by_role("switch", name=LOCKED)).to_be_disabled()
    expect(frame.locator("[data-testid=stException]")).to_have_count(0)

    # a phone: the frame is narrow, the sidebar starts closed and its button opens it
    page.set_viewport_size(PHONE)
    frame, inner = open_tutorial(page, f"{host}/index.html")
    expect(sidebar := frame.locator("[data-testid=stSidebar]")).to_have_attribute("data-collapsed", "true")
    page.screenshot(path=artifacts / "embed-tutorial-phone-390x844.png")
    frame.locator("[data-testid=stExpandSidebarButton]").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    expect(sidebar.get_by_role("switch", name=OPEN)).to_be_visible()
    expect(frame.locator(".st-key-site-nav")).to_have_count(0)
    inner.wait_for_function("""() => {  // the sidebar has finished sliding in, its left edge at the frame's
        const box = document.querySelector('[data-testid=stSidebar]').getBoundingClientRect();
        return Math.abs(box.left) < 1 && box.width > 200;
    }""")
    charts_fit(inner)
    page.screenshot(path=artifacts / "embed-tutorial-phone-390x844-controls.png")

    # everything the tutorial page and its frame asked for came from the two local servers
    hosts = {urlsplit(url).netloc for url in asked if not url.startswith(("data:", "blob:", "about:"))}
    assert hosts <= {urlsplit(host).netloc, urlsplit(server_url).netloc}, hosts
    assert not errors
