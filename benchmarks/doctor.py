"""python -m benchmarks.doctor [--json] [--repeats N]: the shape doctor measured on learner cases.

Every file in benchmarks/doctor_cases/ is a model as a learner pasted it, with the header the examples use
(x_shape, y_shape, loss) and `# expect:` naming the problem kinds the doctor must report, or `ok`: no
problem of error severity (warnings allowed), plus any kinds listed with it; `# verdict:` gives the verdict
when no kind is named (problem, or unsure for code no one can build from the paste). Reported: the cases with
the right verdict, whose expected kinds were all found, false alarms on the ok cases, the proposed fixes that
Keras built and verified, the problem cases with a y whose verified fix gives y's shape, and the seconds per
diagnosis (after one untimed warm-up, which imports TensorFlow). Prints a table, or one JSON object with
--json; writes no file. --from N measures only the cases numbered N and above.

A case collected after the code it measures was written says so in its header: `# held out: NAME` (after the
lines above). Each held-out set is reported on its own beside the totals of all cases. An exception escaping the
doctor is a crash: counted, its last line kept, and the run goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.args import bounded

CASES = Path(__file__).resolve().parent / "doctor_cases"
_HELD_OUT = re.compile(r"#\s*held out:\s*(\S+)")


@dataclass(frozen=True)
class Outcome:
    """One case, diagnosed."""

    case: str
    expected: tuple[str, ...]  # kinds that must be reported
    ok_case: bool  # the verdict must be ok
    wanted: str  # the verdict it must get
    has_y: bool
    reported: tuple[str, ...]  # kinds reported, "(w)" after a warning
    verdict: str  # "ok", "problem" or "refused" (the doctor could not read the input)
    missing: tuple[str, ...]
    fix: str  # "verified", "not verified" or "" (no fix proposed)
    fix_fits_y: bool  # a verified fix whose output gives y's shape
    seconds: float
    note: str = ""
    held_out: str = ""  # the held-out set the case belongs to ("" for none)

    @property
    def right(self) -> bool:
        return self.verdict == self.wanted

    @property
    def found_all(self) -> bool:
        return not self.missing and self.verdict != "refused"

    @property
    def false_alarm(self) -> bool:
        return self.ok_case and self.verdict != "ok"


def held_out(path: Path) -> str:
    """The held-out set a case file names in its header comments, "" for none."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = _HELD_OUT.fullmatch(line.strip())
        if match:
            return match.group(1)
    return ""


def _diagnose(example, repeats: int) -> tuple[object | None, float, str, bool]:
    """The diagnosis, its median seconds, the doctor's refusal or the crash's last line, and whether it crashed."""
    from rnnlab.doctor import DoctorInputError, diagnose

    times, result, note, crashed = [], None, "", False
    for _ in range(repeats):
        start = time.perf_counter()
        try:
            result = diagnose(example.code, example.x_shape, example.y_shape, example.loss)
        except DoctorInputError as err:
            note = str(err)
        except Exception as err:  # noqa: BLE001 - a crash is a measured outcome, not the end of the run
            note, crashed = f"crash: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}", True
        times.append(time.perf_counter() - start)
    return result, statistics.median(times), note, crashed


def measure(repeats: int = 1, first: int = 0) -> list[Outcome]:
    """Every case numbered `first` or above diagnosed (each timed `repeats` times, the median kept), in file-name
    order."""
    from rnnlab.doctor.examples import read

    paths = [path for path in sorted(CASES.glob("*.py")) if int(path.name.split("_")[0]) >= first]
    examples = [read(path) for path in paths]
    _diagnose(examples[0], 1)  # warm-up: TensorFlow's import and first model
    outcomes = []
    for path, ex in zip(paths, examples):
        d, seconds, note, crashed = _diagnose(ex, repeats)
        expected = tuple(k for k in ex.expect if k != "ok")
        kinds = tuple(p.kind for p in d.problems) if d else ()
        reported = tuple(p.kind + ("" if p.severity == "error" else " (w)") for p in d.problems) if d else ()
        fix = "" if d is None or d.verification is None else "verified" if d.verification.verified else \
            "not verified"
        wanted = "ok" if "ok" in ex.expect else ex.verdict or "problem"
        fits = bool(d and d.verification and d.verification.verified and d.verification.matches_y)
        verdict = "crashed" if crashed else d.verdict if d else "refused"
        outcomes.append(Outcome(ex.slug, expected, "ok" in ex.expect, wanted, bool(ex.y_shape),
                                tuple(dict.fromkeys(reported)), verdict,
                                tuple(k for k in expected if k not in kinds), fix, fits, seconds, note,
                                held_out(path)))
    return outcomes


