"""The Train page in AppTest: the playground's model, refusals with a fix, a real training to its results."""

import time

from streamlit.testing.v1 import AppTest

from rnnlab.training.settings import Settings
from rnnlab.training.tasks import shapes
from rnnlab.params import parse
from tests.app.charts import charts
from tests.helpers import open_page, plain

SMALL = {"units": "8", "timesteps": "6", "features": "1"}


def open_train(query: dict[str, str] | None = None) -> AppTest:
    """The Train page opened by a link (its own address with a query string)."""
    return open_page("pages/train.py", query)


def text(at: AppTest) -> str:
    return plain("\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.error, *at.warning, *at.info,
                                                   *at.success, *at.code)))


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def train_until_done(at: AppTest, seconds: float = 120) -> list[str]:
    """Press Train, then rerun as the page's polling would until the results are drawn; the progress seen."""
    at.button(key="train-start").click().run()
    seen, deadline = [], time.monotonic() + seconds
    while not any(s.key == "train_sample" for s in at.slider):
        assert time.monotonic() < deadline, f"no results after {seconds} s: {progress_texts(at)}"
        assert not at.exception, at.exception
        seen += progress_texts(at)
        time.sleep(0.3)
        at.run()
    return seen


def test_from_the_playground_a_model_without_a_head_is_refused_with_a_one_click_fix():
    at = open_page(query=SMALL)  # the playground, then the Train page through the navigation
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert at.slider(key="units").value == 8 and at.slider(key="timesteps").value == 6
    assert "There is no head" in at.error[0].value
    assert at.button(key="train-start").disabled
    at.button(key="train-fix").click().run()
    assert not at.exception and not at.error
    assert at.query_params["head"] in ("dense", ["dense"]) and at.query_params["units"] in ("8", ["8"])
    assert not at.button(key="train-start").disabled


def test_a_link_sets_the_task_and_the_settings_and_keeps_them_in_the_url():
    at = open_train({**SMALL, "head": "dense", "return_sequences": "true", "task": "multi", "epochs": "3"})
    assert not at.exception
    assert at.selectbox(key="train_task").value == "multi" and at.slider(key="train_epochs").value == 3
    assert "head_units=3" in at.button(key="train-fix").label  # three targets per timestep need Dense(3)
    x_shape, y_shape = shapes(parse({**SMALL, "return_sequences": "true"}).config, "multi", Settings().samples)
    assert f"x `{x_shape}`" in text(at) and f"y `{y_shape}`" in text(at)
    at.button(key="train-fix").click().run()
    assert at.query_params["task"] in ("multi", ["multi"]) and at.query_params["head_units"] in ("3", ["3"])
    at.selectbox(key="train_task").set_value("random").run()
    assert "cannot learn" in text(at)


def test_bad_settings_in_a_link_are_named_and_replaced_by_defaults():
    at = open_train({"epochs": "99", "learning_rate": "-1"})
    assert not at.exception
    warning = "\n".join(w.value for w in at.warning)
    assert "epochs=99 is outside 1..50" in warning and "learning_rate=-1 must be above 0" in warning
    assert at.slider(key="train_epochs").value == Settings().epochs


def test_training_shows_progress_then_predictions_and_states():
    at = open_train({**SMALL, "head": "dense", "return_sequences": "true", "seed": "101", "task": "echo",
                     "epochs": "4", "samples": "64"})
    assert not at.error
    seen = train_until_done(at)
    assert any(t.startswith("epoch ") for t in seen)
    assert not at.exception
    final = progress_texts(at)[0]
    assert final.startswith("epoch 4 of 4")
    assert len(charts(at)) == 3  # the loss curve, predictions against targets, h_t before and after
    assert "model.predict(x) returned `(64, 6, 1)`" in text(at)
    at.slider(key="train_sample").set_value(5).run()
    assert not at.exception and "validation sample 5" in charts(at)[1].spec


def test_stop_ends_the_training_early():
    at = open_train({**SMALL, "head": "dense", "return_sequences": "true", "seed": "102", "task": "echo",
                     "epochs": "50", "samples": "64"})
    at.button(key="train-start").click().run()
    deadline = time.monotonic() + 60
    while not any(t.startswith("epoch ") and not t.startswith("epoch 0") for t in progress_texts(at)):
        assert time.monotonic() < deadline
        time.sleep(0.2)
        at.run()
    at.button(key="train-stop").click().run()
    deadline = time.monotonic() + 60
    while not any(s.key == "train_sample" for s in at.slider):
        assert time.monotonic() < deadline
        time.sleep(0.2)
        at.run()
    assert "you stopped it" in text(at)


def test_a_teachers_link_hides_and_locks_training_settings():
    at = open_train({**SMALL, "head": "dense", "return_sequences": "true", "task": "echo", "epochs": "3",
                     "hide": "epochs", "lock": "task"})
    assert not at.exception and not at.warning
    assert "train_epochs" not in {s.key for s in at.slider}  # hidden: no control, the link's value kept
    assert at.selectbox(key="train_task").value == "echo" and at.selectbox(key="train_task").disabled
    assert not at.selectbox(key="train_optimizer").disabled
    at.selectbox(key="train_optimizer").set_value("sgd").run()
    assert not at.exception
    calls = "\n".join(c.value for c in at.code)
    assert "epochs=3" in calls and "SGD" in calls
    assert at.query_params["epochs"] in ("3", ["3"]) and at.query_params["hide"] in ("epochs", ["epochs"])
    assert at.query_params["lock"] in ("task", ["task"])
