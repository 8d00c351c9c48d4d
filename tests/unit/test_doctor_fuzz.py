"""Property-based fuzzing of the shape doctor: whatever is pasted (any text, or learner-like programs with absurd
arguments) the reader answers with a Program or its own input error, every line it names is a line of the code,
the Keras 1/2 translations and the code it writes back stay valid Python; the `doctor` command line refuses bad
shapes with exit 2 and a message, before Keras is ever reached; and the whole pipeline (reader, rules, Keras's
trial, the fix search) on mutations of every measured case never lets an exception escape: a diagnosis, or the
doctor's own input error, and the command line prints JSON.

Only the last part builds Keras models, on a few dozen mutations (each diagnosis is a real build and step)."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rnnlab.doctor.diagnosis
from rnnlab import doctor
from rnnlab.doctor import catalogue, rules
from rnnlab.doctor.examples import read as read_example
from rnnlab.doctor.reading import MAX_CODE_CHARS, DoctorInputError, read
from rnnlab.doctor.trial import Built, Data
from rnnlab.doctor.writing import program_code
from tests.helpers import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
X, Y = (32, 10, 3), (32, 1)
LINE = re.compile(r"\bline (\d+)\b")


def lines_in(code: str) -> int:
    return max(1, len(code.splitlines()))


def check_lines(code: str, program) -> None:
    """Every line the reading names is a line of the code."""
    count = lines_in(code)
    for item in program.not_read:
        assert 1 <= item.line <= count, (item, count)
    for step in program.steps:
        assert 0 <= step.line <= count and (step.layer is None or 0 <= step.layer.line <= count), step
    for where in (program.loss_line, program.optimizer_line, program.fit_line):
        assert where is None or 1 <= where <= count


def read_or_refuse(code: str, x=X, y=Y):
    """read(), which may only refuse with DoctorInputError; the lines a refusal names are in the code."""
    try:
        program = read(code, x, y)
    except DoctorInputError as err:
        assert all(1 <= int(n) <= lines_in(code) for n in LINE.findall(str(err))), (str(err), code)
        return None
    check_lines(code, program)
    return program


def check_problem(problem, code: str) -> None:
    assert problem.kind and problem.message and problem.severity in ("error", "warning")
    assert problem.line is None or 1 <= problem.line <= lines_in(code), (problem, code)


def translated(program, data: Data, code: str):
    """The Keras 1/2 translations applied, as the doctor applies them before its trial."""
    found = rules.translations(program, data)
    for finding in found:
        check_problem(finding.problem, code)
        program = finding.repair(program)
    return program, found


def assert_writes_python(program) -> None:
    ast.parse(program_code(program))


# --- (a) any text -------------------------------------------------------------------------------------

TEXT = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=MAX_CODE_CHARS + 50),
    st.binary(max_size=400).map(lambda b: b.decode("latin-1")),
    st.lists(st.sampled_from(["model = Sequential()", "model.add(LSTM(4))", "\x00", "((((", "'''", "\\",
                              "x = LSTM(8)(x)", "    ", "\t", "if True:", "é = 1", "𝑥 = Dense(1)(x)", "#",
                              "lambda: 0", "@decorator", "async def f(): pass", "model.add(Dense(1e309))"]),
             max_size=30).map("\n".join),
    st.just("(" * 300 + ")" * 300), st.just("[" * 5000), st.just("-" * 10000 + "1"),
)


@pytest.mark.usefixtures("keras_never_runs")
@EXAMPLES
@given(TEXT)
def test_any_pasted_text_is_read_or_refused_with_the_doctors_own_error(code):
    program = read_or_refuse(code)
    if program is not None:
        program, _ = translated(program, Data(X, Y), code)
        assert_writes_python(program)


# --- (b) learner-like programs ------------------------------------------------------------------------

NAMES = st.sampled_from(["x", "inp", "inputs", "seq", "h", "c", "out", "a", "b", "X_train", "model", "enc", "_"])
LAYERS = st.one_of(st.sampled_from(sorted(catalogue.POSITIONAL)),
                   st.sampled_from(["Foo", "keras.layers.LSTM", "tf.keras.layers.GRU", "layers.Dense", "len",
                                    "print", "Sequential", "Model", "open", "__import__", "np.zeros"]))
VALUES = st.one_of(
    st.integers(-3, 600).map(str), st.integers(-3, 600).map(str), st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=False).map(repr),
    st.sampled_from(["1e309", "-1e309", "None", "True", "False", "'relu'", "'softmax'", "'concat'", "''", "...",
                     "X.shape[1]", "X.shape[-1]", "X.shape[9]", "y.shape", "len(X)", "[64, 32]", "(None, 3)",
                     "(-1, 5, 3)", "(0,)", "(5, 3)", "(10**9, 3)", "2**64", "3 // 0", "'a' * 10**6", "x[:, -1]",
                     "[h, c]", "(h, c)", "lambda t: t", "{'a': 1}", "f'{x}'", "'\\x00'", "'é'"]),
    st.text(alphabet=string.ascii_letters + " ,()[]'\"", max_size=12).map(repr),
)
KEYWORDS = st.one_of(st.sampled_from(["units", "return_sequences", "return_state", "input_shape",
                                      "batch_input_shape", "input_dim", "input_length", "batch_size", "stateful",
                                      "merge_mode", "go_backwards", "activation", "output_dim", "shape",
                                      "batch_shape", "axis", "n", "rate", "layer", "cell", "initial_state",
                                      "return_sequence", "lr", "dropout_W", "time_major", "loss", "optimizer"]),
                     st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=10))


@st.composite
def layer_call(draw, depth: int = 0) -> str:
    name = draw(LAYERS)
    args = draw(st.lists(VALUES, max_size=3))
    if depth < 2 and draw(st.booleans()) and name in ("Bidirectional", "TimeDistributed", "RNN"):
        args = [draw(layer_call(depth + 1)), *args]
    keywords = draw(st.dictionaries(KEYWORDS, VALUES, max_size=4))
    return f"{name}({', '.join(args + [f'{k}={v}' for k, v in keywords.items()])})"


def names(draw, most: int = 6) -> list[str]:
    return draw(st.lists(NAMES, min_size=1, max_size=most))


def tensors(draw) -> str:
    given = names(draw, 3)
    return given[0] if len(given) == 1 and draw(st.booleans()) else f"[{', '.join(given)}]"


# One learner line each: a function of draw, so that only what a line uses is drawn.
LINES = (
    lambda d: f"model = Sequential([{', '.join(d(st.lists(layer_call(), max_size=4)))}])",
    lambda d: "model = Sequential()",
    lambda d: f"model = Sequential([Input(batch_shape=({d(VALUES)}, 10, 3)), LSTM(8, stateful={d(VALUES)})])",
    lambda d: f"model.add({d(layer_call())})",
    lambda d: f"{names(d)[0]} = Input(shape={d(VALUES)})",
    lambda d: f"{names(d)[0]} = {d(layer_call())}({tensors(d)})",
    lambda d: f"{', '.join(names(d))} = {d(layer_call())}({tensors(d)})",
    lambda d: f"{', '.join(names(d))} = {names(d)[0]}",
    lambda d: f"{names(d)[0]} = {d(layer_call())}",
    lambda d: f"{names(d)[0]} = {names(d)[0]}({tensors(d)}, initial_state={tensors(d)})",
    lambda d: f"{names(d)[0]} = {d(st.sampled_from(sorted(catalogue.MERGES.values())))}({tensors(d)})",
    lambda d: f"{names(d)[0]} = keras.ops.flip({tensors(d)}, axis={d(VALUES)})",
    lambda d: f"model = Model({tensors(d)}, {tensors(d)})",
    lambda d: f"model = Model(inputs={names(d)[0]}, outputs={names(d)[0]})",
    lambda d: f"model.compile(loss={d(VALUES)}, optimizer={d(st.sampled_from(['Adam(lr=0.1)', 'SGD(1)', '1']))})",
    lambda d: f"model.fit(X, y, batch_size={d(VALUES)}, shuffle={d(VALUES)}, epochs={d(VALUES)})",
    lambda d: f"model.build({d(VALUES)})",
    lambda d: "model.reset_states()",
    lambda d: f"for {names(d)[0]} in {d(st.sampled_from(['range(3)', 'range(10**9)', '[64, 32]', 'data', '()']))}:"
              f"\n    model.add({d(layer_call())})",
    lambda d: f"def build({names(d)[0]}={d(VALUES)}):\n    model = Sequential([{d(layer_call())}])\n    return model",
    lambda d: f"model = build({d(VALUES)})",
    lambda d: f"{names(d)[0]} = {names(d)[0]}[{d(VALUES)}]",
    lambda d: f"{names(d)[0]} = {d(VALUES)}",
    lambda d: "if __name__ == '__main__':\n    model.summary()",
    lambda d: f"while True:\n    {names(d)[0]} = {d(layer_call())}",
)


@st.composite
def learner_line(draw) -> str:
    return draw(st.sampled_from(LINES))(draw)


# How learners' code starts: a model the rest of the lines add to, use, or break.
STARTS = ("model = Sequential()\nmodel.add(LSTM(8, input_shape=(10, 3)))",
          "model = Sequential([Input((10, 3)), GRU(4, return_sequences=True)])",
          "inp = Input(shape=(10, 3))\nx = LSTM(8, return_sequences=True)(inp)",
          "x = Bidirectional(LSTM(8, return_state=True))(inputs)", "")


@pytest.mark.usefixtures("keras_never_runs")
@EXAMPLES
@given(st.sampled_from(STARTS), st.lists(learner_line(), min_size=1, max_size=12),
       st.tuples(st.integers(1, 10**6), st.integers(1, 500), st.integers(1, 64)),
       st.one_of(st.none(), st.tuples(st.integers(1, 10**6), st.integers(1, 20))), st.data())
def test_learner_like_programs_are_read_or_refused_and_written_back_as_python(start, lines, x, y, data):
    code = "\n".join(["from keras.layers import *", start, *lines])
    program = read_or_refuse(code, x, y)
    if program is None:
        return
    program, found = translated(program, Data(x, y), code)
    assert_writes_python(program)
    fake = made_up_trial(data.draw, program)
    for finding in rules.findings(program, fake, Data(x, y, program.loss)):
        check_problem(finding.problem, code)
        if finding.repair:
            assert_writes_python(finding.repair(program))


FAILURES = ("Layer \"dense\" expects 1 input(s), but it received 2 input tensors.",
            "Unrecognized keyword arguments passed to LSTM: {'foo': 1, 'bar': 2}",
            "Input 0 of layer \"lstm\" is incompatible with the layer: expected ndim=3, found ndim=2.",
            "not enough values to unpack (expected 3, got 1)", "Inputs have incompatible shapes.")
SHAPE = st.lists(st.one_of(st.integers(1, 64), st.none()), min_size=1, max_size=3).map(lambda s: (None, *s))


def made_up_trial(draw, program) -> Built:
    """A trial as Keras might have answered it: shapes for every step, failures at some, perhaps a training."""
    shapes, counts, failures = {}, {}, {}
    for step in program.steps:
        shapes[step.id] = tuple(draw(st.lists(SHAPE, min_size=1, max_size=draw(st.sampled_from([1, 1, 5])))))
        counts[step.id] = len(shapes[step.id])
        if step.kind == "layer" and draw(st.booleans()):
            failures[step.id] = draw(st.sampled_from(FAILURES))
    outputs = draw(st.one_of(st.none(), SHAPE.map(lambda s: (s,)), st.lists(SHAPE, min_size=1, max_size=3).map(tuple)))
    error = next(iter(failures.values()), None) or draw(st.sampled_from([None, "Incompatible shapes"]))
    return Built(shapes, counts, failures, error=error, error_phase="train" if error and not failures else "",
                 outputs=outputs, trained=error is None and draw(st.booleans()))


# --- (c) the doctor command line ----------------------------------------------------------------------

SHAPES = st.one_of(
    st.text(max_size=30), st.text(alphabet="0123456789,-() ", max_size=30),
    st.lists(st.integers(-10**20, 10**20).map(str), max_size=8).map(",".join),
    st.lists(st.integers(0, 3).map(str), min_size=1, max_size=6).map(",".join),
    st.sampled_from(["118,45,2", "(118, 45, 2)", "[1, 2]", "1,0,3", "-1,5,3", "1e3,5,3", "١١٨,٤٥,٢", "１,２",
                     "118;45;2", "\x00", "", " ", "9" * 200, "1," * 60, "None,5,3", "118,45,2,1,1,1", "5"]),
)


@pytest.fixture
def keras_never_runs(monkeypatch):
    """Bad input is refused before the doctor builds anything."""
    def refuse(*args, **kwargs):
        raise AssertionError("the doctor reached Keras")

    monkeypatch.setattr(rnnlab.doctor.diagnosis, "examine", refuse)


def refused(text: str | None, name: str, ranks: range) -> str | None:
    """parse_shape's reason for refusing a shape, or None when it takes it."""
    try:
        doctor.parse_shape(text, name, ranks) if text is not None else None
    except DoctorInputError as err:
        return str(err)
    return None


