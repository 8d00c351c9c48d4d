"""Shared test set-up: the project root on sys.path and Keras imported once per test process."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402,F401  (loaded once here, so no single test pays for it)


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """`python -m rnnlab *argv` in this process -> (exit status, stdout, stderr); argparse's exits included."""
    import contextlib
    import io

    from rnnlab.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse: usage and one line of error
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


# A real redis-server for the live class tests (tests/redis_server.py): fails, never skips, when it is missing.
import pytest  # noqa: E402

from tests.redis_server import RedisServer  # noqa: E402


@pytest.fixture(scope="session")
def redis_url():
    """The address of one redis-server shared by the whole test session (tests flush it or use their own codes)."""
    with RedisServer() as server:
        yield server.url


@pytest.fixture
def redis_server():
    """A redis-server of this test alone, to stop and restart (server.stop(), .start(), .restart(save=True))."""
    with RedisServer() as server:
        yield server
