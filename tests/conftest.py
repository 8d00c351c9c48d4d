"""Shared test set-up: the project root on sys.path and Keras imported once per test process."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402,F401  (loaded once here, so no single test pays for it)


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
