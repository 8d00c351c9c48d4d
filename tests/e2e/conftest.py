"""Real-browser fixtures: the app served by Streamlit on a free port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from benchmarks.server import StreamlitServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SERVER_LOG = ARTIFACTS / "streamlit-server.log"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
SERVER_START_S = 120
# The first run in a fresh server imports TensorFlow and builds a Keras model: allow for it.
SETTLE_MS = 90_000

expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/: screenshots and the server log."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def server_url(artifacts: Path):
    """A real `streamlit run app.py` from the repository root; yields its base URL."""
    with StreamlitServer(log_path=SERVER_LOG) as server:
        try:
            server.wait_healthy(timeout=SERVER_START_S)
        except (RuntimeError, TimeoutError) as err:
            pytest.fail(f"the app server did not start ({SERVER_LOG}): {err}")
        yield server.url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests drive Debian's chromium. "
                    "`make test` installs it (apt-get install chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Page:
    """A fresh browser context and page per test, at laptop size."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def settle(page: Page, timeout: int = SETTLE_MS, charts: bool = True) -> None:
    """Wait until the script has finished and every chart is drawn (no skeletons, no stale elements), or
    Keras's refusal is shown, and the page shows Keras's own numbers (not an answer from the NumPy trace that
    Keras has yet to confirm, which redraws the page); charts=False: for a page that may have no chart at all."""
    app = "[data-testid=stApp]"
    page.wait_for_selector(f"{app}[data-test-connection-state=CONNECTED]", timeout=timeout)
    page.wait_for_selector(f"{app}[data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_function(
        """(wanted) => {
            const charts = [...document.querySelectorAll('.rnnlab-chart')];
            const refused = document.querySelector('[data-testid=stAlertContentError]');  // no charts then
            return (charts.length > 0 || refused || !wanted)
                && charts.every(c => c.data && !c.dataset.drawing)
                && !document.querySelector('[data-testid=stSkeleton]')
                && !document.querySelector('[data-stale=true]')
                && !(document.querySelector('[data-testid=stMain]')?.innerText ?? '')
                    .includes('values are the NumPy recomputation');
        }""",
        arg=charts,
        timeout=timeout,
    )


# Every chart is drawn at its box's width: what chart.js's ResizeObserver asks Plotly for (a hidden chart, in a closed
# tab or expander, is drawn when shown), with no resize still pending in Plotly (it waits 100 ms for more).
CHARTS_FIT_JS = """() => [...document.querySelectorAll('.rnnlab-chart')].every(chart => !chart.clientWidth
    || (chart._fullLayout && !chart.dataset.drawing && !chart._resolveResize
        && Math.abs(chart.clientWidth - chart._fullLayout.width) <= 1))"""
# No transition or animation with an end (a sidebar sliding in) still running; spinners run for ever.
STILL_JS = """() => document.getAnimations().every(a => a.playState !== 'running'
    || a.effect.getComputedTiming().endTime === Infinity)"""
# Every image the page shows has loaded or failed and every font it uses has loaded: all it fetches was asked.
FETCHED_JS = "() => [...document.images].every(image => image.complete) && document.fonts.status === 'loaded'"
# From now on, count the page's finished script runs (a rerun, or a fragment's poll) in window.rnnlabRuns.
COUNT_RUNS_JS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    window.rnnlabRuns = 0;
    new MutationObserver(() => { if (app.dataset.testScriptState === 'notRunning') window.rnnlabRuns += 1; })
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def charts_fit(page) -> None:
    """Wait until every chart of the page (or frame) is drawn at its box's width, and nothing is still sliding."""
    page.wait_for_function(CHARTS_FIT_JS)
    page.wait_for_function(STILL_JS)


def resized(page: Page, width: int, height: int) -> None:
    """Give the page that viewport, and wait until it is laid out at that width with every chart redrawn."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("(width) => window.innerWidth === width", arg=width)
    charts_fit(page)


def fetched(page: Page) -> None:
    """Wait until everything the page would fetch for what it shows (images, fonts) has been asked for."""
    page.wait_for_function(FETCHED_JS)


def polled(*pages: Page, runs: int = 2) -> None:
    """Wait until each page has finished `runs` more script runs (its own polls included), then fetched what they
    show."""
    for page in pages:
        page.evaluate(COUNT_RUNS_JS)
    for page in pages:
        page.wait_for_function("(runs) => window.rnnlabRuns >= runs", arg=runs)
        fetched(page)


@pytest.fixture(name="settle")
def settle_fixture():
    """The settle helper, for waiting after an interaction."""
    return settle


@pytest.fixture
def open_app(page: Page, server_url: str):
    """Open the app with a query string (as a shared link would) and wait until it has settled."""

    def open_(query: str = "") -> Page:
        page.goto(f"{server_url}/?{query}" if query else f"{server_url}/")
        settle(page)
        return page

    return open_