def totals(outcomes: list[Outcome]) -> dict[str, object]:
    """The figures: counts, rates and seconds."""
    with_kinds = [o for o in outcomes if o.expected]
    ok_cases = [o for o in outcomes if o.ok_case]
    fixes = [o for o in outcomes if o.fix]
    seconds = [o.seconds for o in outcomes]
    needs_fix = [o for o in outcomes if o.wanted == "problem" and o.has_y]
    return {
        "cases": len(outcomes),
        "right_verdict": sum(o.right for o in outcomes),
        "problem_cases_with_y": len(needs_fix),
        "verified_fix_fits_y": sum(o.fix_fits_y for o in needs_fix),
        "expected_kinds_all_found": sum(o.found_all for o in with_kinds),
        "cases_with_expected_kinds": len(with_kinds),
        "false_alarms": sum(o.false_alarm for o in ok_cases),
        "ok_cases": len(ok_cases),
        "fixes_verified": sum(o.fix == "verified" for o in fixes),
        "fixes_proposed": len(fixes),
        "problem_cases_fixed": sum(o.fix == "verified" for o in outcomes if not o.ok_case),
        "problem_cases": sum(not o.ok_case for o in outcomes),
        "crashes": sum(o.verdict == "crashed" for o in outcomes),
        "seconds_median": round(statistics.median(seconds), 3),
        "seconds_max": round(max(seconds), 3),
        "slowest": max(outcomes, key=lambda o: o.seconds).case,
    }


def held_out_sets(outcomes: list[Outcome]) -> dict[str, dict[str, object]]:
    """The totals of each held-out set, by the name its cases give."""
    names = sorted({o.held_out for o in outcomes if o.held_out})
    return {name: totals([o for o in outcomes if o.held_out == name]) for name in names}


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def table(outcomes: list[Outcome]) -> str:
    """The per-case table and the totals under it."""
    rows = [("case", "expected", "reported", "result", "fix", "s")]
    for o in outcomes:
        result = "FALSE ALARM" if o.false_alarm else "missed " + ", ".join(o.missing) if o.missing else \
            "refused" if o.verdict == "refused" else f"WRONG ({o.verdict})" if not o.right else \
            "found" if o.expected else o.verdict
        expected = ", ".join(("ok",) * o.ok_case + o.expected) or o.wanted
        rows.append((o.case, expected, ", ".join(o.reported) or "-", result, o.fix or "-", f"{o.seconds:.2f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    t = totals(outcomes)
    lines += ["", f"right verdict              {_rate(t['right_verdict'], t['cases'])}",
              f"verified fix gives y shape {_rate(t['verified_fix_fits_y'], t['problem_cases_with_y'])}",
              f"expected kinds all found   {_rate(t['expected_kinds_all_found'], t['cases_with_expected_kinds'])}",
              f"false alarms on ok cases   {_rate(t['false_alarms'], t['ok_cases'])}",
              f"fixes built and verified   {_rate(t['fixes_verified'], t['fixes_proposed'])}",
              f"problem cases so fixed     {_rate(t['problem_cases_fixed'], t['problem_cases'])}",
              f"seconds per diagnosis      median {t['seconds_median']:.2f}, max {t['seconds_max']:.2f} "
              f"({t['slowest']})",
              f"crashes                    {t['crashes']}"]
    for name, h in held_out_sets(outcomes).items():
        lines += ["", f"held out {name} ({h['cases']} cases)",
                  f"  right verdict              {_rate(h['right_verdict'], h['cases'])}",
                  f"  verified fix gives y shape {_rate(h['verified_fix_fits_y'], h['problem_cases_with_y'])}",
                  f"  crashes                    {h['crashes']}",
                  f"  seconds per diagnosis      median {h['seconds_median']:.2f}, max {h['seconds_max']:.2f}"]
    notes = [f"{o.case}: {o.note}" for o in outcomes if o.note]
    return "\n".join(lines + (["", "Refused or crashed:"] + notes if notes else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.doctor",
                                     description="The shape doctor on the cases in benchmarks/doctor_cases/.")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--repeats", type=int, choices=range(1, 11), default=1, metavar="N",
                        help="diagnose each case N times (1..10) and keep the median time (default 1)")
    parser.add_argument("--from", dest="first", type=bounded(int, 0, 1000), default=0, metavar="N",
                        help="only the cases numbered N and above (say 26: the cases added last)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    outcomes = measure(args.repeats, args.first)
    if args.json:
        json.dump({"keras_version": keras.__version__, "repeats": args.repeats, "totals": totals(outcomes),
                   "held_out": held_out_sets(outcomes),
                   "cases": [asdict(o) | {"found_all": o.found_all, "false_alarm": o.false_alarm, "right": o.right}
                             for o in outcomes]}, sys.stdout, indent=2)
        print()
    else:
        print(f"Shape doctor on {len(outcomes)} cases (Keras {keras.__version__}, repeats {args.repeats})\n")
        print(table(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
