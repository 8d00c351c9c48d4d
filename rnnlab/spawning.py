"""Starting a worker process: forked from one fork server that has imported TensorFlow, and importing nothing of
its caller's.

Every worker of every engine is forked from one fork server (multiprocessing's "forkserver" start method), a
process started by the web server that imports TensorFlow, Keras and the tasks' modules once (`rnnlab.zygote`)
and runs nothing itself. A worker therefore starts warm in a fraction of a second, and shares those pages with
the fork server and the other workers. TensorFlow is never forked once it runs: only the fork server is forked,
and it never runs an operation.

Python's "spawn" and "forkserver" start methods import the parent's `__main__` again in the child (as
`__mp_main__`), so that functions defined there can be found. Under Streamlit, `__main__` is the page script
being run, app.py: a worker started from a page would import the app, its pages and Streamlit, and start an
engine of its own.
While a process starts inside `bare_main()`, `__main__` is an empty module: the child imports only the module
of the function it runs.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import forkserver
from typing import Any

_LOCK = threading.Lock()
ZYGOTE = "rnnlab.zygote"  # the module the fork server imports (only the fork server imports it)
NICE_VARIABLE = "RNNLAB_ZYGOTE_NICE"  # rnnlab.zygote's: the priority steps it takes before importing TensorFlow
WORKER_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "OPENBLAS_NUM_THREADS": "1"}  # TensorFlow quiet, one BLAS thread


def quiet_environment() -> None:
    """WORKER_ENVIRONMENT's defaults in this process: before NumPy and TensorFlow are imported, they take effect."""
    for name, value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


@functools.cache
def context(nice: int) -> Any:
    """The multiprocessing context every worker is started with. The first call starts its fork server, `nice`
    steps below this process's priority (one per process: later calls share it), which imports TensorFlow while
    this process goes on; a worker's start waits for that import once."""
    forking = multiprocessing.get_context("forkserver")
    forking.set_forkserver_preload([ZYGOTE])
    os.environ[NICE_VARIABLE] = str(nice)  # read (and removed) by the fork server alone
    forkserver.ensure_running()
    return forking


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
