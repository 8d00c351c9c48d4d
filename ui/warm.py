"""The web server's own warm-up: the modules the first page runs are imported on a thread of their own once the
server starts (app.py's lifespan), while the first browser loads Streamlit's scripts, not in that page's first run;
then the garbage collector is set for a server that lives long. Importing them starts nothing
(tests/unit/test_startup.py)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import AsyncIterator
from typing import Any


def import_first_page() -> None:
    """The playground's modules (pages/playground.py's imports), imported once. Then what the server holds so far
    is put out of the garbage collector's reach (`gc.freeze`: it lives as long as the server, and a full
    collection walked all of it, ~0.1 s with every other thread held, 18 times while 120 visitors explored), and
    young objects are collected every 20,000 allocations, not 700 (with a class exploring, 700 came every 14 ms)."""
    from ui import classroom_view, controls, panels, router, runs, tour_view  # noqa: F401

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


@contextlib.asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """The server's start: the first page's modules are imported beside it."""
    threading.Thread(target=import_first_page, name="first-page-imports", daemon=True).start()
    yield None
