"""python -m rnnlab describe: one JSON object for a query string; bad input exits 2 without a traceback."""

import json
import re

import keras
import pytest

import rnnlab
from tests.helpers import cli


def described(query):
    """The CLI's JSON for a query string (the command must succeed)."""
    proc = cli("describe", query)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_describe_prints_the_documented_fields():
    query = ("layer=lstm&units=64&timesteps=10&features=3&batch=32&return_sequences=true&return_state=true"
             "&input=uniform&seed=0")
    result = described(query)
    assert {"keras_version", "config", "returns", "params", "agreement_max_abs_diff", "code"} <= set(result)
    assert result["keras_version"] == keras.__version__
    assert [r["name"] for r in result["returns"]] == ["whole_seq", "state_h", "state_c"]
    assert result["returns"] == rnnlab.describe(query)["returns"]
    assert result["config"]["return_sequences"] is True and result["config"]["units"] == 64
    assert result["agreement_max_abs_diff"] <= 1e-5


def test_describe_shapes_carry_the_concrete_batch():
    result = rnnlab.describe("batch=5&units=7&return_sequences=1&timesteps=4")
    assert result["returns"] == [{"name": "whole_seq", "shape": [5, 4, 7]}]


@pytest.mark.parametrize("args", [("describe", "units=0"), ("describe", "nonsense=1&return_state=maybe"),
                                  ("describe", "units=" + "9" * 300), ("explain",), ()])
def test_bad_input_exits_2_with_a_message_and_no_traceback(args):
    proc = cli(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.strip()


def test_bad_query_message_names_every_problem():
    proc = cli("describe", "units=0&colour=red")
    assert "units=0" in proc.stderr and "'colour'" in proc.stderr


def test_python_describe_raises_a_value_error_listing_problems():
    with pytest.raises(ValueError, match="units"):
        rnnlab.describe("units=-1")


def test_describe_handles_every_option():
    query = ("layer=gru&bidirectional=true&merge_mode=sum&depth=2&head=dense&head_units=2&lengths=10,5&mask=1"
             "&return_state=1&activation=relu&input=sine")
    result = described(query)
    assert result["refusal"] is None
    assert [r["name"] for r in result["returns"]] == ["output", "forward_h", "backward_h", "prediction"]
    assert result["config"]["depth"] == 2 and result["config"]["lengths"] == [10, 5]


def test_describe_reports_what_keras_refuses():
    result = rnnlab.describe("depth=2&inner_return_sequences=false")
    assert result["returns"] == [] and "ndim" in result["refusal"]["message"]
    assert result["refusal"]["fix"] == {"inner_return_sequences": "true"}


def test_a_model_wrapped_hundreds_deep_gets_a_message_and_exit_2():
    lines = ["layer = keras.layers.LSTM(4)", *["layer = keras.layers.Bidirectional(layer)"] * 300,
             "model = keras.Sequential([layer])"]
    proc = cli("doctor", "--code", "\n".join(lines), "--x-shape", "8,5,2", "--y-shape", "8,4")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "nested too deeply" in proc.stderr and "Traceback" not in proc.stderr


def test_doctor_is_unsure_of_a_loop_that_makes_more_layers_than_it_reads():
    """51 LSTM(4) without return_sequences: Keras refuses the second one. The doctor reads a loop over at most
    50 known values; this one it reads once, so it must not say "ok" but "unsure", naming the loop's line."""
    code = ("import keras\nfrom keras.layers import LSTM, Dense\nmodel = keras.Sequential([keras.Input((10, 3))])\n"
            "for i in range(51):\n    model.add(LSTM(4))\nmodel.add(Dense(1))\n")
    proc = cli("doctor", "--x-shape", "32,10,3", "--y-shape", "32,1", "--loss", "mse", "--code", code, "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["verdict"] == "unsure"
    (unread,) = result["not_understood"]
    assert unread["line"] == 4 and unread["model"] and "read once" in unread["reason"]


def test_a_refusal_names_keras_layers_without_their_internal_counters():
    """A long-running server has built lstm_12 by now: the learner's code names no such layer."""
    from rnnlab import refusals
    from rnnlab.params import parse

    said = refusals.explain(parse("units=8").config, "Input 0 of layer 'lstm_12' is incompatible; 'simple_rnn_3'")
    assert said.message == "Input 0 of layer 'lstm' is incompatible; 'simple_rnn'"
    result = rnnlab.describe("units=8&depth=2&inner_return_sequences=false")
    assert not re.search(r"'[a-z_]+_\d+'", result["refusal"]["message"]), result["refusal"]["message"]
