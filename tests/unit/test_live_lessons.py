"""Every lesson question can be posed to a live class: its code shown, its right answer (from the installed
Keras, or the lesson snippet that answers it) graded right and grouped as one bar, a wrong one graded wrong."""

import pytest

from rnnlab import lessons, questions
from rnnlab.live import question, typical

POSED = [(lesson.slug, n) for lesson in lessons.all_lessons() for n in range(len(lesson.questions))]


@pytest.mark.parametrize(("slug", "number"), POSED, ids=[f"{s}-{n + 1}" for s, n in POSED])
def test_a_lesson_question_posed_to_a_class_grades_its_own_answer_right(slug, number):
    posed = question.from_lesson(slug, number)
    assert question.code(posed).strip()
    right = question.right_answer(posed)
    typed = next(k for k, label in posed.choices.items() if label == right) if posed.choices else right
    assert question.grade(posed, typed)[0], (slug, number, right)
    assert question.canonical(posed, typed) == question.canonical(posed, f"  {typed} ")
    wrong = next((k for k, label in posed.choices.items() if label != right), None) if posed.choices else "(1, 2, 3)"
    assert not question.grade(posed, wrong)[0]


@pytest.mark.parametrize(("slug", "number"), POSED, ids=[f"{s}-{n + 1}" for s, n in POSED])
def test_a_lesson_question_posed_to_a_class_keeps_its_typical_wrong_answers_and_their_hints_hold(slug, number):
    posed = question.from_lesson(slug, number)
    lesson_question = lessons.find(slug).questions[number]
    assert typical.typical_wrong(posed) == tuple((w.answer, w.rule) for w in lesson_question.wrong)
    assert typical.problems(posed) == []


@pytest.mark.parametrize("choices", [False, True])
def test_a_playground_question_has_typical_wrong_answers_from_keras_each_told_its_rule(choices):
    posed = question.playground("units=8&timesteps=10&features=3&batch=32&return_state=true", choices)
    found = dict(typical.typical_wrong(posed))
    right = questions.expected("shapes", posed.query)
    flipped = questions.expected("shapes", posed.query.replace("return_state=true", "return_state=false"))
    assert questions.written("shapes", flipped) in found  # the same layer without its states, from Keras
    assert found[questions.written("shapes", flipped)] == typical.FLAG_RULES["return_state", True]
    assert questions.written("shapes", [s[1:] for s in right]) in found
    if choices:  # every other choice offered is a typical wrong answer
        assert set(posed.options) - {question.right_answer(posed)} <= set(found) | {
            o for o in posed.options if "(32, 10, 8)" in o}
    for wrong, rule in found.items():
        told = question.grade(posed, wrong, tell=True)[1]
        hidden = question.grade(posed, wrong, tell=False)[1]
        assert rule in told
        assert question.right_answer(posed) not in hidden and questions.implied("shapes", hidden, wrong, right) == ""


def test_every_example_playground_question_of_a_class_passes_the_check():
    assert typical.example_problems() == []


def test_before_the_reveal_a_wrong_count_of_states_is_not_told_how_many():
    posed = question.playground("units=8&timesteps=10&features=3&batch=32&return_state=true")
    _, hidden = question.grade(posed, "(32, 8), (32, 8)")  # a class is graded without telling until the reveal
    assert "two states" not in hidden and "both" not in hidden and "return_state" in hidden
