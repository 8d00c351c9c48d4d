"""The quiz in AppTest: questions Keras builds, answers graded against it, a score kept for the visit."""

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab import lessons, quiz
from tests.helpers import open_page


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


def open_quiz(query: dict[str, str] | None = None) -> AppTest:
    return open_page("pages/quiz.py", query)


def test_the_quiz_page_grades_and_keeps_score():
    at = open_quiz({"quiz_seed": "0"})
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



def test_every_visitor_gets_a_quiz_of_their_own_and_a_link_that_replays_it():
    visits = [open_quiz() for _ in range(3)]
    seeds = [int(at.query_params["quiz_seed"][0] if isinstance(at.query_params["quiz_seed"], list)
                 else at.query_params["quiz_seed"]) for at in visits]
    assert len(set(seeds)) == 3, seeds  # random: three visitors, three quizzes
    first = visits[0]
    assert first.code[0].value == quiz.question("easy", seeds[0], 0).code
    link = first.code[-1].value
    assert link.endswith(f"?quiz_seed={seeds[0]}") and not first.warning
    first.button[1].click().run()  # the next question of the same quiz
    assert first.code[0].value == quiz.question("easy", seeds[0], 1).code
    assert first.code[-1].value == link  # the link still replays the quiz from its first question
    replay = open_quiz({"quiz_seed": str(seeds[0])})
    assert replay.code[0].value == quiz.question("easy", seeds[0], 0).code
    replay.button[1].click().run()
    assert replay.code[0].value == first.code[0].value


def test_a_link_to_a_harder_quiz_keeps_its_level():
    at = open_quiz({"quiz_seed": "42", "level": "harder"})
    assert not at.exception and not at.warning
    assert at.code[0].value == quiz.question("harder", 42, 0).code
    assert at.code[-1].value.endswith("?quiz_seed=42&level=harder")


@pytest.mark.parametrize("seed, said", [("-1", "outside"), ("abc", "not a whole number"),
                                        ("9" * 30, "outside"), ("1e9", "not a whole number")])
def test_a_bad_quiz_seed_in_the_address_gets_a_notice_and_a_quiz_of_its_own(seed, said):
    at = open_quiz({"quiz_seed": seed})
    assert not at.exception
    assert at.warning and said in at.warning[0].value
    own = at.query_params["quiz_seed"]
    own = int(own[0] if isinstance(own, list) else own)
    assert at.code[0].value == quiz.question("easy", own, 0).code


def test_reading_a_quiz_link():
    assert quiz.read_link("quiz_seed=7&level=harder&units=3") == (7, "harder", ())
    assert quiz.read_link("") == (None, None, ())
    seed, level, notices = quiz.read_link("quiz_seed=-1&level=expert")
    assert (seed, level) == (None, None) and len(notices) == 2
    assert quiz.read_link("quiz_seed=" + "9" * 5000)[0] is None
    assert quiz.question("easy", quiz.SEEDS - 1, 1) == quiz.draw("easy", 0)  # the sequence wraps round


def test_no_quiz_asks_the_same_question_twice_in_a_row():
    assert quiz.draw("easy", 562409475) == quiz.draw("easy", 562409476)  # two seeds that draw the same question
    for seed in (562409474, *range(40)):
        asked = [quiz.question(level, seed, n).query for level in quiz.LEVELS for n in range(12)]
        assert all(a != b for a, b in zip(asked, asked[1:])), seed


def test_switching_level_never_leaves_the_last_verdict_under_a_new_question():
    at = open_quiz({"quiz_seed": "0"})
    easy = quiz.question("easy", 0, 0)
    at.text_input[0].input(", ".join(map(str, lessons.shapes_of(easy.query))))
    at.button[0].click().run()
    assert at.success and at.metric[0].value == "1 / 1"
    at.button_group[0].set_value("harder").run()
    assert at.code[0].value == quiz.question("harder", 0, 0).code
    assert not at.success and not at.error  # no "Right" under a question nobody has answered
    assert at.text_input[0].value == ""  # nor the last answer left in the box
    at.button_group[0].set_value("easy").run()
    assert at.success and at.metric[0].value == "1 / 1"  # back: its own verdict, counted once
