"""What many test files share: the app opened in Streamlit's AppTest, its text read as a learner reads it, the
command line, and the doctor's fixed code run as printed."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import warnings
from collections.abc import Mapping

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.controls import FOLDED, group_key

PLAYGROUND = "pages/playground.py"
# The sidebar's groups opened (a closed group's controls are not drawn): for tests that read or move them.
GROUPS_OPEN = {group_key(group): True for group in FOLDED}
# A cold Keras build, or an article's example run as written, on a machine shared with other work.
APP_TIMEOUT_S = 300
CLI_TIMEOUT_S = 300


def open_page(page: str = PLAYGROUND, query: Mapping[str, str | list[str]] | None = None,
              state: Mapping[str, object] | None = None) -> AppTest:
    """The app in AppTest, run on `page` with `query` in its address and `state` in its session. Any other page
    is reached as a visitor does: the playground first (AppTest switches pages only after a run), then the
    page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT_S)
    if page != PLAYGROUND:
        at.run()
        at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


GLOSSED = re.compile(r'<span class="rl-term" tabindex="0" aria-description="[^"]*">(.*?)</span>', re.S)


def plain(markdown: str) -> str:
    """Our Markdown as it reads with no term hovered: the glossary's definitions (rnnlab.glossary) left out."""
    return GLOSSED.sub(r"\1", markdown)


def cli(*args: str, stdin: str | None = None, here: bool = False) -> subprocess.CompletedProcess:
    """`python -m rnnlab *args`: exit status, stdout and stderr. here=True runs it in this process (argparse's
    exits included), for the many calls of a fuzz test; otherwise in a fresh interpreter, as a user runs it."""
    if not here:
        return subprocess.run([sys.executable, "-m", "rnnlab", *args], capture_output=True, text=True,
                              timeout=CLI_TIMEOUT_S, cwd=ROOT, input=stdin)
    from rnnlab.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse: usage and one line of error
            status = exit_.code
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


def run_fixed(code: str, warnings_fail: bool = False) -> dict:
    """The doctor's fixed code run as printed (our own generated code, never a visitor's paste): the names it
    defines. warnings_fail: a Keras UserWarning fails the run."""
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error" if warnings_fail else "ignore", UserWarning if warnings_fail else Warning)
        exec(compile(code, "<fixed code>", "exec"), namespace)
    return namespace


def model_in(namespace: dict):
    """The model that code made: the one named `model`, else the first public keras.Model (None if none)."""
    import keras

    found = [v for k, v in namespace.items() if isinstance(v, keras.Model) and not k.startswith("_")]
    return namespace["model"] if isinstance(namespace.get("model"), keras.Model) else next(iter(found), None)