@pytest.mark.usefixtures("keras_never_runs")
@EXAMPLES
@given(SHAPES, st.one_of(st.none(), SHAPES), st.booleans(),
       st.sampled_from(["print('no model')", "model = (", "", "é" * 10, "model.add(LSTM(4))\0"]))
def test_the_doctor_command_line_refuses_bad_shapes_with_exit_2_and_a_message(x, y, joined, unreadable):
    x_refused, y_refused = refused(x, "X shape", range(2, 6)), refused(y or None, "y shape", range(1, 6))
    # with a bad shape, a model the doctor could build is refused all the same; otherwise the code is unreadable
    code = "model = Sequential([Input((5, 3)), LSTM(4), Dense(1)])" if x_refused or y_refused else unreadable
    argv = ["doctor", *([f"--x-shape={x}"] if joined else ["--x-shape", x]), "--code", code]
    argv += [f"--y-shape={y}"] if y is not None else []
    done = cli(*argv, here=True)
    status, printed, said = done.returncode, done.stdout, done.stderr
    assert status == 2, (argv, printed, said)
    assert printed == "" and said.strip() and "Traceback" not in said
    if "usage:" not in said:  # argparse took the shape for an option (it starts with -): its own message
        assert (x_refused or y_refused or "rnnlab doctor: ") in said, (argv, said)


