"""The command-line face: python -m rnnlab describe "<query string>" | check-lessons | train "<query string>"."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from rnnlab.params import MODEL_PARAMS
from rnnlab.settings import ConfigError

if TYPE_CHECKING:
    from rnnlab.params import Config
    from rnnlab.refusals import Refusal
    from rnnlab.training.plan import Result
    from rnnlab.training.settings import Settings


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
    _train_parser(commands)
    _doctor_parser(commands)
    return parser


def _doctor_parser(commands: argparse._SubParsersAction) -> None:
    doctor = commands.add_parser("doctor", help="why is my output shape not what I expected? read pasted Keras "
                                 "code (never run it), build it and compare its output with y")
    doctor.add_argument("--x-shape", required=True, help="X's shape, e.g. 118,45,2 (samples, timesteps, features)")
    doctor.add_argument("--y-shape", help="y's shape, e.g. 118,1")
    doctor.add_argument("--loss", help="e.g. mse, binary_crossentropy (default: the code's compile(loss=...))")
    source = doctor.add_mutually_exclusive_group(required=True)
    source.add_argument("--code", help="the model code itself")
    source.add_argument("--code-file", help="a file holding the code; - reads it from stdin")
    doctor.add_argument("--json", action="store_true", help="print one JSON object instead of a report")


def _train_parser(commands: argparse._SubParsersAction) -> None:
    from rnnlab.training.settings import TRAIN

    train = commands.add_parser(
        "train", help="train the model of a query string on a task; --json prints one JSON object",
        description="Train the playground's model (a query string) on a task with a real model.fit.",
        epilog='e.g. python -m rnnlab train "units=16&return_sequences=true&head=dense&head_units=1" --task echo')
    train.add_argument("query", nargs="?", default="", help="the playground's query string")
    for name, param in TRAIN.items():
        choices = f" ({', '.join(param.choices)})" if param.choices else ""
        train.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar=name.upper(),
                           help=f"{param.help}{choices} Default {param.format(param.default)}.")
    train.add_argument("--batch-size", dest="batch", metavar="BATCH", help="fit's batch_size: sets batch in the "
                       "query string")
    train.add_argument("--seed", metavar="SEED", help="data and initial weights: sets seed in the query string")
    train.add_argument("--json", action="store_true", help="print one JSON object (loss, val_loss, shapes, seconds)")


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
    from rnnlab.live import typical

    problems = typical.example_problems()  # a class's playground questions: their typical wrong answers' hints
    print("live class questions: " + ("ok" if not problems else "\n  ".join(["disagree:", *problems])))
    return 1 if failed or problems else 0


def _doctor(args: argparse.Namespace) -> int:
    """Diagnose the code; exit 2 on input that cannot be diagnosed, never a traceback."""
    from rnnlab import doctor
    from rnnlab.doctor.reading import MAX_CODE_CHARS

    try:
        if args.code is not None:
            code = args.code
        elif args.code_file == "-":
            code = sys.stdin.read(MAX_CODE_CHARS + 1)
        else:
            with open(args.code_file, encoding="utf-8") as file:
                code = file.read(MAX_CODE_CHARS + 1)
        result = doctor.diagnose(code, args.x_shape, args.y_shape, args.loss)
    except (OSError, UnicodeDecodeError) as err:
        print(f"rnnlab doctor: cannot read {args.code_file}: {getattr(err, 'strerror', None) or err}",
              file=sys.stderr)
        return 2
    except doctor.DoctorInputError as err:
        print(f"rnnlab doctor: {err}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2)
        print()
    else:
        from rnnlab.doctor.report import text

        print(text(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.command == "check-lessons":
        return _check_lessons()
    if args.command == "doctor":
        return _doctor(args)
    if args.command == "train":
        return _train(args)
    import rnnlab

    try:
        result = rnnlab.describe(args.query)
    except ConfigError as err:
        print("rnnlab: invalid query string:", *err.problems, sep="\n  ", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


def _train(args: argparse.Namespace) -> int:
    """Exit 0 with the training's result, 2 with a message on any bad input or mismatch."""
    from rnnlab.training.fit import train
    from rnnlab.training.plan import TrainRefused

    read = _train_input(args)
    if isinstance(read, list):
        print("rnnlab: invalid input:", *read, sep="\n  ", file=sys.stderr)
        return 2
    config, settings = read

    def report(epoch: int, loss: float, val_loss: float, _glimpse: object) -> None:
        print(f"epoch {epoch + 1}/{settings.epochs}: loss {loss:.5g}, val_loss {val_loss:.5g}", flush=True)

    try:
        result = train(config, settings, on_epoch=None if args.json else report)
    except TrainRefused as refused:
        _print_refusal(refused.refusal)
        return 2
    _print_trained(result, args.json)
    return 0


def _train_input(args: argparse.Namespace) -> tuple[Config, Settings] | list[str]:
    """The command line's query and flags -> (Config, training Settings), or the problems found in them
    (--batch and --seed override the query's)."""
    from urllib.parse import urlencode

    from rnnlab.params import parse
    from rnnlab.settings import query_pairs
    from rnnlab.training import settings as table

    overrides = {k: getattr(args, k) for k in ("batch", "seed") if getattr(args, k) is not None}
    pairs = [(k, v) for k, v in query_pairs(args.query) if k.strip().lower() not in overrides]
    given = {name: getattr(args, name) for name in table.TRAIN if getattr(args, name) is not None}
    parsed, checked = parse(urlencode(pairs + list(overrides.items()))), table.parse(given)
    problems = [n.problem for n in parsed.notices] + checked.problems
    return problems if problems else (parsed.config, checked.value)


def _print_refusal(why: Refusal) -> None:
    """Why the model cannot be trained on the task, on stderr, with the fix as query parameters."""
    from urllib.parse import urlencode

    text = f"rnnlab: cannot train this: {why.message}\n  {why.explanation}".replace("`", "")
    print(text + (f"\n  fix: add {urlencode(why.fix)}" if why.fix else ""), file=sys.stderr)


def _print_trained(result: Result, as_json: bool) -> None:
    """The training's result: one JSON object, or two lines for a person."""
    if as_json:
        json.dump(result.as_json(), sys.stdout, indent=2)
        print()
        return
    print(f"x {result.x_shape}, y {result.y_shape}, prediction {result.prediction_shape}; "
          f"fit {result.seconds:.1f} s{', ' + result.stop_reason if result.stop_reason else ''}")
    print(f"final val_loss {result.val_loss[-1]:.5g} against {result.baseline:.5g} for always predicting the "
          f"average: {'learned' if result.learned else 'not learned'}")


if __name__ == "__main__":
    sys.exit(main())
