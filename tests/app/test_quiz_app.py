"""The quiz in AppTest: questions Keras builds, answers graded against it, a score kept for the visit."""

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab import lessons, quiz
from tests.conftest import ROOT


@pytest.mark.parametrize("level", ["easy", "harder"])
def test_drawn_questions_are_models_keras_builds(level):
    for seed in range(12):
        question = quiz.draw(level, seed)
        assert lessons.shapes_of(question.query), question.query
        assert "returned = " in question.code


def test_grading_over_a_grid_of_questions():
    for seed in range(12):
        question = quiz.draw("harder", seed)
        shapes = lessons.shapes_of(question.query)
        assert lessons.grade(", ".join(map(str, shapes)), question.query)[0]
        assert not lessons.grade(", ".join(map(str, shapes[:-1] or [(1,)])), question.query)[0]


def test_the_quiz_page_grades_and_keeps_score():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/quiz.py").run()
    question = quiz.draw("easy", 0)
    assert at.code[0].value == question.code
    at.text_input[0].input(", ".join(map(str, lessons.shapes_of(question.query))))
    at.button[0].click().run()
    assert at.success and at.metric[0].value == "1 / 1"
    at.button[1].click().run()
    assert at.code[0].value == quiz.draw("easy", 1).code and not at.success
    at.text_input[0].input("(1, 2, 3)")
    at.button[0].click().run()
    assert at.error and at.metric[0].value == "1 / 2"
