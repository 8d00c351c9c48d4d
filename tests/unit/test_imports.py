"""The modules' imports keep the contracts in .importlinter: ui uses rnnlab and never the reverse, rnnlab never
imports Streamlit, and no two modules import each other (directly or round a circle)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_imports_keep_the_contracts():
    linter = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(linter), "--no-cache"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 kept, 0 broken" in done.stdout