# --- (d) the whole pipeline on mutations of the measured cases ----------------------------------------

CASES = tuple(read_example(path) for path in sorted((ROOT / "benchmarks" / "doctor_cases").glob("*.py")))
NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
SWAPS = ("LSTM", "GRU", "SimpleRNN", "Dense", "TimeDistributed", "Bidirectional", "RepeatVector", "Flatten",
         "Dropout", "Conv1D", "Embedding", "Reshape", "Permute", "Conv2D", "MaxPooling2D", "Add")
KERAS1 = ("output_dim=1", "init='orthogonal'", "input_dim=3", "batch_input_shape=(32, 10, 3)", "lr=0.01",
          "consume_less='gpu'", "input_length=5", "return_sequences=True", "mode='sum'", "input=x", "output=x")
WHOLE = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def code_lines(example) -> list[int]:
    """The indexes of the lines after the header: the code a learner pasted."""
    lines = example.code.splitlines()
    return [i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]


@st.composite
def mutated(draw):
    """A measured case with one to three learner-like slips: a line dropped, a number changed, a layer swapped,
    a Keras 1 argument added."""
    example = draw(st.sampled_from(CASES))
    lines = example.code.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from([i for i in code_lines(example) if i < len(lines)] or [0]))
        line = lines[where]
        how = draw(st.sampled_from(("drop", "number", "swap", "keras1")))
        if how == "drop":
            lines[where] = ""
        elif how == "number" and NUMBER.search(line):
            new = draw(st.sampled_from(("0", "1", "2", "7", "64", "999999", "-1")))
            lines[where] = NUMBER.sub(new, line, count=1)
        elif how == "swap":
            old = next((name for name in SWAPS if re.search(rf"\b{name}\(", line)), None)
            if old:
                lines[where] = re.sub(rf"\b{old}\(", draw(st.sampled_from(SWAPS)) + "(", line, count=1)
        elif ")" in line:
            cut = line.rindex(")")
            lines[where] = f"{line[:cut]}, {draw(st.sampled_from(KERAS1))}{line[cut:]}"
    return example, "\n".join(lines)


