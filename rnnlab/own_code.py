"""The app's own example code run in this process as a reader would run it: what it prints, warns and raises.

The one place where the app runs code: its own fixed text only, never a visitor's (a pasted model is read
with `ast`, never run). Two kinds exist: a lesson's snippets (rnnlab.snippets, read from the files of
lessons/) and the articles' examples (rnnlab.articles.code), run in an engine worker, check-lessons or a test.
Keras is imported inside the functions: importing this module does not load TensorFlow.
"""

from __future__ import annotations

import contextlib
import io
import time
import traceback
import warnings
from dataclasses import dataclass
from typing import Any

FILENAME = "<article>"
MAX_ERROR_CHARS = 600


@dataclass(frozen=True)
class Attempt:
    """One run of a code: did it reach its end; the error that stopped it ("Type: message") and its line;
    the lines its print() calls wrote; the warnings raised (category: message, each once); seconds taken."""

    ran: bool
    error: str = ""
    error_line: int | None = None
    printed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


def error_text(err: BaseException) -> str:
    """An exception as Python's last traceback line says it, cut to MAX_ERROR_CHARS."""
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS] + " ..."


def _line_of(err: BaseException, filename: str) -> int | None:
    """The line of the code being run where the error came from (None when it is not in it)."""
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == filename]
    return lines[-1] if lines else None


def _printer(printed: list[str]):
    def article_print(*args: Any, sep: str = " ", end: str = "\n", **_: Any) -> None:
        printed.extend(sep.join(str(a) for a in args).splitlines() or [""])
    return article_print


def _unique(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    texts = (f"{w.category.__name__}: {w.message}" for w in caught)
    return tuple(dict.fromkeys(texts))


def attempt(code: str, seed: int = 0, filename: str = FILENAME) -> tuple[Attempt, dict[str, Any]]:
    """Run code with seeded randomness (NumPy, Python, TensorFlow: keras.utils.set_random_seed) -> the
    Attempt and the names the code defined (its model, X, y...), for checks that look further.

    Keras's own progress output (fit's and predict's bars) is set aside; print() calls are kept."""
    import keras

    keras.utils.set_random_seed(seed)
    printed: list[str] = []
    names: dict[str, Any] = {"__name__": "__own_code__", "print": _printer(printed)}
    error, line = "", None
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("always")
        try:
            exec(compile(code, filename, "exec"), names)  # noqa: S102  (our own fixed example text)
        except Exception as err:  # the example's own failure is the evidence
            error, line = error_text(err), _line_of(err, filename)
    seconds = time.perf_counter() - start
    return Attempt(not error, error, line, tuple(printed), _unique(caught), seconds), names
