"""Every lesson question can be posed to a live class: its code shown, its right answer (from the installed
Keras, or the lesson snippet that answers it) graded right and grouped as one bar, a wrong one graded wrong."""

import pytest

from rnnlab import lessons
from rnnlab.live import question

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
