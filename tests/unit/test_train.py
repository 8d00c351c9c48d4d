"""Training: settings, tasks, what must match, a real fit at tiny sizes, stopping, the job queue, the CLI.

Every shape is compared with what the installed Keras returns, and every claim the page makes about
Keras (silent broadcasting, the KeyError with return_state, the mask reaching the loss) is checked here.
"""

import dataclasses
import json
import os
import signal
import sys
import threading
import time
from urllib.parse import parse_qsl, urlencode

import keras
import numpy as np
import plotly.graph_objects as go
import pytest

import rnnlab
from rnnlab import engine, model
from rnnlab.params import parse
from rnnlab.settings import ConfigError
from rnnlab.training import fit, jobs, plan, settings as table
from rnnlab.training.figures import loss_figure, predictions_figure, states_figure
from rnnlab.training.fit import train
from rnnlab.training.plan import TrainRefused, refusal
from rnnlab.training.settings import Settings
from rnnlab.training.tasks import ECHO_DELAY, TASKS, make_data, shapes
from tests.conftest import ROOT
from tests.helpers import cli

TINY = "units=16&timesteps=8&features=1&batch=16&return_sequences=true&head=dense"  # one structure for most fits
SAMPLES = 128


def config_of(query):
    return parse(query).strict().config


@pytest.fixture(scope="module")
def trained():
    """One real training per task on TINY, with the default settings except the sample count."""
    return {task: train(config_of(TINY), Settings(task=task, samples=SAMPLES))
            for task in ("sine_next", "echo", "random")}


# --- settings ---

@pytest.mark.parametrize("raw, problem", [
    ({"epochs": 60}, "epochs=60 is outside 1..50"),
    ({"epochs": 0}, "epochs=0 is outside 1..50"),
    ({"learning_rate": -1.0}, "learning_rate=-1 must be above 0 and at most 1"),
    ({"learning_rate": 0.0}, "learning_rate=0 must be above 0 and at most 1"),
    ({"learning_rate": float("nan")}, "learning_rate must be a number"),
    ({"optimizer": "adamw"}, "optimizer='adamw' is not one of adam, rmsprop, sgd"),
    ({"task": "copy"}, "task='copy' is not one of random, sine_next, running_sum, echo, multi"),
    ({"batch_size": 8}, "unknown training setting 'batch_size'"),
])
def test_bad_settings_get_a_message_and_the_defaults(raw, problem):
    checked = table.check(raw)
    assert checked.problems == [problem]
    assert checked.value == Settings()
    with pytest.raises(ConfigError, match="outside|above|number|one of|unknown"):
        checked.strict()


def test_settings_from_text_round_trip():
    checked = table.parse({"task": "echo", "learning_rate": "0.003", "epochs": "7", "samples": "64"})
    assert not checked.problems
    assert checked.value == Settings(task="echo", learning_rate=0.003, epochs=7, samples=64)
    assert table.to_query(checked.value) == {"task": "echo", "learning_rate": "0.003", "epochs": "7",
                                                "samples": "64"}
    assert table.parse({"learning_rate": "abc"}).problems == ["learning_rate='abc' is not a number"]


# --- tasks ---

@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("sequences", [True, False])
def test_x_and_y_have_the_shapes_an_independent_keras_model_takes_and_returns(task, sequences):
    config = config_of(f"units=4&timesteps=6&features=2&return_sequences={sequences}")
    data = make_data(config, task, samples=5, seed=0)
    width = TASKS[task].width
    reference = keras.Sequential([keras.Input((config.timesteps, config.features)),
                                  keras.layers.LSTM(4, return_sequences=sequences), keras.layers.Dense(width)])
    assert tuple(reference(data.x).shape) == data.y.shape
    assert (data.x.shape, data.y.shape) == shapes(config, task, 5)


def test_targets_are_what_the_tasks_say():
    config = config_of("timesteps=9&features=2&return_sequences=true")
    echo = make_data(config, "echo", 4, 1)
    np.testing.assert_array_equal(echo.y[:, ECHO_DELAY:, 0], echo.x[:, :-ECHO_DELAY, 0])
    assert not echo.y[:, :ECHO_DELAY].any()
    summed = make_data(config, "running_sum", 4, 1)
    np.testing.assert_allclose(summed.y[..., 0], np.cumsum(summed.x[..., 0], axis=1), rtol=1e-5)
    multi = make_data(config, "multi", 4, 1)
    np.testing.assert_array_equal(multi.y[..., 0], multi.x[..., 0])
    np.testing.assert_array_equal(multi.y[:, 1:, 1], multi.x[:, :-1, 0])
    sine = make_data(config_of("timesteps=9&features=2"), "sine_next", 4, 1)  # the value after the last step
    wave = make_data(config_of("timesteps=10&features=2&return_sequences=true"), "sine_next", 4, 1)
    np.testing.assert_allclose(sine.y[:, 0], wave.x[:, -1, 0], atol=1e-6)


