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


@pytest.mark.parametrize("lesson", ALL, ids=lambda lesson: lesson.slug)
def test_no_answer_stands_above_its_question(lesson):
    """The page shows the text, then each question and, once checked, its explanation: the shapes that answer a
    question are in its own explanation (or later), never above it."""
    assert lessons.given_away(lesson) == []
    text = lessons.render(lesson)
    for question in lesson.questions:
        for shape in lessons.expected(lessons.answer_query(lesson, question), question.of):
            assert str(shape) not in text, (question.ask, shape)
    assert any(q.explain for q in lesson.questions)


@pytest.mark.parametrize("body, explains, found", [
    ("It returns {{shape whole_seq | return_sequences=true}}.", ["x"], "question 1's answer (32, 10, 4)"),
    ("Read the text.", ["{{shape whole_seq | return_sequences=true}}", "{{shape output}}"], ""),
    ("Read the text.", ["{{shape output}} and {{shape whole_seq | return_sequences=true}}", ""],
     "question 2's answer (32, 4)"),
])
def test_check_catches_an_answer_given_away_above_its_question(body, explains, found):
    questions = (lessons.Question("With return_sequences?", "return_sequences=true", explains[0]),
                 lessons.Question("And without?", "", explains[-1] if len(explains) > 1 else ""))[:len(explains)]
    lesson = lessons.Lesson("t", "t", 1, "units=4", body, questions)
    problems = lessons.check(lesson)
    assert any(found in p for p in problems) if found else problems == []


def test_a_question_about_the_input_is_graded_against_x():
    query = "units=4&timesteps=10&features=3&batch=32"
    assert lessons.grade("(32, 10, 3)", query, of="x") == (True, "Right: that is the shape of x.")
    right, why = lessons.grade("(32, 4)", query, of="x")
    assert not right and "(batch, timesteps, features)" in why and "(32, 10, 3)" in why
    right, why = lessons.grade("(10, 32, 3)", query, tell=False, of="x")
    assert not right and "(32, 10, 3)" not in why
    first = ALL[0]
    assert first.questions[0].of == "x"
    assert lessons.grade("(32, 10, 3)", lessons.answer_query(first, first.questions[0]), of="x")[0]


def test_explanations_are_checked_like_the_text():
    bad = lessons.Lesson("t", "t", 1, "units=4", "text", (lessons.Question("q", "", "It is (32, 4)."),))
    assert any("typed by hand" in p for p in lessons.check(bad))
    bad = lessons.Lesson("t", "t", 1, "units=4", "text", (lessons.Question("q", "", "{{shape state_c}}"),))
    assert any("nothing named 'state_c'" in p for p in lessons.check(bad))
    assert lessons.render(ALL[0], text="{{config batch}} / {{config features}}") == "32 / 3"
    with pytest.raises(ValueError):
        lessons.Question("q", of="y")
