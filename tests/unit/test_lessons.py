"""Lessons agree with the installed Keras; their questions are graded against it."""

import dataclasses
import re
import subprocess
import sys

import pytest

from rnnlab import lessons, questions, tour
from rnnlab.params import PARAMS
from tests.conftest import ROOT

ALL = lessons.all_lessons()
QUESTIONS = [(lesson, q) for lesson in ALL for q in lesson.questions]


def test_as_many_lessons_as_the_readme_says_in_order_each_with_two_questions_mostly_beyond_shape_recall():
    said = re.search(r"\*\*Lessons\*\*: ([\w-]+) short steps", (ROOT / "README.md").read_text())[1]
    assert len(ALL) == ["twenty-two", "twenty-three", "twenty-four", "twenty-five"].index(said) + 22 >= 22
    assert [lesson.order for lesson in ALL] == sorted({lesson.order for lesson in ALL})
    assert all(len(lesson.questions) >= 2 for lesson in ALL)
    beyond = [q for _, q in QUESTIONS if q.kind not in questions.RECALL]
    assert 2 * len(beyond) >= len(QUESTIONS)
    assert {q.kind for _, q in QUESTIONS} == set(questions.KINDS)


@pytest.mark.parametrize("former", [f"{n:02d}-{name}" for n, name in enumerate(
    ["the-input", "units", "return-sequences", "return-state", "both-flags", "a-head", "stacking",
     "padding-and-masking", "gru-and-simplernn", "bidirectional", "stateful", "myths"], 1)])
def test_a_link_to_a_lesson_by_its_former_name_still_opens_it(former):
    assert lessons.find(former) is not None


@pytest.mark.parametrize("lesson", ALL, ids=lambda lesson: lesson.slug)
def test_every_lesson_agrees_with_keras_and_renders(lesson):
    assert lessons.check(lesson) == []
    text = lessons.render(lesson)
    assert "{{" not in text and "snippet=" not in text


@pytest.mark.parametrize("lesson, question", QUESTIONS, ids=lambda v: getattr(v, "slug", "q"))
def test_every_question_grades_the_answer_keras_gives_as_right(lesson, question):
    right, why = lessons.grade_question(lesson, question, lessons.right_answer(lesson, question))
    assert right, why


def test_placeholders_are_filled_from_a_live_run():
    lesson = lessons.Lesson("t", "t", 1, "units=7&return_state=true", "{{shapes}} / {{shape state_c}} / {{x}}")
    shapes = lessons.shapes_of("units=7&return_state=true")
    assert lessons.render(lesson) == f"{', '.join(map(str, shapes))} / {shapes[2]} / (32, 10, 3)"


@pytest.mark.parametrize("body, problem", [
    ("Its output is (32, 64).", "typed by hand"),
    ("{{shape state_c}}", "nothing named 'state_c'"),
    ("{{shapes | units=0}}", "units=0"),
    ("{{nonsense}}", "unknown placeholder"),
    ("{{check whole_seq[:, -1]}}", "not a placeholder"),
    ("{{snippet none.key}}", "no snippet 'none'"),
    ("| | value |\n|---|---|\n| units | 4 |", "a column without a name"),
])
def test_check_catches_what_disagrees(body, problem):
    lesson = lessons.Lesson("bad", "bad", 1, "units=4", body)
    assert any(problem in p for p in lessons.check(lesson))


def test_check_fails_when_a_questions_graded_answer_disagrees_with_keras():
    """A question about x graded as if it asked what the layer returns: Keras's x is graded wrong."""
    asked = lessons.Question("What shape does x have?", kind="shapes", answer="{{x}}")
    lesson = lessons.Lesson("t", "t", 1, "units=4", "text", (asked,))
    assert any("grades Keras's own answer" in p for p in lessons.check(lesson))
    fixed = lessons.Lesson("t", "t", 1, "units=4", "text", (lessons.Question("What shape does x have?", kind="x",
                                                                              answer="{{x}}"),), region="inputs")
    assert lessons.check(fixed) == []
    unanswered = lessons.Lesson("t", "t", 1, "units=4", "text", (lessons.Question("q"),))
    assert any("needs answer" in p for p in lessons.check(unanswered))