def named_lines_exist(diagnosis, code: str) -> None:
    count = lines_in(code)
    assert all(1 <= n.line <= count for n in diagnosis.not_read), diagnosis.not_read
    assert all(p.line is None or 1 <= p.line <= count for p in diagnosis.problems), diagnosis.problems
    if diagnosis.verdict == "unsure":
        assert diagnosis.unread_model or diagnosis.untested, diagnosis


@WHOLE
@given(mutated())
def test_the_whole_doctor_on_mutated_cases_answers_with_a_diagnosis_or_its_own_error(case):
    example, code = case
    try:
        diagnosis = doctor.diagnose(code, example.x_shape, example.y_shape, example.loss)
    except DoctorInputError as err:
        assert str(err).strip()
        return
    assert diagnosis.verdict in ("ok", "problem", "unsure")
    named_lines_exist(diagnosis, code)
    json.dumps(diagnosis.to_json())


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_doctor_command_line_prints_json_for_mutated_cases(case):
    example, code = case
    argv = ["doctor", "--x-shape", example.x_shape, "--code", code, "--json"]
    argv += ["--y-shape", example.y_shape] if example.y_shape else []
    argv += ["--loss", example.loss] if example.loss else []
    done = cli(*argv, here=True)
    status, printed, said = done.returncode, done.stdout, done.stderr
    assert "Traceback" not in said
    if status == 2:  # the doctor's own refusal: a message, no output
        assert said.strip() and printed == ""
    else:
        assert json.loads(printed)["verdict"] in ("ok", "problem", "unsure")
