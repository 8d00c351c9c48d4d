"""The lessons page in AppTest: text filled from Keras, questions graded against it."""

from urllib.parse import parse_qsl, urlsplit

from streamlit.testing.v1 import AppTest

from rnnlab import lessons, questions, tour
from rnnlab.learner_text import message
from rnnlab.params import parse
from tests.helpers import open_page, plain


def open_lessons(slug: str | None = None) -> AppTest:
    return open_page("pages/lessons.py", {"lesson": slug} if slug else None)


def test_every_lesson_renders_its_live_text_without_exception():
    for lesson in lessons.all_lessons():
        at = open_lessons()
        at.selectbox[0].set_value(lesson).run()
        assert not at.exception, lesson.slug
        assert at.header[0].value == lesson.title
        assert any(lessons.render(lesson)[:60] in plain(m.value) for m in at.markdown)


def links(at: AppTest) -> dict[str, tuple[str, dict[str, str]]]:
    """The page's links in its main area: label -> (page, query)."""
    found = [e.proto for e in at.main.get("page_link")]
    opened = [e.proto for e in at.main.get("link_button")]  # a link in a tab of its own: an address
    return {p.label: (p.page, dict(parse_qsl(p.query_string))) for p in found} | {
        p.label: (urlsplit(p.url).path, dict(parse_qsl(urlsplit(p.url).query))) for p in opened}


def test_next_and_previous_walk_every_lesson_in_order_and_the_playground_link_opens_its_model():
    """From the first lesson, Next leads through every lesson in lesson order to the last; each page's Previous
    leads back to the one before; "Open this in the playground" holds a query that parses to the lesson's
    model, with the part of the picture the lesson is about outlined."""
    found, walked = lessons.all_lessons(), []
    at = open_lessons()
    while True:
        assert not at.exception
        lesson = lessons.find(at.query_params["lesson"])
        shown = links(at)
        back = [query["lesson"] for label, (_, query) in shown.items() if label.startswith("Previous:")]
        assert back == ([walked[-1].slug] if walked else []), lesson.slug
        walked.append(lesson)
        if lesson.preset:
            page, query = shown["Open this in the playground"]
            assert page == "./", page  # the playground is the default page, at the site's root
            parsed = parse("&".join(f"{k}={v}" for k, v in query.items()))
            assert not parsed.notices and parsed.config == parse(lesson.preset).config, lesson.slug
            assert parsed.view.focus == lesson.region in tour.REGIONS, lesson.slug
        ahead = [query["lesson"] for label, (_, query) in shown.items() if label.startswith("Next:")]
        if not ahead:
            break
        at.query_params["lesson"] = ahead[0]
        at.run()
    assert [ls.slug for ls in walked] == [ls.slug for ls in found]


def test_a_link_that_fixes_the_lesson_offers_no_walk_to_another():
    for room in ({"hide": "lesson"}, {"lock": "lesson"}):
        at = open_page("pages/lessons.py", {"lesson": two_question_lesson().slug} | room)
        assert not at.exception
        assert not [label for label in links(at) if label.startswith(("Next:", "Previous:"))], room


def test_a_question_is_graded_against_keras():
    at = open_lessons()
    lesson = two_question_lesson()
    at.selectbox[0].set_value(lesson).run()
    expected = lessons.shapes_of(lessons.combine(lesson.preset, lesson.questions[0].query))
    at.text_input[0].input(", ".join(map(str, expected)))
    at.button[0].click().run()
    assert at.success and "Right" in at.success[0].value
    at.text_input[0].input("(32, 64)")
    at.button[0].click().run()
    assert at.error and "timesteps axis" in at.error[0].value


def test_a_wrong_answer_gets_a_second_try_before_the_right_answer_is_shown():
    """The first wrong answer is told its rule, not the right shapes; "Show the answer" tells them."""
    lesson = two_question_lesson()
    at = open_lesson(lesson)
    right = str(lessons.expected(lessons.answer_query(lesson, lesson.questions[0]), "returns")[0])
    at.text_input[0].input("(32, 64)")
    at.button[0].click().run()
    assert at.error and right not in at.error[0].value.replace("\\", ""), at.error[0].value
    explained = plain("\n".join(m.value for m in at.markdown))
    assert lessons.render(lesson, text=lesson.questions[0].explain) not in explained, "the explanation waits"
    show = next(b for b in at.button if b.label == "Show the answer")
    show.click().run()
    assert at.error and right in at.error[0].value.replace("\\", ""), at.error[0].value
    assert not [b for b in at.button if b.label == "Show the answer"]


