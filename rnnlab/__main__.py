"""The command-line face: python -m rnnlab describe "<query string>" | check-lessons."""

from __future__ import annotations

import argparse
import json
import os
import sys

from rnnlab.params import MODEL_PARAMS, ConfigError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rnnlab", description="What a Keras recurrent layer returns.")
    commands = parser.add_subparsers(dest="command", required=True)
    describe = commands.add_parser(
        "describe",
        help="build the model for a query string and print one JSON object",
        epilog="parameters: " + ", ".join(f"{p.name} (default {p.format(p.default)})" for p in MODEL_PARAMS),
    )
    describe.add_argument("query", nargs="?", default="", help='e.g. "units=64&return_sequences=true"')
    commands.add_parser("check-lessons", help="check every lesson against the installed Keras (exit 1 on any "
                        "disagreement)")
    return parser


def _check_lessons() -> int:
    from rnnlab import lessons

    try:
        found = lessons.all_lessons()
    except ValueError as err:
        print(f"rnnlab: {err}", file=sys.stderr)
        return 1
    failed = 0
    for lesson in found:
        problems = lessons.check(lesson)
        failed += bool(problems)
        print(f"{lesson.slug}: " + ("ok" if not problems else "\n  ".join(["disagrees:", *problems])))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.command == "check-lessons":
        return _check_lessons()
    import rnnlab

    try:
        result = rnnlab.describe(args.query)
    except ConfigError as err:
        print("rnnlab: invalid query string:", *err.problems, sep="\n  ", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