@pytest.mark.parametrize("padding", ["post", "pre"])
def test_padded_data_keeps_targets_at_real_steps(padding):
    config = config_of(f"timesteps=6&features=1&lengths=6,3&padding={padding}&return_sequences=true")
    data = make_data(config, "echo", 4, 0)
    assert data.real.sum(axis=1).tolist() == [6, 3, 6, 3]
    assert not data.x[~data.real].any() and not data.y[~data.real].any()
    last = make_data(dataclasses.replace(config, return_sequences=False), "echo", 4, 0)
    np.testing.assert_array_equal(last.y[1], data.y[1][data.real[1]][-1])  # the last real step's target


# --- what must match ---

@pytest.mark.parametrize("query, task, fix", [
    ("", "echo", {"head": "dense", "head_units": "1"}),
    ("head=dense&return_sequences=true", "multi", {"head_units": "3"}),
    ("head=dense&head_units=3", "echo", {"head_units": "1"}),
    ("head=dense&return_state=true", "echo", {"return_state": "false"}),
    ("head=dense&stateful=true", "echo", {"stateful": "false"}),
    ("head=time_distributed", "echo", {"head": "dense"}),
    ("head=dense&head_activation=softmax", "sine_next", {"head_activation": "linear"}),
    ("head=dense&timesteps=3", "echo", {"timesteps": "10"}),
    ("head=dense&units=512&batch=8", "echo", {"units": str(plan.MAX_TRAIN_UNITS)}),
])
def test_a_mismatch_is_refused_and_its_fix_makes_the_model_trainable(query, task, fix):
    config, settings = config_of(query), Settings(task=task)
    found = refusal(config, settings)
    assert found is not None and found.fix == fix and found.explanation
    fixed = config_of(urlencode(dict(parse_qsl(query)) | fix))
    assert refusal(fixed, settings) is None
    with pytest.raises(TrainRefused):
        train(config, settings)


def test_a_training_too_long_for_a_shared_server_is_refused_with_a_shorter_one():
    config, settings = config_of("head=dense&units=256&timesteps=200&batch=4"), Settings(epochs=50, samples=4096)
    found = refusal(config, settings)
    assert found is not None and "would take about" in found.message
    shorter = table.check({**dataclasses.asdict(settings), **{k: int(v) for k, v in found.fix.items()}}).strict().value
    assert plan.estimate_seconds(config, shorter) <= plan.MAX_ESTIMATE_S
    assert refusal(config_of("head=dense&return_sequences=true"), Settings()) is None  # the defaults train


def test_keras_itself_trains_mismatched_widths_without_a_word():
    """What the refusals say: MSE broadcasts a (..., 1) target against 3 predictions, or 4 layer units."""
    x = np.random.RandomState(0).rand(16, 5, 2).astype("float32")
    for outputs, targets in ((3, 1), (1, 3), (None, 1)):
        inputs = keras.Input((5, 2))
        seq = keras.layers.LSTM(4, return_sequences=True)(inputs)
        net = keras.Model(inputs, keras.layers.Dense(outputs)(seq) if outputs else seq)
        net.compile(optimizer="adam", loss="mse", run_eagerly=True)  # no tracing: quick
        history = net.fit(x, np.zeros((16, 5, targets), "float32"), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0])


def test_keras_fit_with_the_states_as_outputs_fails_as_the_refusal_quotes():
    inputs = keras.Input((5, 2))
    seq, h, c = keras.layers.LSTM(4, return_sequences=True, return_state=True)(inputs)
    net = keras.Model(inputs, [seq, h, c, keras.layers.Dense(1)(seq)])
    net.compile(optimizer="adam", loss="mse")
    with pytest.raises(KeyError) as caught:
        net.fit(np.zeros((4, 5, 2), "float32"), np.zeros((4, 5, 1), "float32"), epochs=1, verbose=0)
    quoted = refusal(config_of("head=dense&return_state=true"), Settings()).explanation
    assert str(caught.value).strip('"') in quoted


