"""The generated code runs as printed, without warnings, and reproduces the run's shapes and numbers."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import rnnlab
from rnnlab.params import parse
from rnnlab.run import run

QUERIES = ["", "return_sequences=true", "return_state=true",
           "return_sequences=1&return_state=1&units=5&timesteps=9&features=2&batch=4&input=sine&seed=3",
           "input=steps&timesteps=7&return_state=1", "input=normal&seed=11&return_sequences=1",
           "layer=gru&bidirectional=1&merge_mode=none&return_sequences=1&return_state=1",
           "layer=simple_rnn&go_backwards=1&activation=relu&return_sequences=1&head=time_distributed",
           "depth=3&lengths=10,4&mask=1&padding=pre&return_state=1&head=dense&head_units=2",
           "stateful=1&depth=2&bidirectional=1&merge_mode=ave", "stateful=1&return_state=1&layer=gru"]
SAVE = "\nnp.savez({path!r}, {arrays})\n"


def _execute(query, tmp_path):
    """Run the printed program in a fresh interpreter (-W error: any Python warning fails it)."""
    described = rnnlab.describe(query)
    names = [r["name"] for r in described["returns"]]
    out = tmp_path / f"{abs(hash(query))}.npz"
    program = described["code"] + SAVE.format(path=str(out), arrays=", ".join(f"{n}=np.asarray({n})" for n in names))
    proc = subprocess.run([sys.executable, "-W", "error", "-c", program], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    return described, proc, out


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("code")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(QUERIES, pool.map(lambda q: _execute(q, tmp), QUERIES)))


@pytest.mark.parametrize("query", QUERIES)
def test_code_prints_the_same_shapes(executed, query):
    described, proc, _ = executed[query]
    assert proc.returncode == 0, proc.stderr[-2000:]
    printed = [line.split(" ", 1) for line in proc.stdout.strip().splitlines()]
    expected = [[r["name"], str(tuple(r["shape"]))] for r in described["returns"]] + [["params", str(described["params"])]]
    assert printed == expected


@pytest.mark.parametrize("query", QUERIES)
def test_code_reproduces_the_numbers_on_screen(executed, query):
    _, proc, out = executed[query]
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = run(parse(query).strict().config)
    saved = np.load(out)
    for tensor in result.stateful.second if result.stateful else result.returns:  # stateful: the second call
        np.testing.assert_allclose(saved[tensor.name], tensor.value, atol=1e-6)


def test_code_uses_keras_input_not_input_shape():
    code = rnnlab.describe("return_state=1")["code"]
    assert "keras.Input(shape=(10, 3))" in code and "input_shape" not in code
    assert "output, state_h, state_c = lstm(inputs)" in code


def test_refused_code_stops_where_keras_does():
    code = rnnlab.describe("depth=2&inner_return_sequences=0")["code"]
    assert "Keras refuses" in code and "print(" not in code


@pytest.mark.parametrize("query, line", [
    ("", "output = lstm(x)"),
    ("depth=2&return_state=true", "output, state_h, state_c = lstm(seq_1)"),
    ("depth=3&layer=gru&bidirectional=true", "output = bi_gru(seq_2)"),
])
def test_the_unpack_line_reads_what_the_top_layer_reads(query, line):
    from rnnlab.codegen import code_for, unpack_line

    config = parse(query).config
    assert unpack_line(config) == line
    reads = line.split("(")[1].rstrip(")")
    if reads != "x":  # the generated code names the layer below's output the same way
        code = code_for(config, {}, 0)
        assert f"{reads} = keras.layers." in code and f"({reads})" in code
