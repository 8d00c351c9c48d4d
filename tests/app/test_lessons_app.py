"""The lessons page in AppTest: text filled from Keras, questions graded against it."""

from streamlit.testing.v1 import AppTest

from rnnlab import lessons
from tests.conftest import ROOT


def open_lessons(slug: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if slug:
        at.query_params["lesson"] = slug
    at.run()
    return at.switch_page("pages/lessons.py").run()


def test_every_lesson_renders_its_live_text_without_exception():
    for lesson in lessons.all_lessons():
        at = open_lessons()
        at.selectbox[0].set_value(lesson).run()
        assert not at.exception, lesson.slug
        assert at.header[0].value == lesson.title
        assert any(lessons.render(lesson)[:60] in m.value for m in at.markdown)


def test_a_question_is_graded_against_keras():
    at = open_lessons()
    lesson = lessons.all_lessons()[2]
    at.selectbox[0].set_value(lesson).run()
    expected = lessons.shapes_of(lessons.combine(lesson.preset, lesson.questions[0].query))
    at.text_input[0].input(", ".join(map(str, expected)))
    at.button[0].click().run()
    assert at.success and "Right" in at.success[0].value
    at.text_input[0].input("(32, 64)")
    at.button[0].click().run()
    assert at.error and "timesteps axis" in at.error[0].value