def test_a_change_replaces_the_preset_value():
    assert lessons.combine("units=64&batch=32", "units=8") == "units=8&batch=32"


def test_check_lessons_command_passes_on_the_shipped_lessons():
    proc = subprocess.run([sys.executable, "-m", "rnnlab", "check-lessons"], capture_output=True, text=True,
                          timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert proc.stdout.count(": ok") == len(ALL) + 1  # every lesson, then the live class's questions
    assert "live class questions: ok" in proc.stdout


@pytest.mark.parametrize("lesson", ALL, ids=lambda lesson: lesson.slug)
def test_no_answer_stands_above_its_question(lesson):
    """The page shows the text, then each question and, once checked, its explanation: the answer to a
    question is in its own explanation (or later), never above it."""
    assert lessons.given_away(lesson) == []
    text = lessons.render(lesson)
    for question in lesson.questions:
        if question.kind in questions.RECALL and "snippet" not in question.answer:
            for shape in lessons.expected(lessons.answer_query(lesson, question), question.of):
                assert str(shape) not in text, (question.ask, shape)
    assert all(q.explain for q in lesson.questions)


@pytest.mark.parametrize("body, explains, found", [
    ("It returns {{shape whole_seq | return_sequences=true}}.", ["x"], "question 1's answer (32, 10, 4)"),
    ("Read the text.", ["{{shape whole_seq | return_sequences=true}}", "{{shape output}}"], ""),
    ("Read the text.", ["{{shape output}} and {{shape whole_seq | return_sequences=true}}", ""],
     "question 2's answer (32, 4)"),
])
def test_check_catches_an_answer_given_away_above_its_question(body, explains, found):
    questions_ = (lessons.Question("With return_sequences?", "return_sequences=true", explains[0], answer="{{shapes}}"),
                  lessons.Question("And without?", "", explains[-1] if len(explains) > 1 else "", answer="{{shapes}}"))
    lesson = lessons.Lesson("t", "t", 1, "units=4", body, questions_[:len(explains)], region="outputs")
    problems = lessons.check(lesson)
    assert any(found in p for p in problems) if found else problems == []


def test_check_catches_an_answer_given_away_in_the_title():
    question = lessons.Question("Name what it returns, in order.", "return_state=true", "x", kind="names",
                                answer="{{names}}")
    lesson = lessons.Lesson("t", "return_state: output, state_h, state_c, in that order", 1, "units=4", "Read.",
                            (question,))
    assert any("question 1's answer output, state_h, state_c" in p for p in lessons.given_away(lesson))


def test_check_catches_a_names_answer_begun_in_its_question():
    question = lessons.Question("Name the tensors it returns, in Keras's order (e.g. output, state_h, ...).",
                                "return_state=true", "x", kind="names", answer="{{names}}")
    lesson = lessons.Lesson("t", "t", 1, "units=4", "Read.", (question,))
    assert any("question 1's answer output, state_h, stands above it" in p for p in lessons.given_away(lesson))


def test_explanations_are_checked_like_the_text():
    bad = lessons.Lesson("t", "t", 1, "units=4", "text", (lessons.Question("q", "", "It is (32, 4).",
                                                                          answer="{{shapes}}"),))
    assert any("typed by hand" in p for p in lessons.check(bad))
    bad = lessons.Lesson("t", "t", 1, "units=4", "text", (lessons.Question("q", "", "{{shape state_c}}",
                                                                          answer="{{shapes}}"),))
    assert any("nothing named 'state_c'" in p for p in lessons.check(bad))
    assert lessons.render(ALL[0], text="{{config batch}} / {{config features}}") == "32 / 3"
    with pytest.raises(ValueError):
        lessons.Question("q", of="y")
    with pytest.raises(ValueError):
        lessons.Question("q", kind="guess")


def test_lesson_08_says_how_its_lengths_repeat_over_the_batch():
    from rnnlab.inputs import lengths_of
    from rnnlab.params import parse

    lesson = lessons.find("padding-and-masking")
    config = parse(lesson.preset).config
    text = lessons.render(lesson)
    lengths = lengths_of(config.batch, config.lengths, config.timesteps)
    for k in range(len(config.lengths) + 1):
        assert f"sequence {k + 1} has {lengths[k]}" in text
    assert f"and so on to sequence {config.batch}" in text


def test_snippets_run_only_from_the_lesson_files():
    with pytest.raises(KeyError):
        lessons.snippet_output("../../etc/passwd", "x")
    with pytest.raises(KeyError):
        lessons.snippet_output("the-input", "not-a-snippet")
    assert lessons.snippet_output("the-input", "two_d")["expanded"]


def test_check_fails_when_a_typical_wrong_answers_hint_names_a_rule_that_does_not_apply():
    """A Bidirectional question whose typical wrong answer (merged states) is told an LSTM's rule."""
    wrong = lessons.Wrong("3", "each direction returns its own states")
    asked = lessons.Question("How many tensors?", kind="count", answer="{{count}}", wrong=(wrong,))
    plain = lessons.Lesson("t", "t", 1, "return_state=true&units=4", "text", (asked,))
    assert any("graded right" in p for p in lessons.check(plain))  # an LSTM does return 3
    lesson = lessons.Lesson("t", "t", 1, "bidirectional=true&return_state=true&units=4", "text", (asked,),
                            region="states")
    assert lessons.check(lesson) == []
    wrongly = lessons.Question("How many tensors?", kind="count", answer="{{count}}",
                               wrong=[{"answer": "3", "rule": "an LSTM has two states"}])
    lesson = lessons.Lesson("t", "t", 1, "bidirectional=true&return_state=true&units=4", "text", (wrongly,))
    assert any("names another rule" in p for p in lessons.check(lesson))


def test_check_fails_when_a_snippet_question_has_no_typical_wrong_answers():
    lesson = lessons.find("targets")
    bare = lessons.Lesson(lesson.slug, lesson.title, lesson.order, lesson.preset, lesson.body,
                          tuple(lessons.Question(q.ask, q.query, q.explain, kind=q.kind, answer=q.answer)
                                for q in lesson.questions))
    assert any("needs typical wrong answers" in p for p in lessons.check(bare))


def test_every_typical_wrong_answer_gets_its_own_rule_and_hidden_mode_keeps_the_answer():
    found = [(lesson, q, w) for lesson, q in QUESTIONS for w in q.wrong]
    assert len(found) >= 25
    for lesson, question, wrong in found:
        assert lessons.typical_problems(lesson, question, lessons.right_answer(lesson, question)) == []


def test_check_fails_when_a_snippet_questions_hint_names_a_number_of_the_answer_without_telling():
    lesson = lessons.find("windowing-a-series")
    spoken = [(n, q) for n, q in enumerate(lesson.questions) if any(w.hidden for w in q.wrong)]
    assert spoken
    n, question = spoken[0]
    bare = lessons.Question(question.ask, question.query, question.explain, kind=question.kind,
                            answer=question.answer, wrong=tuple(lessons.Wrong(w.answer, w.rule) for w in question.wrong))
    problems = lessons.typical_problems(lesson, bare, lessons.right_answer(lesson, bare))
    assert any("gives the right answer away without telling" in p for p in problems), problems
    assert lessons.typical_problems(lesson, question, lessons.right_answer(lesson, question)) == []


def test_every_lesson_that_opens_the_playground_names_a_part_of_its_picture_and_check_catches_one_that_does_not():
    assert PARAMS["focus"].choices == ("none", *tour.REGIONS)
    opening = [lesson for lesson in ALL if lesson.preset]
    assert opening and all(lesson.region in tour.REGIONS for lesson in opening)
    assert {lessons.find("return-state").region, lessons.find("return-sequences").region} == {"states", "outputs"}
    unnamed = dataclasses.replace(lessons.find("return-state"), region="")
    assert any("region ''" in problem for problem in lessons.check(unnamed))
