"""The modules' imports keep the contracts in .importlinter: ui uses rnnlab and never the reverse, rnnlab never
imports Streamlit, and no two modules import each other (directly or round a circle)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_imports_keep_the_contracts():
    linter = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(linter), "--no-cache"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 kept, 0 broken" in done.stdout


FIGURE_KIT = ("rnnlab.figures", "rnnlab.colours", "rnnlab.unrolled", "rnnlab.returned")


def test_the_figure_kit_is_used_by_its_public_names():
    """A helper shared by the chart modules has a public name: no module imports a private one from the kit."""
    private = []
    for path in sorted((ROOT / "rnnlab").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in FIGURE_KIT:
                private += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert private == []
