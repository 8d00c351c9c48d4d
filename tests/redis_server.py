"""A real redis-server for the tests (Debian's, installed by `make test`), on a free port, saving nothing.

    server = RedisServer()      # started: server.url == "redis://127.0.0.1:<port>/0"
    server.stop()               # gone: connections are refused ("Redis unavailable")
    server.start()              # back on the same port (empty, unless stopped with save=True)
    server.close()              # stopped for good, its folder removed

stop(save=True) asks Redis to write its data to its folder first (SAVE), and start() reads it back:
a restart that loses nothing.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

START_S = 10.0  # the most a start may take before the tests fail


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_path() -> str:
    """redis-server's path; fails the test (never skips it) when it is not installed."""
    found = shutil.which("redis-server")
    if found is None:
        pytest.fail("redis-server is not installed (not on PATH): the live class tests run a real one. "
                    "Run `make test`, which installs Debian's redis-server, or `sudo apt-get install redis-server`.",
                    pytrace=False)
    return found


class RedisServer:
    """One redis-server process on 127.0.0.1, in its own temporary folder."""

    def __init__(self) -> None:
        self.binary = redis_server_path()
        self.dir = Path(tempfile.mkdtemp(prefix="rnnlab-redis-"))
        self.port = 0
        self.process: subprocess.Popen | None = None
        for attempt in range(5):  # another process may take the free port between choosing and binding it
            self.port = _free_port()
            try:
                self.start()
                return
            except RuntimeError:
                if attempt == 4:
                    self.close()
                    raise

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=0, socket_timeout=1.0,
                           socket_connect_timeout=1.0, decode_responses=True)

    def start(self) -> None:
        """Starts redis-server on self.port and waits until it answers PING (RuntimeError after START_S)."""
        if self.running:
            return
        log = self.dir / "redis.log"
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--logfile", str(log), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with self.client() as client:
                    if client.ping():
                        return
            except Exception:  # not listening yet, or loading its data
                time.sleep(0.02)
        said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        self._end()
        raise RuntimeError(f"redis-server did not answer PING on port {self.port} within {START_S:.0f} s:\n{said}")

    def stop(self, save: bool = False) -> None:
        """Stops the server (its port then refuses connections). save=True: it writes its data first."""
        if not self.running:
            return
        if save:  # written to its folder, where start() reads it back (SIGTERM then saves nothing more)
            with self.client() as client:
                client.save()
        self._end()

    def _end(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def restart(self, save: bool = False) -> None:
        self.stop(save=save)
        self.start()

    def flush(self) -> None:
        with self.client() as client:
            client.flushdb()

    def close(self) -> None:
        self._end()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
