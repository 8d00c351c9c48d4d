"""Start and stop a real Streamlit server for the app on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# As `make run` starts the app: one BLAS thread, so NumPy's trace does not fight TensorFlow for 2 cores.
SERVER_ENV = {"OPENBLAS_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


def free_port() -> int:
    """A TCP port that was free a moment ago (bind to port 0 and let the OS choose)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """The app's server (`python -m ui.serve`, as `make run` starts it) as a child process; a context manager.

        with StreamlitServer() as server:
            server.wait_healthy()
            print(server.ws_url)
    """

    def __init__(self, port: int | None = None, extra_args: tuple[str, ...] = (),
                 cwd: Path = ROOT, log_path: Path | None = None, results: str | Path = "off"):
        """results: the folder of Keras's results kept on disk (RNNLAB_RESULTS); "off" (a server that
        remembers nothing from an earlier one, so that each measurement starts alike)."""
        self.port = port or free_port()
        self.results = str(results)
        self.cwd = cwd
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0  # time.perf_counter() just before the process was spawned
        self.log_path = log_path  # kept after stop(); None: a temporary file, removed at stop()
        if log_path:
            log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb") if log_path else tempfile.NamedTemporaryFile(
            prefix="streamlit-bench-", suffix=".log", delete=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def start(self) -> StreamlitServer:
        cmd = [sys.executable, "-m", "ui.serve", "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true", *self.extra_args]
        env = {**os.environ, **SERVER_ENV, "RNNLAB_RESULTS": self.results}
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as reply:
                return reply.read().strip() == b"ok"
        except OSError:
            return False

    def wait_healthy(self, timeout: float = 60.0, interval: float = 0.05) -> float:
        """Poll /_stcore/health until it answers ok; seconds since spawn."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log_tail()}")
            if self.healthy():
                return time.perf_counter() - self.started_at
            time.sleep(interval)
        raise TimeoutError(f"streamlit not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        text = Path(self._log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            try:  # the engine's and the training's worker processes, should any outlive the server
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._log.close()
        if self.log_path is None:
            Path(self._log.name).unlink(missing_ok=True)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