# --- a real fit ---

@pytest.mark.parametrize("task", ["sine_next", "echo"])
def test_the_loss_falls_by_at_least_half_with_the_default_settings(trained, task):
    result = trained[task]
    assert len(result.loss) == Settings().epochs and not result.stop_reason
    assert result.loss[-1] <= 0.5 * result.loss[0]
    assert result.learned  # the validation loss is at most half that of always predicting the average


def test_the_same_settings_give_the_same_numbers(trained):
    again = train(config_of(TINY), Settings(task="echo", samples=SAMPLES))  # the compiled model, reused
    assert again.loss == trained["echo"].loss and again.val_loss == trained["echo"].val_loss


def test_random_targets_are_reported_unlearnable(trained):
    result = trained["random"]
    assert not TASKS["random"].learnable and not result.learned
    assert result.val_loss[-1] >= 0.9 * result.baseline
    assert result.baseline == pytest.approx(1 / 12, rel=0.25)  # the variance the page quotes


def test_shapes_are_those_of_the_installed_keras_model(trained):
    result, config = trained["echo"], config_of(TINY)
    described = rnnlab.describe(urlencode(dict(parse_qsl(TINY)) | {"batch": SAMPLES}))["returns"]
    assert result.prediction_shape == tuple(described[-1]["shape"]) == result.y_shape
    assert result.x_shape == (SAMPLES, config.timesteps, config.features)
    assert result.states_before.shape == result.states_after.shape == (plan.SHOWN, config.timesteps, config.units)
    assert result.prediction.shape == result.y_val.shape == result.prediction_before.shape


def test_training_starts_from_the_playground_weights():
    config = config_of("units=3&timesteps=4&features=2&layer=gru&bidirectional=true&depth=2&head=dense")
    x = np.random.RandomState(1).rand(2, 4, 2).astype("float32")
    weights, prediction, states = fit.starting_point(config, x)
    plain = model.build(dataclasses.replace(config, return_sequences=True), zeros=True)
    plain.set_weights(weights)
    sequence, _ = plain(x)
    np.testing.assert_allclose(np.asarray(sequence), states, atol=1e-6)
    np.testing.assert_allclose(prediction, model.call(config, x).arrays[-1], atol=1e-6)


def test_per_sequence_targets_and_another_layer():
    config = config_of("units=8&timesteps=8&features=1&layer=gru&head=dense&head_units=3")
    result = train(config, Settings(task="multi", samples=64, epochs=3))
    assert result.y_shape == result.prediction_shape == (64, 3)
    assert result.states_after.shape == (plan.SHOWN, 8, 8)


@pytest.mark.parametrize("padding, head", [("post", "dense"), ("pre", "time_distributed")])
def test_padding_the_loss_with_and_without_the_mask(padding, head):
    config = config_of(urlencode(dict(parse_qsl(TINY)) | {"lengths": "8,5,3", "mask": "true", "padding": padding,
                                                           "head": head}))
    result = train(config, Settings(task="echo", samples=64, epochs=2))
    with_mask, without = result.padding
    assert with_mask.masked and not without.masked
    assert result.keras_check.holds, result.keras_check  # Keras leaves padded steps out of the loss
    assert with_mask.every_step != with_mask.real_steps
    if padding == "post":  # the real steps come first: the mask changes nothing before the padding
        assert with_mask.real_steps == pytest.approx(without.real_steps, abs=1e-6)


def test_without_the_mask_keras_counts_the_padding():
    result = train(config_of(f"{TINY}&lengths=8,4"), Settings(task="echo", samples=64, epochs=1))
    assert result.keras_check.holds and "every timestep" in result.keras_check.claim


def test_a_diverged_training_is_named_and_its_json_has_nulls(trained):
    result = dataclasses.replace(trained["echo"], loss=(0.5, float("nan")), val_loss=(0.4, float("inf")))
    assert result.diverged and not trained["echo"].diverged
    assert json.loads(json.dumps(result.as_json(), allow_nan=False))["loss"] == [0.5, None]


# --- watching it train ---

