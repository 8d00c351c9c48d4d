"""The live class page in AppTest: bad codes, wrong keys, expired sessions, refused questions and an unreachable
store each get a plain message, never a traceback; the code and key of the address fuzzed."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from rnnlab.live.session import ALPHABET, CODE_LENGTH, LIVE_MINUTES, Classes, ClassError, Who, read_code
from rnnlab.live.store import SETTING, MemoryStore
from tests.helpers import open_page
from ui import live_view

BAD_CODE = "A join code is 6 letters and digits"
NO_SESSION = "There is no class session"
WRONG_KEY = "does not hold the teacher's key"
UNREACHABLE = "The class sessions cannot be reached just now"
ENDED = "has ended"
SLOWED = "Too many join codes"
TEACHER = Who("browser:teacher", "address:school")  # not the browser of any AppTest page


class Clock:
    """A clock the test moves on (for sessions that expire)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The page's class sessions in a fresh in-process store of this test alone, on a clock the test moves."""
    clock = Clock()
    monkeypatch.setattr(live_view, "_opened", [Classes(MemoryStore(clock=clock))])
    return clock


@pytest.fixture
def session(clock) -> tuple[str, str]:
    """A started session: (join code, teacher key)."""
    return live_view.classes().start(TEACHER)


def class_page(query: dict[str, str | list[str]] | None = None) -> AppTest:
    """The /class page run with this address's query string."""
    return open_page("pages/live_class.py", query)


def shown(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("title", "header", "markdown", "caption", "error", "warning",
                                                 "info", "success", "code", "text") for e in at.get(kind))


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def is_teacher_view(at: AppTest) -> bool:
    return any(b.label == "Pose it to the class" for b in at.button)


def assert_refused(at: AppTest, message: str) -> None:
    """No traceback, no teacher controls, the message said, and the join box offered instead."""
    assert not at.exception, [e.value for e in at.exception]
    assert message in errors(at), errors(at)
    assert not is_teacher_view(at)
    assert [t.value for t in at.title] == ["Join a class"]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_class_page_without_a_code_asks_for_one(clock):
    at = class_page()
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Join a class"]
    assert [t.label for t in at.text_input][0] == "Join code"


@pytest.mark.parametrize("code", ["", "!!!", "K7MQ2", "K7MQ2XX", "O0I1O0", "<b>K7MQ2X</b>", "A" * 10_240,
                                  "K7MQ2X\x00", "\u212a7MQ2X"],
                         ids=["empty", "punctuation", "short", "long", "look-alikes", "markup", "10kB", "nul",
                              "kelvin-sign"])
def test_a_code_that_cannot_be_one_is_refused_in_plain_words(clock, code):
    at = class_page({"code": code})
    assert_refused(at, BAD_CODE)
    assert "A" * 50 not in shown(at)  # a long code is never quoted back


def test_an_unknown_code_says_there_is_no_such_session(clock):
    at = class_page({"code": "k7m-q2x"})  # read as K7MQ2X: well formed, but no session has it
    assert_refused(at, NO_SESSION)
    assert "K7MQ2X" in errors(at)


def test_an_unused_session_ends_and_says_so(clock, session):
    code, _ = session
    at = class_page({"code": code})
    assert not at.exception and not at.error and [t.value for t in at.title] == [f"Class {code}"]
    clock.now += LIVE_MINUTES * 60 + 1
    at.run()  # the same student's page, after the session ended unused
    assert_refused(at, ENDED)


def test_the_teachers_link_to_an_ended_session_offers_its_results(clock, session):
    code, key = session
    clock.now += LIVE_MINUTES * 60 + 1
    at = class_page({"code": code, "key": key})
    assert not at.exception and not at.error
    assert "This session has ended" in shown(at)
    assert not is_teacher_view(at)  # nothing left to pose
    assert [b.label for b in at.get("download_button")] == ["Download the answers (CSV)"]


@pytest.mark.parametrize("key", ["wrong", "", "x" * 10_240, "<script>", "%00"])
def test_a_wrong_key_gets_no_teacher_controls_and_a_clear_message(session, key):
    code, real = session
    at = class_page({"code": code, "key": key})
    assert_refused(at, WRONG_KEY)
    assert "key" not in at.query_params  # taken out of the address bar all the same
    assert real not in shown(at)


