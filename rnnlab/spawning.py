"""Starting a worker process that imports nothing of its caller's.

Python's "spawn" start method imports the parent's `__main__` again in the child (as `__mp_main__`), so that
functions defined there can be found. Under Streamlit, `__main__` is the page script being run, app.py: a
worker started from a page would import the app, its pages and Streamlit, and start an engine of its own.
While a process starts inside `bare_main()`, `__main__` is an empty module: the child imports only the module
of the function it runs.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()


@contextmanager
def bare_main() -> Iterator[None]:
    """`__main__` is an empty module until the block ends (processes started in it import no page)."""
    with _LOCK:
        main = sys.modules.get("__main__")
        placeholder = sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if sys.modules.get("__main__") is placeholder:  # unless a page run has installed its own since
                if main is None:
                    del sys.modules["__main__"]
                else:
                    sys.modules["__main__"] = main
