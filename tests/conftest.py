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