def test_the_teachers_key_is_taken_out_of_the_address_and_kept_for_the_tab(session):
    code, key = session
    at = class_page({"code": code, "key": key})
    assert not at.exception and not at.error
    assert is_teacher_view(at)
    assert dict(at.query_params) == {"code": code}
    at.run()  # a rerun of the tab (a click): still the teacher, without the key in the address
    assert is_teacher_view(at)


def test_repeated_code_params_are_read_as_one_without_a_traceback(session):
    code, key = session
    at = class_page({"code": [code, "ZZZZZZ"]})  # Streamlit reads the last one
    assert_refused(at, NO_SESSION)
    at = class_page({"code": ["ZZZZZZ", code]})
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == [f"Class {code}"]
    at = class_page({"code": code, "key": [key, "wrong"]})
    assert_refused(at, WRONG_KEY)


@pytest.mark.parametrize("typed, message", [("!!!", BAD_CODE), ("", BAD_CODE), ("K7MQ2X", NO_SESSION)])
def test_joining_with_a_typed_bad_code_says_what_is_wrong(clock, typed, message):
    at = class_page()
    at.text_input[0].input(typed)
    at.button[0].click().run()  # the form's "Join"
    assert_refused(at, message)
    assert "code" not in at.query_params


def test_joining_with_a_typed_code_opens_the_students_page(session):
    code, _ = session
    at = class_page()
    at.text_input[0].input(f" {code[:3].lower()}-{code[3:].lower()} ")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert at.query_params["code"] == code
    assert [t.value for t in at.title] == [f"Class {code}"]


def teacher_page(session) -> AppTest:
    code, key = session
    at = class_page({"code": code, "key": key})
    assert is_teacher_view(at)
    return at


@pytest.mark.parametrize("typed", ["units=999999", "units=8&return_state=maybe", "nonsense=1",
                                   "http://x.example/?units=-3"])
def test_posing_a_refused_configuration_says_why_and_poses_nothing(session, typed):
    at = teacher_page(session)
    at.text_input(key="pose_query").input(typed)
    button(at, "Pose it to the class").click().run()
    assert not at.exception
    assert "That question cannot be posed" in errors(at), errors(at)
    assert live_view.classes().state(session[0]).question is None


def test_posing_a_configuration_asks_the_class(session):
    at = teacher_page(session)
    at.text_input(key="pose_query").input("units=8&return_state=true")
    button(at, "Pose it to the class").click().run()
    assert not at.exception and not at.error
    posed = live_view.classes().state(session[0]).question
    assert posed is not None and "units=8" in posed.query
    assert "Question 1" in [h.value for h in at.header]


@pytest.fixture
def unreachable(monkeypatch):
    """The class store set to a Redis where nothing listens (port 1), opened afresh for this test."""
    monkeypatch.setenv(SETTING, "redis://127.0.0.1:1/0")
    monkeypatch.setattr(live_view, "_opened", [])


@pytest.mark.parametrize("query", [{"code": "K7MQ2X"}, {"code": "K7MQ2X", "key": "a" * 24}],
                         ids=["student", "teacher"])
def test_an_unreachable_store_says_so_on_the_class_page(unreachable, query):
    at = class_page(query)
    assert not at.exception, [e.value for e in at.exception]
    assert UNREACHABLE in errors(at), errors(at)
    assert not is_teacher_view(at)


def test_an_unreachable_store_says_so_when_joining_and_starting(unreachable):
    at = class_page()
    at.text_input[0].input("K7MQ2X")
    at.button[0].click().run()
    assert not at.exception and UNREACHABLE in errors(at), errors(at)
    at = open_page("pages/classroom.py")
    button(at, "Start a class session").click().run()
    assert not at.exception and UNREACHABLE in errors(at), errors(at)


# Fuzzing the address: codes and keys of every kind.

CODES = st.one_of(st.text(max_size=40), st.text(alphabet=ALPHABET + ALPHABET.lower() + " -", max_size=12),
                  st.text(alphabet=string.printable, min_size=5, max_size=8))