def test_every_epoch_shows_the_models_predictions_then_and_the_last_are_the_trained_models():
    """What the Train page draws while training runs: after each epoch, Keras's predictions for the shown
    samples; they move as it learns, and after the last epoch they are the trained model's own."""
    seen = []
    settings = Settings(task="echo", samples=SAMPLES, epochs=4)
    result = train(config_of(TINY), settings, on_epoch=lambda epoch, loss, val, glimpse: seen.append(glimpse))
    assert [g.epoch for g in seen] == [0, 1, 2, 3]
    for glimpse in seen:
        assert glimpse.prediction.shape == result.prediction.shape and glimpse.settings == settings
        np.testing.assert_array_equal(glimpse.y_val, result.y_val)
        np.testing.assert_array_equal(glimpse.prediction_before, result.prediction_before)
    assert not np.allclose(seen[0].prediction, seen[-1].prediction)
    np.testing.assert_allclose(seen[-1].prediction, result.prediction, atol=1e-6)
    live = predictions_figure(seen[1], 0)["data"]
    drawn = next(t for t in live if t["name"] == "after epoch 2")
    np.testing.assert_array_equal(drawn["y"], seen[1].prediction[0, :, 0])


# --- stopping ---

def test_a_stop_request_ends_training_within_one_epoch():
    stop, asked = threading.Event(), []

    def on_epoch(epoch, loss, val_loss, glimpse):
        if epoch == 1:
            asked.append(epoch)
            stop.set()

    result = train(config_of(TINY), Settings(task="echo", samples=SAMPLES, epochs=20), on_epoch=on_epoch, stop=stop)
    assert asked == [1] and result.stop_reason == "stopped"
    assert len(result.loss) <= asked[0] + 2  # the epoch under way when asked, at most


def test_a_stop_before_the_first_batch_and_the_time_limit():
    stop = threading.Event()
    stop.set()
    result = train(config_of(TINY), Settings(task="echo", samples=SAMPLES, epochs=20), stop=stop)
    assert len(result.loss) == 1 and result.stop_reason == "stopped"
    timed = train(config_of(TINY), Settings(task="echo", samples=SAMPLES, epochs=20), max_seconds=0)
    assert len(timed.loss) == 1 and timed.stop_reason == "time limit"


# --- figures ---

def test_figures_are_valid_plotly_and_show_the_result(trained):
    result = trained["echo"]
    for figure in (loss_figure(result.loss, result.val_loss, 20, result.baseline), loss_figure([], [], 20),
                   predictions_figure(result, 3), states_figure(result, 3)):
        go.Figure(figure)
    lines = predictions_figure(result, 3)["data"]
    after = next(t for t in lines if t["name"] == "after training")
    np.testing.assert_array_equal(after["y"], result.prediction[3, :, 0])


# --- the job queue (training replaced by a gate, so the order is certain) ---

@pytest.fixture
def gated(monkeypatch):
    """Jobs run no training: each epoch waits until the test opens the gate for that job's task; like the
    real relay, a job stops when asked to or when nobody watches it any more. The queue starts empty."""
    for job in [*jobs._WAITING, *jobs._RUNNING]:  # earlier tests' watchers all leave
        for who in list(job.seen):
            job.leave(who)
    wait_for(lambda: jobs.waiting() == 0, seconds=30)
    gates = {task: threading.Event() for task in TASKS}

    def fake_execute(job):
        for epoch in range(job.settings.epochs):
            while not gates[job.settings.task].wait(0.01) and not job.abandoned():
                pass
            if job.abandoned():
                break
            job.record(epoch, 1.0, 1.0)
        return "refused", refusal(config_of(""), job.settings)  # any ending will do here

    monkeypatch.setattr(jobs, "_execute", fake_execute)
    return gates


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_jobs_queue_share_and_stop(gated):
    config = config_of("units=2&seed=12345")
    first = jobs.submit(config, Settings(task="echo", epochs=2), "ann")
    wait_for(lambda: first.progress("ann").status == "running")
    second = jobs.submit(config, Settings(task="sine_next", epochs=2), "bob")
    third = jobs.submit(config, Settings(task="multi", epochs=2), "cat")
    assert (first.progress().ahead, second.progress().ahead, third.progress().ahead) == (0, 1, 2)
    waits = [job.progress().wait_s for job in (first, second, third)]  # the cost model's seconds ahead
    assert waits[0] == 0 < waits[1] < waits[2]
    assert waits[2] - waits[1] == pytest.approx(plan.estimate_seconds(config, Settings(task="sine_next", epochs=2)),
                                                rel=0.01)
    again = jobs.submit(config, Settings(task="sine_next", epochs=2), "dan")
    assert again is second and second.progress().watchers == 2
    assert not second.leave("bob") and second.leave("dan")  # the last watcher's leaving stops it
    assert second.progress().status == "stopped" and third.progress().ahead == 1
    gated["echo"].set()
    wait_for(lambda: first.progress("ann").finished)
    assert first.progress().loss == (1.0, 1.0) and first.progress().status == "refused"
    wait_for(lambda: third.progress("cat").status == "running")
    assert third.leave("cat")
    wait_for(lambda: third.progress().finished)


