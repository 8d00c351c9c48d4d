"""Summaries of timings, the results table, and results/latest.json."""

from __future__ import annotations

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
# Thread-pool settings that change the numbers (the server inherits them from the benchmark's environment).
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
              "TF_NUM_INTEROP_THREADS")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def p95(values: list[float]) -> float:
    """95th percentile, linear between the two nearest samples."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def summary(seconds: list[float]) -> dict[str, float]:
    """Samples in seconds -> n, median, p95, min and max in milliseconds."""
    return {"n": len(seconds), "median_ms": ms(statistics.median(seconds)), "p95_ms": ms(p95(seconds)),
            "min_ms": ms(min(seconds)), "max_ms": ms(max(seconds))}


@dataclass
class Row:
    """One line of the results table: a measured value (ms) and, where there is one, its target."""

    group: str
    measure: str
    value_ms: float
    target_ms: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "PASS" if self.value_ms <= self.target_ms else "FAIL"


def _fmt(value_ms: float | None) -> str:
    if value_ms is None:
        return ""
    return f"{value_ms / 1000:.2f} s" if value_ms >= 1000 else f"{value_ms:.0f} ms"


def table(rows: list[Row]) -> str:
    """Rows -> an aligned plain-text table."""
    head = ("group", "measure", "value", "target", "verdict", "note")
    body = [(r.group, r.measure, _fmt(r.value_ms), f"<= {_fmt(r.target_ms)}" if r.target_ms is not None else "",
             r.verdict, r.note) for r in rows]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in (head, *body))


def machine() -> dict:
    """Where the numbers were taken."""
    def ver(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {n: ver(n) for n in ("streamlit", "tensorflow", "keras", "plotly", "numpy", "playwright")},
        "thread_env": {k: os.environ[k] for k in THREAD_ENV if k in os.environ},
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: other work on the machine makes numbers noisy."""
    return [round(v, 2) for v in os.getloadavg()]


def save(groups: dict[str, dict], rows: list[Row], path: Path = RESULTS) -> Path:
    """Merge the groups just run into path (other groups keep their last results); atomic write."""
    try:
        previous = json.loads(path.read_text())
    except (OSError, ValueError):
        previous = {}
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for data in groups.values():
        data["date"] = now
    merged_groups = {**previous.get("groups", {}), **groups}
    kept_rows = [r for r in previous.get("rows", []) if r.get("group") not in groups]
    payload = {
        "date": now,
        "machine": machine(),
        "groups": merged_groups,
        "rows": kept_rows + [{**asdict(r), "verdict": r.verdict} for r in rows],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n")
    tmp.replace(path)
    return path
