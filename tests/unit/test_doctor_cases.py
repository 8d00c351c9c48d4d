"""Every measured case in benchmarks/doctor_cases/ as a regression test: the doctor reports the kinds the case
names, gives the verdict it must (no false alarm on a correct model), and every fix it proposes runs as printed
with the installed Keras: it builds, trains one step on zeros of the learner's shapes and gives y's shape."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from rnnlab import doctor
from rnnlab.doctor import examples
from tests.conftest import ROOT
from tests.helpers import model_in, run_fixed

CASES = ROOT / "benchmarks" / "doctor_cases"
PATHS = sorted(CASES.glob("*.py"))
# What the doctor still gets wrong, by case and test: each is expected to fail, and passes the day it is mended
# (then it fails here, strict, until it leaves this list). The benchmark counts them as misses.
VERDICT_MISSES: dict[str, str] = {}
FIX_MISSES = {
    "73_functional_conv_and_lstm_trailing_commas": "the lines after the trailing commas are not read: no verified fix",
    "83_keras1_time_distributed_conv2d_theano_layout": "Keras 1's Convolution2D(n, rows, cols) is read as strides=cols",
}


def cases(misses: dict[str, str]) -> list:
    return [pytest.param(path, id=path.stem, marks=[pytest.mark.xfail(strict=True, reason=misses[path.stem])]
                         if path.stem in misses else []) for path in PATHS]


@lru_cache(maxsize=None)
def diagnosed(path: Path):
    case = examples.read(path)
    return case, doctor.diagnose(case.code, case.x_shape, case.y_shape, case.loss)


def wanted_verdict(case: examples.Example) -> str:
    return "ok" if "ok" in case.expect else case.verdict or "problem"


def fits(output: tuple, y: tuple, loss: str | None) -> bool:
    """Keras's output shape against y's, both without the batch axis, as Keras's losses take them: a trailing
    axis of 1 may be added or dropped; a sparse loss takes one class number where the output has the classes; an
    open axis (None, say the timesteps of Input(shape=(None, 5))) takes y's size."""
    out = tuple(output)
    if (loss or "").startswith("sparse"):
        out = out[:-1]
    trim = lambda s: s[:-1] if s and s[-1] == 1 else s  # noqa: E731
    same = lambda a, b: len(a) == len(b) and all(d is None or d == e for d, e in zip(a, b))  # noqa: E731
    return same(out, tuple(y)) or same(trim(out), trim(tuple(y)))


@pytest.mark.parametrize("path", cases(VERDICT_MISSES))
def test_case_reports_what_it_must(path):
    case, d = diagnosed(path)
    kinds = {p.kind for p in d.problems}
    assert set(k for k in case.expect if k != "ok") <= kinds, (kinds, d.keras_error)
    assert d.verdict == wanted_verdict(case), ([(p.kind, p.message) for p in d.problems], d.untested,
                                               d.unread_model)


@pytest.mark.parametrize("path", cases(FIX_MISSES))
def test_case_fix_runs_as_printed_and_gives_y_shape(path):
    case, d = diagnosed(path)
    if wanted_verdict(case) == "problem" and case.y_shape:
        assert d.fixed_code, "a problem case with y gets a fix"
    if not d.fixed_code:
        return
    assert d.verification.verified and d.verification.trained, d.verification.summary
    model = model_in(run_fixed(d.fixed_code))  # None when the code, like the learner's, makes none
    if model is None or len(model.inputs) != 1:
        return
    x = doctor.parse_shape(case.x_shape)
    y = doctor.parse_shape(case.y_shape) if case.y_shape else None
    output = model.outputs[0].shape
    if y is not None:
        assert len(model.outputs) == 1 and fits(output[1:], y[1:], model.loss or case.loss), (output, y)
    batch = model.inputs[0].shape[0] or 2
    if batch > 64 or batch * np.prod(x[1:]) > 500_000 or model.count_params() > 2_000_000:
        return  # too big to train here at the learner's sizes: the doctor's trial ran it shrunk
    xs = np.zeros((batch, *x[1:]), "float32")
    ys = np.zeros((batch, *y[1:]), "float32") if y is not None else np.zeros(model(xs).shape, "float32")
    loss = model.train_on_batch(xs, ys)
    assert np.isfinite(np.ravel(loss)[0])
