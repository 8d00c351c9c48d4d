"""Real-browser fixtures: the app served by Streamlit on a free port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(lines: int = 30) -> str:
    text = SERVER_LOG.read_text(errors="replace") if SERVER_LOG.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Streamlit exited with status {process.returncode}; log ({SERVER_LOG}):\n{_log_tail()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"Streamlit did not answer {url}/_stcore/health within {SERVER_START_S} s; log:\n{_log_tail()}")


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's whole process group, killing it if it does not stop in time."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait_s)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/: screenshots and the server log."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def server_url(artifacts: Path):
    """A real `streamlit run app.py` from the repository root; yields its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "127.0.0.1"]
    with open(SERVER_LOG, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, process)
            yield url
        finally:
            _stop(process)


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


def settle(page: Page, timeout: int = SETTLE_MS) -> None:
    """Wait until the script has finished and every chart is drawn (no skeletons, no stale elements)."""
    app = "[data-testid=stApp]"
    page.wait_for_selector(f"{app}[data-test-connection-state=CONNECTED]", timeout=timeout)
    page.wait_for_selector(f"{app}[data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_function(
        """() => {
            const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
            return charts.length > 0
                && charts.every(c => c.querySelector('.js-plotly-plot')?.data)
                && !document.querySelector('[data-testid=stSkeleton]')
                && !document.querySelector('[data-stale=true]');
        }""",
        timeout=timeout,
    )


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