def test_placeholders_give_neither_a_shape_nor_a_name():
    for slug in ("return-state", "return-sequences", "the-input", "units"):
        at = open_lesson(lessons.find(slug))
        for box in at.text_input:
            assert not any(ch.isdigit() for ch in box.placeholder) and "state_h" not in box.placeholder, \
                (slug, box.placeholder)


def two_question_lesson() -> lessons.Lesson:
    return lessons.find("return-sequences")


def open_lesson(lesson: lessons.Lesson) -> AppTest:
    at = open_lessons()
    at.selectbox[0].set_value(lesson).run()
    assert not at.exception
    return at


def test_each_question_keeps_its_verdict_and_explanation_when_another_is_checked():
    lesson = two_question_lesson()
    at = open_lesson(lesson)
    first, second = (lessons.expected(lessons.answer_query(lesson, q), q.of) for q in lesson.questions)
    at.text_input[0].input(", ".join(map(str, first)))
    at.button[0].click().run()
    assert [s.value for s in at.success] == [message("Right: that is exactly what Keras returns.")]
    at.text_input[1].input("(1, 2)")  # the second question, wrong
    at.button[1].click().run()
    assert not at.exception
    assert len(at.success) == 1 and len(at.error) == 1, "the first verdict is still there"
    explained = plain("\n".join(m.value for m in at.markdown))
    assert lessons.render(lesson, text=lesson.questions[0].explain) in explained
    assert lessons.render(lesson, text=lesson.questions[1].explain) not in explained, "it waits for a second try"
    at.text_input[1].input(", ".join(map(str, second)))
    at.button[1].click().run()
    assert len(at.success) == 2 and not at.error
    explained = plain("\n".join(m.value for m in at.markdown))
    assert lessons.render(lesson, text=lesson.questions[1].explain) in explained


def test_the_answers_come_after_the_questions_on_the_page():
    """Nothing shown above a question (text, charts' titles) holds its answer; the table of what Keras returns
    waits under the questions until each is answered right (or the answers are asked for)."""
    lesson = two_question_lesson()
    at = open_lesson(lesson)
    order = [e for e in at.main if e.type in ("markdown", "text_input", "code")]
    first_question = next(i for i, e in enumerate(order) if e.type == "text_input")
    above = "\n".join(str(e.value) for e in order[:first_question] if e.type != "text_input")
    answers = [str(s) for q in lesson.questions for s in lessons.expected(lessons.answer_query(lesson, q), q.of)]
    assert not [a for a in answers if a in above], above
    assert not [m for m in at.markdown if m.value.startswith("| returned |")], "the table answers the questions"
    for k, question in enumerate(lesson.questions):
        right = lessons.expected(lessons.answer_query(lesson, question), question.of)
        at.text_input[k].input(", ".join(map(str, right)))
        at.button[k].click().run()
    order = [e for e in at.main if e.type in ("markdown", "text_input", "code")]
    table = next(i for i, e in enumerate(order) if str(e.value).startswith("| returned |"))
    assert table > max(i for i, e in enumerate(order) if e.type == "text_input")


def test_a_former_lesson_link_opens_the_lesson():
    at = open_lessons()
    at.query_params["lesson"] = "03-return-sequences"
    at.run()
    assert not at.exception
    assert at.header[0].value == two_question_lesson().title


def test_questions_of_every_kind_are_graded_with_the_rule_named():
    """A names question catches the state-order myth; a builds question is answered by choosing."""
    lesson = lessons.find("return-state")
    at = open_lesson(lesson)
    names = next(k for k, q in enumerate(lesson.questions) if q.kind == "names")
    at.text_input[names].input("output, state_c, state_h")  # the same shapes, the wrong order
    at.button[names].click().run()
    hint = lessons.grade_question(lesson, lesson.questions[names], "output, state_c, state_h", tell=False)[1]
    assert not at.exception and at.error and at.error[0].value.replace("\\", "") == hint  # a second try first
    assert "h before c" in lessons.grade_question(lesson, lesson.questions[names], "output, state_c, state_h")[1]
    at.text_input[names].input(lessons.right_answer(lesson, lesson.questions[names]))
    at.button[names].click().run()
    assert at.success and not at.error
    lesson = lessons.find("stacking")
    at = open_lesson(lesson)
    builds = next(q for q in lesson.questions if q.kind == "builds")
    assert at.radio[0].label == builds.ask
    at.radio[0].set_value("builds")
    form = [q.kind for q in lesson.questions].index("builds")
    at.button[form].click().run()
    assert not at.exception and at.error and "Keras refuses" in at.error[0].value
    at.radio[0].set_value(questions.expected("builds", lessons.answer_query(lesson, builds)))
    at.button[form].click().run()
    assert at.success and not at.error
