"""Lessons agree with the installed Keras; typed answers are graded against it."""

import subprocess
import sys

import pytest

from rnnlab import lessons
from tests.conftest import ROOT

ALL = lessons.all_lessons()


def test_lessons_come_in_order_with_questions():
    assert [lesson.order for lesson in ALL] == sorted({lesson.order for lesson in ALL})
    assert all(lesson.questions for lesson in ALL)


@pytest.mark.parametrize("lesson", ALL, ids=lambda lesson: lesson.slug)
def test_every_lesson_agrees_with_keras_and_renders(lesson):
    assert lessons.check(lesson) == []
    text = lessons.render(lesson)
    assert "{{" not in text


def test_placeholders_are_filled_from_a_live_run():
    lesson = lessons.Lesson("t", "t", 1, "units=7&return_state=true", "{{shapes}} / {{shape state_c}} / {{x}}")
    shapes = lessons.shapes_of("units=7&return_state=true")
    assert lessons.render(lesson) == f"{', '.join(map(str, shapes))} / {shapes[2]} / (32, 10, 3)"


@pytest.mark.parametrize("body, problem", [
    ("Its output is (32, 64).", "typed by hand"),
    ("{{shape state_c}}", "nothing named 'state_c'"),
    ("{{shapes | units=0}}", "units=0"),
    ("{{nonsense}}", "unknown placeholder"),
])
def test_check_catches_what_disagrees(body, problem):
    lesson = lessons.Lesson("bad", "bad", 1, "units=4", body)
    assert any(problem in p for p in lessons.check(lesson))


def test_a_change_replaces_the_preset_value():
    assert lessons.combine("units=64&batch=32", "units=8") == "units=8&batch=32"


@pytest.mark.parametrize("typed", ["(32, 10, 64), (32, 64), (32, 64)", "[32,10,64] [32,64] [32,64]",
                                   " ( 32 , 10 , 64 ),(32,64),(32,64) "])
def test_grading_is_tolerant_of_spaces_and_brackets(typed):
    right, _ = lessons.grade(typed, "return_sequences=true&return_state=true")
    assert right


@pytest.mark.parametrize("typed, says", [("(32, 64)", "3 tensors"), ("(32, 64), (32, 64), (32, 64)", "timesteps axis"),
                                         ("(32, 10, 3), (32, 64), (32, 64)", "units")])
def test_a_wrong_answer_is_told_the_rule_it_broke(typed, says):
    right, why = lessons.grade(typed, "return_sequences=true&return_state=true")
    assert not right and says in why


def test_check_lessons_command_passes_on_the_shipped_lessons():
    proc = subprocess.run([sys.executable, "-m", "rnnlab", "check-lessons"], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert proc.stdout.count("ok") == len(ALL)


def test_the_myths_lesson_claims_hold_in_the_installed_keras():
    """Claims the myths lesson makes without a placeholder, checked against Keras itself."""
    import warnings

    import keras
    from keras.src.backend.tensorflow.rnn import _do_lstm_arguments_support_cudnn

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras.layers.LSTM(4, input_shape=(10, 3))
    assert any("input_shape" in str(w.message) for w in caught)
    relu = keras.activations.get("relu")
    sigmoid, tanh = keras.activations.get("sigmoid"), keras.activations.get("tanh")
    assert _do_lstm_arguments_support_cudnn(tanh, sigmoid, False, True)
    assert not _do_lstm_arguments_support_cudnn(relu, sigmoid, False, True)
