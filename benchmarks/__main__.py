"""python -m benchmarks [rerun] [options] [cold-start] [engine] [train] [flags]: run, print a table, save
results/latest.json."""

from __future__ import annotations

import argparse
import sys

from benchmarks.args import bounded

GROUPS = ("rerun", "options", "cold-start", "engine", "train")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Speed benchmarks of the app (see benchmarks/README.md).")
    parser.add_argument("groups", nargs="*", metavar="group", help=f"any of {', '.join(GROUPS)} (default: all)")
    parser.add_argument("--flips", type=bounded(int, 2, 1000), default=30, help="return_state flips (default 30)")
    parser.add_argument("--views", type=bounded(int, 3, 1000), default=30, help="view changes (default 30)")
    parser.add_argument("--pause", type=bounded(float, 0, 10), default=0.25,
                        help="seconds between a visitor's interactions (default 0.25)")
    parser.add_argument("--cold-repeats", type=bounded(int, 1, 20), default=3, help="cold starts (default 3)")
    parser.add_argument("--repeats", type=bounded(int, 1, 200), default=10,
                        help="describe vs naive repetitions (default 10)")
    parser.add_argument("--largest-repeats", type=bounded(int, 1, 20), default=3,
                        help="uncached runs of each largest configuration (default 3)")
    parser.add_argument("--no-save", action="store_true", help="do not write results/latest.json")
    return parser


def _run(group: str, args: argparse.Namespace):
    if group == "rerun":
        from benchmarks import rerun
        return rerun.measure(flips=args.flips, views=args.views, pause=args.pause)
    if group == "options":
        from benchmarks import options
        return options.measure(pause=args.pause)
    if group == "cold-start":
        from benchmarks import cold_start
        return cold_start.measure(repeats=args.cold_repeats)
    if group == "train":
        from benchmarks import train
        return train.measure(pause=args.pause)
    from benchmarks import engine
    return engine.measure(repeats=args.repeats, largest_repeats=args.largest_repeats)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    unknown = [g for g in args.groups if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group {unknown[0][:40]!r}; choose from {', '.join(GROUPS)}")
    groups = list(dict.fromkeys(args.groups)) or list(GROUPS)

    from benchmarks.report import save, table

    results, rows, failed = {}, [], []
    for group in groups:
        print(f"running {group} ...", file=sys.stderr, flush=True)
        try:
            results[group], group_rows = _run(group, args)
        except Exception as err:  # a failed group is reported; the others still run
            print(f"benchmarks: {group} failed: {type(err).__name__}: {err}", file=sys.stderr)
            failed.append(group)
            continue
        rows += group_rows
    print(table(rows))
    if results and not args.no_save:
        print(f"saved {save(results, rows)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
