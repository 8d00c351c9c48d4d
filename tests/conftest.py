"""Shared test set-up: the project root on sys.path and Keras imported once per test process."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402,F401  (loaded once here, so no single test pays for it)
