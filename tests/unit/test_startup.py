"""Process start-up has one place (ui/serve.py): importing the app's modules, or collecting the tests, starts no
worker process."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

CHECK = """
import importlib, multiprocessing, pkgutil
import ui
for module in pkgutil.iter_modules(ui.__path__):
    if module.name != "serve":
        importlib.import_module(f"ui.{module.name}")
from rnnlab import engine
from rnnlab.training import jobs  # noqa: F401
print(len(multiprocessing.active_children()), engine.running() is None, engine.started_lanes() == ())
"""


def test_importing_every_ui_module_starts_no_process():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["0", "True", "True"]


def test_collecting_the_tests_starts_no_process():
    done = subprocess.run([sys.executable, "-c", "import pytest, multiprocessing, sys;"
                           "code = pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', 'tests/app']);"
                           "print('children', len(multiprocessing.active_children()))"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert "children 0" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]


SERVER_START = """
import asyncio, multiprocessing, sys, threading
import app
from ui import warm
async def start():
    async with warm.lifespan(app.app):
        pass
asyncio.run(start())
[t.join(120) for t in threading.enumerate() if t.name == "first-page-imports"]
first_page = ("ui.router", "ui.panels", "ui.controls", "ui.tour_view", "ui.classroom_view", "ui.runs")
print(all(name in sys.modules for name in first_page), len(multiprocessing.active_children()))
"""


def test_the_server_imports_the_first_pages_modules_as_it_starts_and_starts_no_process():
    done = subprocess.run([sys.executable, "-c", SERVER_START], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "0"]


def test_the_web_server_takes_uvloop_for_its_event_loop():
    """Streamlit's uvicorn takes uvloop when it is installed (its default loop, "auto"): every element a page run
    sends wakes the loop, and uvloop does so without handing over the interpreter's lock (benchmarks/README.md)."""
    from uvicorn.loops.auto import auto_loop_factory

    loop = auto_loop_factory()()
    try:
        assert type(loop).__module__.split(".")[0] == "uvloop"
    finally:
        loop.close()