def test_a_visitor_holds_one_training_at_a_time(gated):
    config = config_of("units=2&seed=23456")
    other = jobs.submit(config, Settings(task="echo", epochs=2), "fay")
    wait_for(lambda: other.progress("fay").status == "running")
    first = jobs.submit(config, Settings(task="sine_next", epochs=2), "eve")
    second = jobs.submit(config, Settings(task="multi", epochs=2), "eve")  # leaves the first, which is dropped
    assert first.progress().status == "stopped" and second.progress("eve").ahead == 1
    assert other.leave("fay")
    wait_for(lambda: second.progress("eve").status == "running")
    third = jobs.submit(config, Settings(task="running_sum", epochs=2), "eve")  # the running one stops
    wait_for(lambda: second.progress().finished)
    assert second.progress().loss == () and third.progress("eve").watchers == 1
    assert third.leave("eve")


def test_a_browser_holds_one_training_across_its_tabs_and_a_fresh_visitor_goes_next(gated):
    config = config_of("units=2&seed=24680")
    tasks = ("echo", "sine_next", "multi", "running_sum")
    first = jobs.submit(config, Settings(task="echo", epochs=2), "tab0", "kim")
    wait_for(lambda: first.progress("tab0").status == "running")
    for n, task in enumerate(tasks[1:], 1):  # every other tab of the same browser asks for another training
        with pytest.raises(jobs.Held, match="another tab of this browser is still training"):
            jobs.submit(config, Settings(task=task, epochs=2), f"tab{n}", "kim")
    assert jobs.waiting() == 1 and first.progress().status == "running"
    same = jobs.submit(config, Settings(task="echo", epochs=2), "tab5", "kim")  # the same training: joins it
    assert same is first and first.progress().watchers == 2
    fresh = jobs.submit(config, Settings(task="multi", epochs=2), "lee", "lee's browser")
    assert fresh.progress("lee").ahead == 1  # only the running training is ahead of a fresh visitor
    assert not first.leave("tab0") and first.leave("tab5")  # stopped in its tabs: the browser may train again
    wait_for(lambda: first.progress().finished)
    again = jobs.submit(config, Settings(task="sine_next", epochs=2), "tab1", "kim")
    assert again.progress("tab1").ahead == 1  # behind the fresh visitor's
    assert fresh.leave("lee") and again.leave("tab1")


def test_a_training_nobody_watches_stops_and_a_queued_one_is_dropped(gated, monkeypatch):
    monkeypatch.setattr(jobs, "WATCH_S", 0.5)
    config = config_of("units=2&seed=34567")
    running = jobs.submit(config, Settings(task="echo", epochs=2), "gus")
    wait_for(lambda: running.progress("gus").status == "running")
    queued = jobs.submit(config, Settings(task="sine_next", epochs=2), "hal")
    began = time.monotonic()  # neither page looks at its job again: their tabs are closed
    wait_for(lambda: running.progress().finished and queued.progress().finished, seconds=5)
    assert time.monotonic() - began < 2
    assert queued.progress().status == "stopped" and queued.progress().loss == ()
    assert jobs.waiting() == 0
    fresh = jobs.submit(config, Settings(task="multi", epochs=2), "ivy")  # the next visitor trains at once
    wait_for(lambda: fresh.progress("ivy").status == "running")
    assert fresh.leave("ivy")


def test_the_queue_is_bounded_by_the_time_it_stands_for(gated, monkeypatch):
    config = config_of("units=2&seed=45678")
    settings = [Settings(task=task, epochs=2) for task in ("echo", "sine_next", "multi", "running_sum")]
    monkeypatch.setattr(jobs, "MAX_QUEUE_S", sum(plan.estimate_seconds(config, s) for s in settings[:2]) * 1.01)
    taken = [jobs.submit(config, s, f"v{n}") for n, s in enumerate(settings[:3])]
    with pytest.raises(jobs.Busy, match="try again in a few minutes"):
        jobs.submit(config, settings[3], "v3")
    assert [job.leave(f"v{n}") for n, job in enumerate(taken)] == [True] * 3


