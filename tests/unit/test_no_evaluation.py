"""No code path evaluates what a learner sends: no eval/exec/compile, no pickle, no shell, no raw HTML of it.

Learner input reaches the app as URL parameters, widget values and pasted code; the pasted code is read with
`ast.parse` only. This test reads the app's own source (app.py, pages/, ui/, rnnlab/) and fails on any call
that could run or unpickle text, and checks the server settings that keep errors and sizes in bounds.
"""

from __future__ import annotations

import ast
import tomllib

import pytest

from tests.conftest import ROOT

APP_SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("**/*.py"),
                      *(ROOT / "rnnlab").glob("**/*.py")])
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input", "breakpoint"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "subprocess", "pty", "code", "codeop"}
FORBIDDEN_ATTRIBUTES = {"system", "popen", "loads_pickle", "import_module", "run_path", "run_module"}
# The one place that runs code: the app's own fixed examples, a lesson's snippets read from the files of lessons/
# by lesson and name (tests/unit/test_lessons.py::test_snippets_run_only_from_the_lesson_files) and the
# articles' examples.
# The engine imports the module of a task named in its own constant table (rnnlab.engine.TASKS), in the worker;
# a name that is not in the table is refused before anything is imported (test_workers: unknown tasks).
RUNS_OWN_CODE = {"rnnlab/own_code.py": {"exec", "compile"}, "rnnlab/engine.py": {"import_module"}}
# The one place that draws raw HTML of a text: the glossary's marks round the terms of our own Markdown. Only our own
# text comes there (tests/unit/test_learner_text_paths.py checks every caller); learner text in it is a code span,
# which the glossary leaves alone, and every "<" outside one is escaped (tests/unit/test_glossary.py).
MARKS_OUR_TEXT = {"ui/terms.py"}


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_app_never_runs_or_unpickles_text(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    allowed = RUNS_OWN_CODE.get(path.relative_to(ROOT).as_posix(), set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in allowed:
                continue
            if isinstance(node.func, ast.Name) and name in FORBIDDEN_CALLS or name in FORBIDDEN_ATTRIBUTES:
                found.append(f"line {node.lineno}: {name}(...)")
            if any(k.arg == "unsafe_allow_html" for k in node.keywords) \
                    and path.relative_to(ROOT).as_posix() not in MARKS_OUR_TEXT:  # whatever the call is named
                found.append(f"line {node.lineno}: {name or 'a call'}(..., unsafe_allow_html=...)")
            if name == "html" and not all(isinstance(a, (ast.Constant, ast.Name)) for a in node.args):
                found.append(f"line {node.lineno}: st.html of a computed string")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: import {m}" for m in modules if m.split(".")[0] in FORBIDDEN_MODULES]
    assert not found, found


def test_the_checker_would_notice_a_call_to_eval():
    tree = ast.parse("x = eval(text)\nimport pickle\n")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) in FORBIDDEN_CALLS]
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import)]
    assert calls and imports[0].names[0].name in FORBIDDEN_MODULES


def test_server_settings_protect_learners_and_keep_details_in_the_log():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] <= 1 and config["server"]["maxMessageSize"] <= 64
    assert config["client"]["showErrorDetails"] == "none"  # learners see a generic message ...
    assert config["logger"]["level"] in ("info", "warning", "error")  # ... the server log keeps the traceback
