"""Keras's own results kept on disk, so that a restarted server answers what it has answered before at once.

A result is kept under its task's key together with the versions that made it: the installed Keras, TensorFlow
and NumPy, and a fingerprint of this package's source. A result read back was therefore computed by the same
Keras from the same code; after an upgrade or a code change nothing kept earlier matches, and the old entries
leave as new ones come. The folder is bounded in bytes, least recently used out first, and may be shared by
the replicas of one machine (diskcache: SQLite and files, safe across threads and processes).

Only the tasks in SHELVED are kept: their results depend on their arguments alone. The folder must be writable
by the server only: what is read back from it is unpickled.

    >>> shelf = Shelf(folder, limit=64 * 2**20)
    >>> shelf.put(("run", config), run); shelf.get(("run", config))
    (True, run)
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import diskcache

FOLDER = "RNNLAB_RESULTS"  # the folder (default DEFAULT_FOLDER), or "off"
LIMIT_MB = "RNNLAB_RESULTS_MB"  # its bound in MB (default DEFAULT_MB)
DEFAULT_MB = 512
SHELVED = frozenset({"run", "lesson_snippet"})  # Keras's forward pass of a configuration; a lesson's snippet
PACKAGE = Path(__file__).resolve().parent
DEFAULT_FOLDER = PACKAGE.parent / ".cache" / "results"
_log = logging.getLogger(__name__)


@cache
def made_by() -> str:
    """The versions a kept result must have been made by: Keras's, TensorFlow's, NumPy's, and this code's."""
    source = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        source.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    versions = [f"{name} {metadata.version(name)}" for name in ("keras", "tensorflow", "numpy")]
    return ", ".join(versions) + ", rnnlab " + source.hexdigest()[:16]


class Shelf:
    """Results on disk by task key, bounded in bytes (`limit`), for the tasks in SHELVED."""

    def __init__(self, folder: Path | str, limit: int):
        self.disk = diskcache.Cache(str(folder), size_limit=limit, eviction_policy="least-recently-used")

    @staticmethod
    def _name(key: tuple[Any, ...]) -> str:
        """The key's file name: its task's arguments are frozen dataclasses and strings, whose repr names every
        field's value."""
        return hashlib.sha256(f"{made_by()}\n{key!r}".encode()).hexdigest()

    @staticmethod
    def keeps(key: tuple[Any, ...]) -> bool:
        """Whether results of this key's task are kept here."""
        return bool(key) and key[0] in SHELVED

    def get(self, key: tuple[Any, ...]) -> tuple[bool, Any]:
        """(True, result) when a result for key, made by these versions, is on disk; else (False, None)."""
        if not self.keeps(key):
            return False, None
        found = self.disk.get(self._name(key), default=_MISSING)
        return (False, None) if found is _MISSING else (True, found)

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        """Keep value for key (when its task is one kept here)."""
        if self.keeps(key):
            self.disk.set(self._name(key), value)

    def close(self) -> None:
        self.disk.close()


_MISSING = object()


def from_environment() -> Shelf | None:
    """The shelf the environment asks for (RNNLAB_RESULTS, RNNLAB_RESULTS_MB), or None when it says "off" or
    the folder cannot be used (the server then runs without one, and says why in its log)."""
    folder = os.environ.get(FOLDER, "") or str(DEFAULT_FOLDER)
    if folder == "off":
        return None
    text = os.environ.get(LIMIT_MB, "") or str(DEFAULT_MB)
    if not text.isdigit() or not 16 <= int(text) <= 1_000_000:
        _log.warning("shelf: %s=%r is not a number of MB from 16; using %d", LIMIT_MB, text[:20], DEFAULT_MB)
        text = str(DEFAULT_MB)
    try:
        return Shelf(folder, limit=int(text) * 2**20)
    except Exception as err:  # a folder that cannot be made or written: no shelf, not no server
        _log.warning("shelf: results are not kept on disk: %s cannot be used (%s)", folder[:200], err)
        return None