KEYS = st.one_of(st.text(max_size=80), st.text(alphabet=string.ascii_letters + string.digits + "_-", max_size=70))


@settings(max_examples=300, deadline=None)
@given(typed=st.one_of(CODES, st.integers(), st.none(), st.binary(max_size=20)))
def test_read_code_gives_a_canonical_code_or_a_plain_refusal(typed):
    try:
        code = read_code(typed)
    except ClassError as err:
        assert "6 letters and digits" in str(err)
    else:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
        assert read_code(code) == code


@settings(max_examples=200, deadline=None)
@given(code=CODES, key=st.one_of(KEYS, st.none(), st.integers(), st.lists(st.text(max_size=5), max_size=3)))
def test_only_the_teachers_own_key_opens_the_teachers_view(code, key):
    classes = Classes(MemoryStore())
    real_code, real_key = classes.start(TEACHER)
    assert classes.is_teacher(real_code, real_key)
    assert not classes.is_teacher(real_code, key) or key == real_key
    assert not classes.is_teacher(real_code, real_key[:-1]) and not classes.is_teacher(real_code, real_key + "x")
    try:
        taken = classes.is_teacher(code, real_key)
    except ClassError:
        return
    assert taken == (read_code(code) == real_code)


def readable(code: str) -> bool:
    try:
        read_code(code)
    except ClassError:
        return False
    return True


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.one_of(CODES, st.just("")), key=st.one_of(st.none(), KEYS), real=st.booleans())
def test_the_class_page_with_any_code_and_key_never_shows_a_traceback(session, code, key, real):
    started, real_key = session
    code = started if real else code
    at = class_page({"code": code} | ({} if key is None else {"key": key}))
    assert not at.exception, [e.value for e in at.exception]
    if readable(code):  # a key next to a readable code is taken out of the address, right or wrong
        assert "key" not in at.query_params
    if is_teacher_view(at):
        assert real and key == real_key
    elif at.error:
        assert any(m in errors(at) for m in (BAD_CODE, NO_SESSION, WRONG_KEY, SLOWED)), errors(at)
    else:
        assert real and key is None and [t.value for t in at.title] == [f"Class {started}"]


def test_a_student_sees_a_revealed_answer_and_the_teachers_configuration_together(session):
    """A revealed question and a followed configuration on one student's page: both said, the tensors of the
    followed one drawn once, the returned shapes those of the installed Keras."""
    import rnnlab
    from rnnlab.live import question

    code, key = session
    classes = live_view.classes()
    classes.pose(code, key, question.playground("units=8&return_state=true"))
    classes.reveal(code, key)
    classes.follow(code, key, "units=4&return_sequences=true")
    at = class_page({"code": code})
    assert not at.exception, [e.value for e in at.exception]
    text = shown(at)
    assert "The answer:" in text and "Your teacher's configuration" in text
    followed = [tuple(r["shape"]) for r in rnnlab.describe("units=4&return_sequences=true")["returns"]]
    assert all(str(shape) in text for shape in followed), (followed, text)
    assert "Turn on return_state" not in text  # no control to turn on this page


# Who a student is; what the projector shows; what a followed configuration may show.

def posed_session(session, query: str = "units=8") -> tuple[str, str]:
    from rnnlab.live import question

    code, key = session
    live_view.classes().pose(code, key, question.playground(query))
    return code, key


def teacher_tab(code: str, key: str) -> AppTest:
    """A tab holding the teacher's key without opening the key link (so this test's one browser, which every
    AppTest page shares, is not made the teacher's: other pages stay students')."""
    return open_page("pages/live_class.py", {"code": code}, state={"_class_teaches": {code: key}})


def send(at: AppTest, text: str) -> AppTest:
    box = next(t for t in at.text_input if t.label == "Your answer")
    box.input(text)
    return button(at, "Send my answer").click().run()


