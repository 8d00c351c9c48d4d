"""Classroom links: what they hide, lock and keep for Reveal survive the round trip through a URL."""

from urllib.parse import urlsplit

import pytest

from rnnlab import lessons
from rnnlab.classroom import CONTROLS, Classroom, base_address, is_local, link, split
from rnnlab.params import PARAMS
from rnnlab.training.settings import TRAIN


def test_a_link_carries_the_page_settings_and_the_classroom_settings():
    room = Classroom(hide=("return_state", "units"), lock=("return_sequences",), reveal=True, present=True)
    url = link("http://host:8501/prefix/", "", {"units": "8"}, room)
    assert url.startswith("http://host:8501/prefix/?")
    read, rest, notices = split(urlsplit(url).query)
    assert read == room and rest == {"units": ["8"]} and notices == ()


def test_without_classroom_settings_the_link_is_the_plain_page_address():
    assert link("http://host", "lessons", {"lesson": "01-the-input"}, Classroom()) == \
        "http://host/lessons?lesson=01-the-input"
    assert split("units=8")[0] == Classroom()


@pytest.mark.parametrize("query, problem", [
    ("hide=units,nonsense", "no control is called 'nonsense'"),
    ("reveal=maybe", "reveal='maybe' is not true/false"),
    ("lock=" + "x" * 500, "no control is called"),
])
def test_bad_classroom_settings_are_named_and_the_rest_still_applies(query, problem):
    room, _, notices = split(query)
    assert any(problem in str(n) for n in notices)
    assert room.hide in ((), ("units",))


def test_every_control_of_the_playground_and_the_lesson_picker_can_be_hidden():
    assert set(PARAMS) | set(TRAIN) | {"lesson"} == set(CONTROLS)


@pytest.mark.parametrize("lesson", lessons.all_lessons(), ids=lambda ls: ls.slug)
def test_a_lesson_kept_for_reveal_shows_none_of_its_returned_shapes(lesson):
    hidden = lessons.render(lesson, answers=False)
    shown = lessons.render(lesson)
    x = lessons._value("x", None, lesson.preset)
    for match in lessons.PLACEHOLDER.finditer(lesson.body):
        if match[1] in lessons.ANSWERS:
            value = lessons._value(match[1], match[2], lessons.combine(lesson.preset, match[3] or ""))
            assert value in shown
            if value != x:
                assert value not in hidden, f"{match[0]} shows {value}"
    if any(m[1] in lessons.ANSWERS for m in lessons.PLACEHOLDER.finditer(lesson.body)):
        assert lessons.HIDDEN in hidden


def test_grading_without_telling_names_the_rule_but_not_the_shapes():
    query = "return_sequences=true&return_state=true"
    expected = lessons.shapes_of(query)
    right, why = lessons.grade("(32, 64), (32, 64), (32, 64)", query, tell=False)
    assert not right and "timesteps axis" in why and str(expected[0]) not in why
    right, why = lessons.grade("(32, 10, 64)", query, tell=False)
    assert not right and str(len(expected)) + " tensors" not in why
    right, _ = lessons.grade(", ".join(map(str, expected)), query, tell=False)
    assert right


@pytest.mark.parametrize("key", ["hide", "lock"])
def test_a_long_list_of_controls_keeps_every_known_name_once_and_names_the_rest(key):
    names = ["units"] * 40 + ["-1", "99999999999999999999"] + ["return_state", "units", "return_state"]
    room, _, notices = split(f"{key}={','.join(names)}")
    assert getattr(room, key) == ("units", "return_state")
    assert len(notices) == 1 and "'-1', '999999999999999..." in str(notices[0])
    room, _, notices = split(f"{key}=" + ",".join(["x"] * 5000 + ["units"]))
    assert getattr(room, key) == () and any("only the first 1,000" in str(n) for n in notices)
    assert all(len(n.problem) < 400 for n in notices)


@pytest.mark.parametrize("lesson", lessons.all_lessons(), ids=lambda ls: ls.slug)
def test_a_lesson_kept_for_reveal_explains_its_questions_without_their_shapes(lesson):
    for question in lesson.questions:
        hidden = lessons.render(lesson, answers=False, text=question.explain)
        for shape in lessons.expected(lessons.answer_query(lesson, question), question.of):
            if question.of == "returns":
                assert str(shape) not in hidden, (question.ask, hidden)


@pytest.mark.parametrize("typed, base", [
    ("https://lab.school.example/rnn/", "https://lab.school.example/rnn"),
    (" http://192.168.1.20:8501 ", "http://192.168.1.20:8501"),
    ("HTTP://Host.Example", "http://Host.Example"),
    ("http://[::1]:8501/", "http://[::1]:8501"),
])
def test_a_teachers_base_address_is_taken_when_it_is_a_plain_web_address(typed, base):
    assert base_address(typed) == (base, "")


@pytest.mark.parametrize("typed, problem", [
    ("", "empty"), ("javascript:alert(1)", "http:// or https://"), ("ftp://host", "http:// or https://"),
    ("lab.school.example", "http:// or https://"), ("[link](http://evil.example)", "http:// or https://"),
    ("http://a host", "spaces"), ("http://host/`code`", "characters"), ("http://host/<b>", "characters"),
    ("http://host:99999", "cannot be read"), ("http://host:port", "cannot be read"),
    ("http://user:pass@evil.example", "user name"), ("https://host/?units=8", "query"), ("https://host/#x", "query"),
    ("http://" + "a" * 400, "longer"), ("http://", "no host"),
])
def test_a_base_address_that_is_not_a_plain_web_address_is_refused(typed, problem):
    base, said = base_address(typed)
    assert base is None and problem in said


@pytest.mark.parametrize("address, local", [
    ("http://localhost:8501", True), ("http://127.0.0.1:8501/app", True), ("http://[::1]:8501", True),
    ("http://0.0.0.0:8501", True), ("http://app.localhost", True), ("http://192.168.1.20:8501", False),
    ("https://rnnlab.school.example", False), ("http://localhost.school.example", False),
])
def test_addresses_that_open_only_on_this_computer_are_recognised(address, local):
    assert is_local(address) is local
