"""The example models in examples/doctor/: code learners really pasted, each with the shapes it was asked about.

Each file starts with comment lines that say what to diagnose it against:

    # Shape doctor example: a (118, 45, 1) output against a (118, 1) target
    # x_shape: 118,45,2
    # y_shape: 118,1
    # loss: mse

A measured case (benchmarks/doctor_cases/) adds what the doctor must report: `# expect: kind, kind` or `# expect: ok`
(or `# verdict: problem` when the kinds are not the point), and `# source: URL` where a learner asked it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "doctor"
_HEADER = re.compile(r"#\s*(Shape doctor example|x_shape|y_shape|loss|expect|source|verdict):\s*(.*)")


@dataclass(frozen=True)
class Example:
    slug: str  # the file name without .py
    title: str
    code: str
    x_shape: str
    y_shape: str | None = None
    loss: str | None = None
    expect: tuple[str, ...] = ()  # the problem kinds the doctor must report; ("ok",): none of them errors
    source: str = ""  # where a learner asked about it (a measured case)
    verdict: str = ""  # the verdict it must get, when `expect` names no kind ("ok", "problem" or "unsure")


def read(path: Path) -> Example:
    """One example file -> Example; ValueError naming the file when its header has no title or x_shape."""
    code = path.read_text(encoding="utf-8")
    meta = {}
    for line in code.splitlines():
        match = _HEADER.fullmatch(line.strip())
        if not match:
            break
        meta[match.group(1)] = match.group(2).strip()
    if "Shape doctor example" not in meta or "x_shape" not in meta:
        raise ValueError(f"{path.name}: the header needs '# Shape doctor example: ...' and '# x_shape: ...'")
    expect = tuple(k for k in re.split(r"[\s,]+", meta.get("expect", "")) if k)
    return Example(path.stem, meta["Shape doctor example"], code, meta["x_shape"], meta.get("y_shape"),
                   meta.get("loss"), expect, meta.get("source", ""), meta.get("verdict", ""))


@lru_cache(maxsize=1)
def all_examples() -> tuple[Example, ...]:
    """Every example, in file-name order."""
    return tuple(read(path) for path in sorted(EXAMPLES.glob("*.py")))