def test_an_id_in_the_address_is_nobodys_identity(session):
    """`me=` was a student's identity: whoever had it (from a shared link) could overwrite their answer. Now it
    does nothing and is taken out of the address."""
    code, key = posed_session(session)
    classes = live_view.classes()
    victim = "member-0001"  # as a link of the old pages would have carried it
    classes.join(code, victim, TEACHER)
    classes.answer(code, victim, 1, 1, "(32, 8)", True)
    page = class_page({"code": code, "me": victim})
    assert "me" not in page.query_params
    send(page, "(32, 9)")
    assert not page.exception
    tally = classes.tally(code, key)
    assert (tally.answered, tally.counts) == (2, {"(32, 8)": 1, "(32, 9)": 1})
    assert classes.my_answer(classes.state(code), victim) == ("(32, 8)", True)


def test_a_followed_configuration_waits_for_the_reveal_while_a_question_is_open(session):
    import rnnlab

    code, key = posed_session(session, "units=8&return_state=true")
    live_view.classes().follow(code, key, "units=8&return_state=true")  # the very answer
    at = class_page({"code": code})
    text = shown(at)
    answer = [str(tuple(r["shape"])) for r in rnnlab.describe("units=8&return_state=true")["returns"]]
    assert "Your teacher's configuration" in text and "Shown after the reveal" in text
    assert not any(shape in text for shape in answer), text
    live_view.classes().reveal(code, key)
    at.run()
    assert all(shape in shown(at) for shape in answer)


def test_the_projectors_view_has_no_controls_no_key_and_no_answers_until_shown(session):
    code, key = posed_session(session)
    student = class_page({"code": code})
    send(student, "(32, 8)")
    wall = class_page({"code": code, "key": key, "view": "project"})  # even opened from the teacher's link
    assert not wall.exception and not wall.error
    assert not list(wall.button) and not list(wall.text_input) and not list(wall.toggle)
    assert key not in shown(wall) and "key=" not in shown(wall)
    assert "1 of 1" in shown(wall) and "(32, 8)" not in shown(wall)  # how many, never what, while voting
    live_view.classes().show(code, key, True)
    wall.run()
    assert "(32, 8)" in shown(wall) and "✓" not in shown(wall)
    live_view.classes().reveal(code, key)
    wall.run()
    assert "`✓ (32, 8)`\\: 1" in shown(wall) and "Keras returns: `(32, 8)`" in shown(wall)


def test_the_teacher_closes_voting_then_reveals(session):
    code, key = posed_session(session)
    teacher = teacher_tab(code, key)
    student = class_page({"code": code})
    button(teacher, "Close voting").click().run()
    assert live_view.classes().state(code).closed
    student.run()
    assert "Voting is closed" in shown(student) and not [t for t in student.text_input if t.label == "Your answer"]
    button(teacher, "Open voting again").click().run()
    student.run()
    send(student, "(32, 9)")
    button(teacher, "Reveal to everyone").click().run()
    student.run()
    text = shown(student)
    assert "not this one" in text and "Why:" in text and "The class's answers" in [e.label for e in student.expander]


def test_the_answer_box_does_not_hint_at_the_answer(session):
    code, _ = posed_session(session)
    at = class_page({"code": code})
    box = next(t for t in at.text_input if t.label == "Your answer")
    assert "(" not in (box.placeholder or "")


def test_guessing_codes_is_slowed_down_with_a_plain_message(session):
    from rnnlab.live import limits

    code, _ = session
    for k in range(limits.GUESSES.browser):
        at = class_page({"code": "ABCDE" + "FGHJKLMNPQ"[k] if code[:5] != "ABCDE" else "ZZZZZ" + "FGHJKLMNPQ"[k]})
        assert_refused(at, NO_SESSION)
    at = class_page({"code": code})  # a live code now gets the same refusal as a dead one
    assert_refused(at, "Too many join codes")


def test_the_teacher_ends_the_session(session):
    code, key = posed_session(session)
    teacher = teacher_tab(code, key)
    button(teacher, "End it now").click().run()
    assert not teacher.exception
    assert not live_view.classes().state(code).live
    assert "This session has ended" in shown(teacher)
    student = class_page({"code": code})
    assert_refused(student, ENDED)