def test_closing_stops_every_training_at_once(gated, monkeypatch):
    monkeypatch.setattr(jobs, "_CLOSED", False)  # the server goes on after this test: trainings start again
    config = config_of("units=2&seed=56789")
    taken = [jobs.submit(config, Settings(task=task, epochs=2), task) for task in ("echo", "sine_next", "multi")]
    wait_for(lambda: taken[0].progress("echo").status == "running")
    began = time.monotonic()
    jobs.close()
    wait_for(lambda: all(job.progress().finished for job in taken), seconds=2)
    assert time.monotonic() - began < 1
    assert [job.progress().status for job in taken[1:]] == ["stopped", "stopped"]
    with pytest.raises(jobs.Busy, match="stopping"):
        jobs.submit(config, Settings(task="echo", epochs=2), "late")


def test_a_job_trains_in_the_worker_process_and_stops_within_one_epoch():
    config = config_of("units=16&timesteps=8&features=1&return_sequences=true&head=dense&seed=777")
    job = jobs.submit(config, Settings(task="echo", epochs=50, samples=512), "jay")
    wait_for(lambda: len(job.progress("jay").loss) >= 2, seconds=180)  # the worker imports TensorFlow first
    seen = len(job.progress().loss)
    assert job.progress().glimpse.epoch >= 1 and job.progress().glimpse.prediction.shape == (8, 8, 1)
    assert job.leave("jay")
    wait_for(lambda: job.progress().finished, seconds=60)
    progress = job.progress()
    assert progress.status == "stopped" and progress.result.stop_reason == "stopped"
    assert seen <= len(progress.loss) <= seen + 2  # the epoch under way when asked (and one in the relay)
    assert progress.result.y_shape == progress.result.prediction_shape == (512, 8, 1)


def test_a_killed_training_process_is_reported_plainly_and_replaced():
    config = config_of("units=16&timesteps=8&features=1&return_sequences=true&head=dense&seed=778")
    job = jobs.submit(config, Settings(task="echo", epochs=50, samples=512), "kim")
    wait_for(lambda: len(job.progress("kim").loss) >= 1, seconds=180)
    for pid in engine.training().pids():
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: job.progress("kim").finished, seconds=30)
    assert job.progress().status == "failed" and job.progress().error == jobs.LOST
    assert "memory" not in jobs.LOST
    again = jobs.submit(config, Settings(task="echo", epochs=1, samples=64), "kim")
    wait_for(lambda: again.progress("kim").finished, seconds=180)
    assert again.progress().status == "done" and len(again.progress().loss) == 1


# --- the command line ---

def test_cli_prints_one_json_object():
    proc = cli("train", "units=4&timesteps=5&features=1&return_sequences=true&head=dense&head_units=1",
               "--task", "echo", "--epochs", "2", "--samples", "64", "--batch-size", "16", "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert {"loss", "val_loss", "x_shape", "y_shape", "prediction_shape", "seconds"} <= set(result)
    assert len(result["loss"]) == len(result["val_loss"]) == 2
    assert result["x_shape"] == [64, 5, 1] and result["y_shape"] == result["prediction_shape"]


@pytest.mark.parametrize("args, message", [
    (("units=0",), "units=0 is outside"),
    (("head=dense", "--epochs", "60"), "epochs=60 is outside 1..50"),
    (("head=dense", "--learning-rate", "-1"), "learning_rate=-1 must be above 0"),
    (("head=dense", "--optimizer", "adamw", "--batch-size", "x"), "optimizer='adamw'"),
    (("return_sequences=true", "--task", "multi"), "fix: add head=dense&head_units=3"),
])
def test_cli_bad_input_exits_2_with_a_message(args, message):
    proc = cli("train", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_the_training_process_imports_keras_not_the_app(monkeypatch):
    """Started from a page (Streamlit runs app.py as __main__), the training process imports rnnlab.training
    and Keras: not the app, not Streamlit, and it starts no engine of its own."""
    import types

    page = types.ModuleType("__main__")
    page.__file__ = str(ROOT / "app.py")  # what Streamlit's script runner installs while a page runs
    monkeypatch.setitem(sys.modules, "__main__", page)
    lane = engine.Engine(engine.TRAINING)  # a process of its own, started as a page starts it
    try:
        seen = lane.submit("loaded", ("streamlit", "ui", "app", "keras")).result(timeout=180)
    finally:
        lane.close()
    assert seen == {"imported": ["keras"], "main_file": None, "children": 0}
