"""Rerun latency against the number of visitors, as an SVG, from the load results in results/latest.json.

    python -m benchmarks.plot                          # the `load` group: p50, p95, p99
    python -m benchmarks.plot load load_nginx_class    # p50 and p95 of each group, side by side

Writes benchmarks/results/latency-vs-visitors.svg.
"""

from __future__ import annotations

import json
import sys

from benchmarks.load import TARGETS_MS
from benchmarks.report import RESULTS

OUT = RESULTS.parent / "latency-vs-visitors.svg"
W, H, LEFT, RIGHT, TOP, BOTTOM = 720, 420, 70, 150, 40, 60
COLOURS = ("#1f77b4", "#ff7f0e", "#d62728", "#2ca02c", "#9467bd", "#8c564b")


def svg(series: dict[str, list[tuple[int, float]]], title: str, targets: dict[str, float]) -> str:
    """Lines of (visitors, milliseconds) per label; dashed horizontal lines at the targets."""
    xs = [x for points in series.values() for x, _ in points]
    top_ms = max([y for points in series.values() for _, y in points] + list(targets.values())) * 1.1
    x_max = max(xs)

    def px(x: float) -> float:
        return LEFT + (W - LEFT - RIGHT) * x / x_max

    def py(y: float) -> float:
        return H - BOTTOM - (H - TOP - BOTTOM) * y / top_ms

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" '
             f'font-size="13"><rect width="{W}" height="{H}" fill="white"/>',
             f'<text x="{LEFT}" y="24" font-size="15">{title}</text>',
             f'<line x1="{LEFT}" y1="{py(0)}" x2="{W - RIGHT}" y2="{py(0)}" stroke="#444"/>',
             f'<line x1="{LEFT}" y1="{py(0)}" x2="{LEFT}" y2="{TOP}" stroke="#444"/>',
             f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 15}" text-anchor="middle">visitors at once</text>',
             f'<text x="18" y="{(TOP + H - BOTTOM) / 2}" transform="rotate(-90 18 {(TOP + H - BOTTOM) / 2})" '
             'text-anchor="middle">rerun latency (ms)</text>']
    for x in sorted(set(xs)):
        parts.append(f'<text x="{px(x)}" y="{py(0) + 18}" text-anchor="middle">{x}</text>')
    for k in range(6):
        y = top_ms * k / 5
        parts.append(f'<text x="{LEFT - 8}" y="{py(y) + 4}" text-anchor="end">{y:.0f}</text>'
                     f'<line x1="{LEFT}" y1="{py(y)}" x2="{W - RIGHT}" y2="{py(y)}" stroke="#eee"/>')
    for name, y in targets.items():
        parts.append(f'<line x1="{LEFT}" y1="{py(y)}" x2="{W - RIGHT}" y2="{py(y)}" stroke="#888" '
                     f'stroke-dasharray="6 4"/><text x="{W - RIGHT + 6}" y="{py(y) + 4}" fill="#666">'
                     f'{name} target</text>')
    for row, (label, points) in enumerate(series.items()):
        colour = COLOURS[row % len(COLOURS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        parts += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{colour}"/>' for x, y in points]
        parts.append(f'<text x="{W - RIGHT + 6}" y="{TOP + 20 * row + 10}" fill="{colour}">{label}</text>')
    return "\n".join(parts + ["</svg>"]) + "\n"


def main(argv: list[str] | None = None) -> int:
    labels = (sys.argv[1:] if argv is None else argv) or ["load"]
    try:
        groups = json.loads(RESULTS.read_text())["groups"]
        runs = {label: groups[label]["runs"] for label in labels}
    except (OSError, ValueError, KeyError) as err:
        print(f"benchmarks.plot: no load results {err} in {RESULTS}; run python -m benchmarks.load first",
              file=sys.stderr)
        return 2
    keys = ("p50_ms", "p95_ms", "p99_ms") if len(labels) == 1 else ("p50_ms", "p95_ms")
    series = {f"{label} {key.removesuffix('_ms')}" if len(labels) > 1 else key.removesuffix("_ms"):
              [(r["visitors"], r["rerun"][key]) for r in group if "rerun" in r]
              for label, group in runs.items() for key in keys}
    first = next(iter(runs.values()))[0]
    title = (f"Playground reruns: {first['changes_each']} changes per visitor, {first['think_s']:g} s think time, "
             f"2 cores")
    OUT.write_text(svg(series, title, TARGETS_MS["class"]))
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