def test_a_timer_closes_voting_on_every_page(clock, session):
    code, key = posed_session(session)
    teacher = teacher_tab(code, key)
    student = class_page({"code": code})
    teacher.number_input(key="timer_s").set_value(30)
    button(teacher, "Close voting when the timer ends").click().run()
    student.run()
    assert "Voting closes in about 30 seconds" in shown(student)
    clock.now += 31
    student.run()
    teacher.run()
    assert "Voting is closed" in shown(student) and not [t for t in student.text_input if t.label == "Your answer"]
    assert "Voting closed (timer)" in shown(teacher)


def test_the_teacher_is_warned_before_an_unused_session_ends_and_keeps_it(clock, session):
    code, key = session
    teacher = teacher_tab(code, key)
    assert "ends in" not in "\n".join(w.value for w in teacher.warning)
    clock.now += (LIVE_MINUTES - 10) * 60
    teacher.run()
    assert "This session ends in 10 minutes unless it is used" in "\n".join(w.value for w in teacher.warning)
    button(teacher, "Keep the session going").click().run()
    assert live_view.classes().state(code).ends_in > (LIVE_MINUTES - 1) * 60
    assert "ends in" not in "\n".join(w.value for w in teacher.warning)


def test_a_prepared_list_is_posed_one_click_at_a_time(session):
    code, key = session
    teacher = teacher_tab(code, key)
    teacher.radio(key="pose_source").set_value("a prepared list").run()
    teacher.text_area(key="plan_text").input("units=8\nunits=0").run()
    button(teacher, "Keep this list").click().run()
    assert "line 2" in errors(teacher)
    teacher.text_area(key="plan_text").input("units=8\nboth-flags 1").run()
    button(teacher, "Keep this list").click().run()
    button(teacher, "Pose the next prepared question (1 of 2)").click().run()
    assert "units=8" in live_view.classes().state(code).question.query
    button(teacher, "Pose the next prepared question (2 of 2)").click().run()
    assert live_view.classes().state(code).question.lesson == "both-flags"
    assert not [b for b in teacher.button if b.label.startswith("Pose the next")]
    assert not teacher.exception


def test_a_nickname_reaches_the_teacher_as_text(session):
    code, key = posed_session(session)
    nick = "![x](http://e.ex/p) :red[a]"  # within the 30 characters a nickname holds
    student = class_page()
    student.text_input[0].input(code)
    student.text_input[1].input(nick)
    student.button[0].click().run()
    assert not student.exception and [t.value for t in student.title] == [f"Class {code}"]
    teacher = teacher_tab(code, key)
    waiting = [c.value for c in teacher.caption if c.value.startswith("Not answered yet")]
    assert waiting == [f"Not answered yet: `{nick}`"]


def test_the_teacher_removes_a_student_by_nickname(session):
    code, key = posed_session(session)
    student = class_page()
    student.text_input[0].input(code)
    student.text_input[1].input("Ada")
    student.button[0].click().run()
    teacher = teacher_tab(code, key)
    teacher.selectbox(key="remove_who").select_index(0).run()
    button(teacher, "Remove from this session").click().run()
    assert not teacher.exception and live_view.classes().roster(code, key) == []
    student.run()
    assert_refused(student, "removed this browser")


def test_a_playground_question_can_be_posed_with_choices_and_a_student_chooses(session):
    code, key = session
    teacher = teacher_tab(code, key)
    teacher.text_input(key="pose_query").input("units=8&return_state=true").run()
    teacher.toggle(key="pose_choices").set_value(True).run()
    button(teacher, "Pose it to the class").click().run()
    posed = live_view.classes().state(code).question
    assert len(posed.options) == 4
    at = class_page({"code": code})
    choices = [r for r in at.radio if r.label == "Your answer"]
    assert choices and list(choices[0].options) == list(posed.options)
    assert not at.exception


def test_the_teachers_page_warns_once_that_a_localhost_link_opens_only_on_this_computer(session):
    at = teacher_page(session)  # AppTest, like a teacher on the serving machine, is on localhost
    warned = [w.value for w in at.warning if "only on this computer" in w.value]
    assert len(warned) == 1, warned



def test_the_teachers_page_goes_down_one_heading_level_at_a_time(session):
    """Under the page's title (h1) come sections (h2), never a level skipped."""
    at = teacher_page(session)
    assert at.title and at.header and not at.subheader, [h.value for h in at.subheader]
