"""Live class sessions (rnnlab.live) over both stores: in this process, and a real redis-server.

The rules (only the teacher's key changes a session, one answer per student per round, answers after the
question moved on are refused, sessions expire, bounds hold under concurrency), what happens when Redis goes
away, and the grading of answers against what the installed Keras returns.
"""

from __future__ import annotations

import os
import csv
import io
import re
import secrets
import signal
import threading
import time

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rnnlab
from rnnlab import questions as kinds
from rnnlab.live import export, limits, question, session
from rnnlab.live.question import MAX_SHOWN, BadQuestion
from rnnlab.live.session import ALPHABET, CODE_LENGTH, LIVE_MINUTES, ClassError, Classes, Who, read_code
from rnnlab.live.store import MemoryStore, RedisStore, StoreUnavailable, open_store

STORES = ["memory", "redis"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def member(i: int) -> str:
    return f"member-{i:04d}"


def anyone(address: str = "") -> Who:
    """A client of its own: a browser nobody else has, on its own address (or `address`)."""
    return Who(f"browser:{secrets.token_hex(8)}", address or f"address:{secrets.token_hex(8)}")


def new_store(kind: str, request, clock=None):
    if kind == "memory":
        return MemoryStore(clock) if clock else MemoryStore()
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()  # every test starts with no sessions
    return RedisStore(url)


@pytest.fixture(params=STORES)
def classes(request) -> Classes:
    return Classes(new_store(request.param, request))


def shapes_of(query: str) -> list[tuple[int, ...]]:
    """What the installed Keras returns for a playground query."""
    return [tuple(r["shape"]) for r in rnnlab.describe(query)["returns"]]


def written(shapes: list[tuple[int, ...]]) -> str:
    return ", ".join("(" + ", ".join(map(str, s)) + ")" for s in shapes)


def answer(classes: Classes, code: str, who: str, posed, text: str) -> None:
    """A student's page: grade the typed text, group it, send it for the round the page shows."""
    state = classes.state(code)
    right, _ = question.grade(posed, text)
    classes.answer(code, who, state.asked, state.round, question.canonical(posed, text), right)


def one_answer_in(classes: Classes) -> tuple[str, str]:
    """A session with question 1 (units=8) posed and member 1's answer "(32, 8)" in: (code, key)."""
    code, key = classes.start(anyone())
    classes.pose(code, key, question.playground("units=8"))
    classes.join(code, member(1), anyone())
    classes.answer(code, member(1), 1, 1, "(32, 8)", True)
    return code, key


# The whole round.

def test_full_round(classes):
    code, key = classes.start(anyone())
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", key)
    start = classes.state(code)
    assert (start.question, start.asked, start.round, start.revealed, start.follow) == (None, 0, 1, False, "")
    assert classes.is_teacher(code, key)

    posed = question.playground("units=8")
    classes.pose(code, key, posed)
    state = classes.join(code, member(1), anyone())
    assert state.question == posed and (state.asked, state.round, state.revealed) == (1, 1, False)
    assert state.version > start.version
    classes.join(code.lower()[:3] + "-" + code.lower()[3:], member(2), anyone())  # typed as it is read aloud
    classes.join(code, member(3), anyone())

    right = written(shapes_of("units=8"))
    wrong = written([(s[0], s[-1] + 1) for s in shapes_of("units=8")])
    answer(classes, code, member(1), posed, right)
    answer(classes, code, member(2), posed, right.replace(" ", ""))
    answer(classes, code, member(3), posed, wrong)
    tally = classes.tally(code, key)
    assert tally.counts == {right: 2, wrong: 1}
    assert tally.right == {right}
    assert (tally.answered, tally.joined) == (3, 3)
    assert classes.my_answer(classes.state(code), member(1)) == (right, True)
    assert classes.my_answer(classes.state(code), member(3)) == (wrong, False)

    classes.reveal(code, key)
    assert classes.state(code).revealed
    assert question.right_answer(posed) == right

    classes.vote_again(code, key)
    again = classes.state(code)
    assert (again.asked, again.round, again.revealed, again.question) == (1, 2, False, posed)
    assert classes.tally(code, key) == session.Tally({}, frozenset(), 0, 3)
    assert classes.my_answer(again, member(1)) is None
    answer(classes, code, member(1), posed, right)
    answer(classes, code, member(3), posed, right)
    assert classes.tally(code, key).counts == {right: 2}
    assert classes.tally(code, key, round_=2).counts == {right: 2}
    first = classes.tally(code, key, round_=1)  # the first round's answers are still there
    assert first.counts == {right: 2, wrong: 1} and first.answered == 3

    classes.follow(code, key, "units=8&return_sequences=true")
    assert classes.state(code).follow == "units=8&return_sequences=true"
    classes.follow(code, key, "")
    assert classes.state(code).follow == ""
    versions = [start.version, state.version, again.version, classes.state(code).version]
    assert versions == sorted(set(versions))


def test_reveal_and_vote_again_need_a_question(classes):
    code, key = classes.start(anyone())
    for change in (classes.reveal, classes.vote_again):
        with pytest.raises(ClassError, match="Pose a question first"):
            change(code, key)


# One answer per member per round.

def test_a_second_answer_replaces_the_first(classes):
    code, key = classes.start(anyone())
    posed = question.playground("units=8&return_state=true")
    classes.pose(code, key, posed)
    classes.join(code, member(1), anyone())
    answer(classes, code, member(1), posed, "(1, 2)")
    answer(classes, code, member(1), posed, "(3, 4)")
    answer(classes, code, member(1), posed, written(shapes_of("units=8&return_state=true")))
    tally = classes.tally(code, key)
    assert tally.answered == 1 and sum(tally.counts.values()) == 1
    assert tally.counts == {written(shapes_of("units=8&return_state=true")): 1}
    assert tally.right == set(tally.counts)


def test_answers_after_the_question_moved_on_are_refused(classes):
    code, key = classes.start(anyone())
    posed = question.playground("units=8")
    classes.pose(code, key, posed)
    classes.join(code, member(1), anyone())
    classes.join(code, member(2), anyone())
    classes.answer(code, member(1), 1, 1, "(32, 8)", True)
    classes.reveal(code, key)
    with pytest.raises(ClassError, match="Voting on this question is closed"):  # after the reveal
        classes.answer(code, member(2), 1, 1, "(32, 8)", True)
    with pytest.raises(ClassError, match="Voting on this question is closed"):  # nor may a member change theirs
        classes.answer(code, member(1), 1, 1, "(1, 1)", False)
    assert classes.tally(code, key).counts == {"(32, 8)": 1}

    classes.vote_again(code, key)
    with pytest.raises(ClassError, match="Voting on this question is closed"):  # a page still showing round 1
        classes.answer(code, member(2), 1, 1, "(32, 8)", True)
    classes.answer(code, member(2), 1, 2, "(32, 8)", True)

    classes.pose(code, key, question.playground("units=4"))
    for asked, round_ in ((1, 2), (1, 1), (0, 1), (3, 1), (2, 2)):  # the old question, or one never asked
        with pytest.raises(ClassError, match="Voting on this question is closed"):
            classes.answer(code, member(1), asked, round_, "(32, 8)", True)
    assert classes.tally(code, key).answered == 0
    assert classes.tally(code, key, round_=2).answered == 0  # question 2 has no second round yet
    classes.answer(code, member(1), 2, 1, "(32, 4)", True)
    assert classes.tally(code, key).counts == {"(32, 4)": 1}


def test_a_bad_member_id_is_refused(classes):
    code, key = classes.start(anyone())
    classes.pose(code, key, question.playground("units=8"))
    for bad in ("", "short", "x" * 65, "has space1", "ünïcödé-id", "member-01\n", "a/b/c/d/e/f"):
        with pytest.raises(ClassError, match="reload the page"):
            classes.join(code, bad, anyone())
        with pytest.raises(ClassError, match="reload the page"):
            classes.answer(code, bad, 1, 1, "(32, 8)", True)
    assert classes.tally(code, key) == session.Tally({}, frozenset(), 0, 0)


# Only the teacher's key changes anything.

def test_only_the_teacher_key_changes_the_session(classes):
    code, key = one_answer_in(classes)
    other_code, other_key = classes.start(anyone())
    before = classes.state(code)
    bad_keys = [None, "", "x" * 10_240, other_key, key + " ", " " + key, key[:-1], key + "A", key.encode(),
                member(1), code, 0, [key], "wrong-key"]
    bad_keys += [k for k in (key.upper(), key.lower(), key[::-1]) if k != key]
    for bad in bad_keys:
        assert classes.is_teacher(code, bad) is False
        for change in (lambda: classes.pose(code, bad, question.playground("units=4")),
                       lambda: classes.reveal(code, bad), lambda: classes.vote_again(code, bad),
                       lambda: classes.follow(code, bad, "units=4"), lambda: classes.tally(code, bad),
                       lambda: classes.tally(code, bad, round_=1)):
            with pytest.raises(ClassError, match="teacher's key"):
                change()
    assert classes.state(code) == before  # nothing changed
    assert classes.is_teacher(other_code, key) is False and classes.is_teacher(other_code, other_key)
    assert classes.is_teacher(code, key)
    assert classes.tally(code, key).counts == {"(32, 8)": 1}


# Join codes.

@pytest.mark.parametrize("typed, code", [("K7MQ2X", "K7MQ2X"), ("k7m-q2x", "K7MQ2X"), (" k7m q2x ", "K7MQ2X"),
                                         ("K7M-Q2X\n", "K7MQ2X"), ("k-7-m-q-2-x", "K7MQ2X"),
                                         ("\tabc\u00a0def ", "ABCDEF"), ("zz99zz", "ZZ99ZZ")])
def test_read_code_canonicalises(typed, code):
    assert read_code(typed) == code


@pytest.mark.parametrize("typed", ["", "K7MQ2", "K7MQ2XX", "K0MQ2X", "KOMQ2X", "K1MQ2X", "KIMQ2X", "K7MQ2!",
                                   "K7M_Q2X", "ＫＡＢＣＤＥ", "K7MQ2X" * 100, None, 123456, b"K7MQ2X"])
def test_read_code_refuses_what_cannot_be_a_code(typed):
    with pytest.raises(ClassError, match="6 letters and digits"):
        read_code(typed)


def test_an_unknown_code_is_told_clearly(classes):
    code, _ = classes.start(anyone())
    unknown = "ABCDEF" if code != "ABCDEF" else "ABCDEG"
    with pytest.raises(ClassError, match=f"There is no class session {unknown}: it may have ended"):
        classes.state(unknown.lower())
    with pytest.raises(ClassError, match=f"no class session {unknown}"):
        classes.join(unknown, member(1), anyone())
    assert classes.is_teacher(unknown, "anything") is False
    with pytest.raises(ClassError, match="6 letters and digits"):
        classes.join("nope", member(1), anyone())


# Expiry.

def test_a_session_lives_while_it_is_used_then_keeps_its_results(monkeypatch):
    now = [1_000.0]
    classes = Classes(MemoryStore(clock=lambda: now[0]))
    code, key = classes.start(anyone())
    posed = question.playground("units=8")
    classes.pose(code, key, posed)
    classes.join(code, member(1), anyone())
    now[0] += LIVE_MINUTES * 60 - 10
    answer(classes, code, member(1), posed, "(32, 8)")  # in use: it lives LIVE_MINUTES from now
    now[0] += LIVE_MINUTES * 60 - 1  # long past four hours from the start, if it is used
    assert classes.state(code).live and classes.store.live() == 1
    now[0] += 2
    assert not classes.state(code).live and classes.store.live() == 0
    with pytest.raises(ClassError, match="has ended"):
        classes.answer(code, member(1), 1, 1, "(32, 8)", True)
    with pytest.raises(ClassError, match="has ended"):
        classes.join(code, member(2), anyone())
    with pytest.raises(ClassError, match="has ended"):
        classes.pose(code, key, posed)
    assert classes.tally(code, key).counts == {"(32, 8)": 1}  # the teacher still reads the results
    assert [r["answer"] for r in classes.results(code, key)] == ["(32, 8)"]
    monkeypatch.setattr(session, "MAX_SESSIONS", 1)
    classes.start(anyone())  # an ended session no longer counts
    now[0] += session.KEEP_HOURS * 3600
    assert_gone(classes, code, key)


class ShortLived:
    """A store whose sessions live `live_s` seconds after their last use and are kept `keep_s` after that,
    whatever Classes asks."""

    def __init__(self, store, live_s: float, keep_s: float):
        self.store, self.live_s, self.keep_s = store, live_s, keep_s

    def create(self, code, fields, live_s, keep_s, **bounds):
        return self.store.create(code, fields, self.live_s, self.keep_s, **bounds)

    def touch(self, code, live_s, keep_s):
        return self.store.touch(code, self.live_s, self.keep_s)

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_redis_sessions_expire_with_everything_they_hold(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    classes = Classes(ShortLived(RedisStore(redis_url), live_s=1, keep_s=1))
    code, key = one_answer_in(classes)
    assert classes.tally(code, key).answered == 1
    # the record, its members' times, addresses, its set of boxes, one box of answers
    assert len(client.keys(f"{RedisStore.PREFIX}{code}*")) == 5
    time.sleep(1.2)
    assert not classes.state(code).live and classes.tally(code, key).answered == 1
    assert classes.store.live() == 0
    time.sleep(1.2)
    assert_gone(classes, code, key)
    assert client.keys(f"{RedisStore.PREFIX}{code}*") == []


def test_the_teacher_ends_the_session_and_keeps_the_results(classes):
    code, key = one_answer_in(classes)
    live = classes.store.live()
    classes.end(code, key)
    assert not classes.state(code).live and classes.store.live() == live - 1
    with pytest.raises(ClassError, match="has ended"):
        classes.answer(code, member(1), 1, 1, "(32, 8)", True)
    with pytest.raises(ClassError, match="has ended"):
        classes.join(code, member(2), anyone())
    rows = classes.results(code, key)
    assert [(r["question"], r["round"], r["answer"], r["right"]) for r in rows] == [("1", "1", "(32, 8)", "yes")]
    with pytest.raises(ClassError, match="teacher's key"):
        classes.results(code, "wrong")


def assert_gone(classes: Classes, code: str, key: str) -> None:
    for call in (lambda: classes.state(code), lambda: classes.join(code, member(1), anyone()),
                 lambda: classes.answer(code, member(1), 1, 1, "(32, 8)", True), lambda: classes.tally(code, key),
                 lambda: classes.pose(code, key, question.playground("units=4")), lambda: classes.reveal(code, key),
                 lambda: classes.vote_again(code, key), lambda: classes.follow(code, key, "units=4")):
        with pytest.raises(ClassError, match=f"no class session {code}"):
            call()
    assert classes.is_teacher(code, key) is False


# Bounds.

def test_a_session_holds_at_most_max_members(classes, monkeypatch):
    monkeypatch.setattr(session, "MAX_MEMBERS", 3)
    code, key = classes.start(anyone())
    for i in range(3):
        classes.join(code, member(i), anyone())
    with pytest.raises(ClassError, match=r"full \(3 students\)"):
        classes.join(code, member(3), anyone())
    for i in range(3):
        classes.join(code, member(i), anyone())  # a member already in may come back (a reload)
    assert classes.tally(code, key).joined == 3


def test_a_store_holds_at_most_max_sessions(classes, monkeypatch):
    monkeypatch.setattr(session, "MAX_SESSIONS", 3)
    codes = {classes.start(anyone())[0] for _ in range(3)}
    assert len(codes) == 3
    with pytest.raises(ClassError, match="already runs 3 class sessions"):
        classes.start(anyone())
    assert classes.store.live() == 3


def test_seats_left_idle_are_given_to_new_students(classes, monkeypatch):
    monkeypatch.setattr(session, "MAX_MEMBERS", 2)
    monkeypatch.setattr(session, "SEAT_S", 1.0)  # real seconds: Redis keeps its own time
    code, key = classes.start(anyone())
    classes.join(code, member(1), anyone())
    classes.join(code, member(2), anyone())
    with pytest.raises(ClassError, match="full"):
        classes.join(code, member(3), anyone())
    time.sleep(0.7)
    assert classes.seen(code, member(2))  # member 2's page is still open; member 1's is not
    time.sleep(0.4)
    classes.join(code, member(3), anyone())  # member 1's seat, idle past SEAT_S, is freed
    assert not classes.seen(code, member(1)) and classes.seen(code, member(2))
    with pytest.raises(ClassError, match="full"):
        classes.join(code, member(4), anyone())


def test_one_address_holds_at_most_per_address_seats(classes, monkeypatch):
    monkeypatch.setattr(session, "PER_ADDRESS", 2)
    code, key = classes.start(anyone())
    school = "address:school"
    classes.join(code, member(1), anyone(school))
    classes.join(code, member(2), anyone(school))
    with pytest.raises(ClassError, match="from this network"):
        classes.join(code, member(3), anyone(school))
    classes.join(code, member(1), anyone(school))  # a reload of one already in
    classes.join(code, member(4), anyone())  # another network still gets in


def test_one_browser_counts_once_and_holds_one_seat(classes):
    """Every tab of a browser is one member (the id comes from the browser, hashed with the code); another
    browser is another member; and the id in one session says nothing of the id in another."""
    code, key = classes.start(anyone())
    posed = question.playground("units=8")
    classes.pose(code, key, posed)
    phone, laptop = anyone(), anyone()
    for tab in range(2):  # two tabs of the phone's browser
        classes.join(code, session.member_id(phone.browser, code), phone)
        answer(classes, code, session.member_id(phone.browser, code), posed, ["(32, 8)", "(32, 9)"][tab])
    classes.join(code, session.member_id(laptop.browser, code), laptop)
    answer(classes, code, session.member_id(laptop.browser, code), posed, "(32, 8)")
    tally = classes.tally(code, key)
    assert (tally.answered, tally.joined, tally.counts) == (2, 2, {"(32, 8)": 1, "(32, 9)": 1})
    other, _ = classes.start(anyone())
    assert session.member_id(phone.browser, code) != session.member_id(phone.browser, other)


def test_an_answer_needs_a_seat(classes):
    code, key = classes.start(anyone())
    classes.pose(code, key, question.playground("units=8"))
    with pytest.raises(ClassError, match="reload the page to join again"):
        classes.answer(code, member(1), 1, 1, "(32, 8)", True)
    assert classes.tally(code, key).answered == 0


def test_the_teacher_removes_a_student(classes):
    code, key = one_answer_in(classes)
    classes.join(code, member(2), anyone(), "Ada")
    assert {s.nick for s in classes.roster(code, key)} == {"", "Ada"}
    ada = next(s.member for s in classes.roster(code, key) if s.nick == "Ada")
    with pytest.raises(ClassError, match="teacher's key"):
        classes.remove(code, "wrong", ada)
    classes.remove(code, key, ada)
    assert {s.nick for s in classes.roster(code, key)} == {""}
    with pytest.raises(ClassError, match="removed this browser"):
        classes.join(code, member(2), anyone())
    with pytest.raises(ClassError, match="reload the page to join again"):
        classes.answer(code, member(2), 1, 1, "(32, 8)", True)


def test_the_roster_says_who_is_present_and_who_has_not_answered(classes, monkeypatch):
    monkeypatch.setattr(session, "PRESENT_S", 1.0)
    code, key = one_answer_in(classes)  # member 1 answered
    classes.join(code, member(2), anyone(), "Grace")
    classes.join(code, member(3), anyone(), "Alan")
    assert [(s.nick, s.present, s.answered) for s in classes.roster(code, key)] == [
        ("Alan", True, False), ("Grace", True, False), ("", True, True)]
    assert classes.tally(code, key).joined == 3
    time.sleep(1.1)
    classes.seen(code, member(2))
    assert [(s.nick, s.present) for s in classes.roster(code, key)] == [("Grace", True), ("", False)]
    assert classes.tally(code, key).joined == 1  # present now, not every id that ever joined


def test_the_teachers_browser_stays_the_teacher(classes):
    """The browser that started the session, or opened the teacher's key, is the teacher's: a reload (no key in
    the tab any more) keeps it the teacher; any other browser is not."""
    teacher, student, laptop = anyone(), anyone(), anyone()
    code, key = classes.start(teacher)
    assert classes.is_teacher(code, session.Device(teacher.browser))
    assert not classes.is_teacher(code, session.Device(student.browser))
    classes.pose(code, session.Device(teacher.browser), question.playground("units=8"))
    with pytest.raises(ClassError, match="teacher's key"):
        classes.reveal(code, session.Device(student.browser))
    with pytest.raises(ClassError, match="teacher's key"):
        classes.admit(code, "wrong", student.browser)
    classes.admit(code, key, laptop.browser)
    assert classes.is_teacher(code, session.Device(laptop.browser))
    other, _ = classes.start(anyone())
    assert not classes.is_teacher(other, session.Device(teacher.browser))
    assert teacher.browser not in str(classes.store.read(code))  # kept hashed


def test_one_browser_starts_a_bounded_number_of_sessions(classes):
    teacher = anyone("address:school")
    for _ in range(limits.STARTS.browser):
        classes.start(teacher)
    with pytest.raises(ClassError, match="as many as it may"):
        classes.start(teacher)
    classes.start(anyone("address:school"))  # a colleague on the same network still starts one


def test_one_address_starts_a_bounded_number_of_sessions(classes, monkeypatch):
    monkeypatch.setattr(limits, "STARTS", limits.Limit("start", 5, 3, 3600, limits.STARTS.message))
    for _ in range(3):
        classes.start(anyone("address:flood"))
    with pytest.raises(ClassError, match="as many as it may"):
        classes.start(anyone("address:flood"))
    classes.start(anyone())


def test_guessed_codes_are_slowed_down_and_then_told_nothing(classes):
    code, key = classes.start(anyone())
    guesser = anyone()
    dead = [c for c in ("ABCDEF", "ABCDEG", "ABCDEH", "ABCDEJ", "ABCDEK", "ABCDEL", "ABCDEM", "ABCDEN", "ABCDEP",
                        "ABCDEQ", "ABCDER") if c != code][:limits.GUESSES.browser]
    assert classes.enter(code, guesser).code == code  # a live code found is not counted
    for wrong in dead:
        with pytest.raises(ClassError, match="no class session"):
            classes.enter(wrong, guesser)
    for typed in (code, dead[0]):  # past the bound, a live code and a dead one get the same answer
        with pytest.raises(ClassError, match="Too many join codes"):
            classes.enter(typed, guesser)
    assert classes.enter(code, anyone()).code == code  # another browser and network is not slowed


def test_guesses_from_one_address_are_bounded(classes, monkeypatch):
    monkeypatch.setattr(limits, "GUESSES", limits.Limit("guess", 10, 3, 600, limits.GUESSES.message))
    code, _ = classes.start(anyone())
    for _ in range(3):  # a fresh browser each time (a script that sends no cookie)
        with pytest.raises(ClassError, match="no class session"):
            classes.enter("ABCDEF" if code != "ABCDEF" else "ABCDEG", anyone("address:guesser"))
    with pytest.raises(ClassError, match="Too many join codes"):
        classes.enter(code, anyone("address:guesser"))


def test_voting_closes_apart_from_the_reveal(classes):
    code, key = one_answer_in(classes)
    classes.join(code, member(2), anyone())
    classes.close(code, key)
    state = classes.state(code)
    assert state.closed and not state.revealed and not state.open
    with pytest.raises(ClassError, match="Voting on this question is closed"):
        classes.answer(code, member(2), 1, 1, "(32, 8)", True)
    assert classes.shared(state) == []  # closed is not revealed: the class sees no answers yet
    classes.close(code, key, False)
    classes.answer(code, member(2), 1, 1, "(32, 4)", False)
    classes.reveal(code, key)
    assert classes.state(code).closed
    with pytest.raises(ClassError, match="Voting on this question is closed"):
        classes.answer(code, member(2), 1, 1, "(32, 8)", True)
    classes.vote_again(code, key)
    assert classes.state(code).open


def test_the_class_sees_the_answers_only_when_shown_or_revealed(classes):
    code, key = one_answer_in(classes)
    assert classes.shared(classes.state(code)) == []
    assert classes.progress(classes.state(code)) == (1, 1)  # how many answered may always be shown
    with pytest.raises(ClassError, match="teacher's key"):
        classes.show(code, "wrong", True)
    classes.show(code, key, True)
    shown = classes.shared(classes.state(code))
    assert [t.counts for t in shown] == [{"(32, 8)": 1}]
    classes.show(code, key, False)
    classes.reveal(code, key)
    assert [t.counts for t in classes.shared(classes.state(code))] == [{"(32, 8)": 1}]
    classes.vote_again(code, key)
    assert classes.shared(classes.state(code)) == []


def test_results_export_as_csv_with_formulas_defused(classes):
    code, key = one_answer_in(classes)
    classes.join(code, member(2), anyone(), "=cmd|' /C calc'!A0")
    classes.answer(code, member(2), 1, 1, "=1+1", False)
    text = export.to_csv(classes.results(code, key))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["question"], r["round"], r["answer"], r["right"]) for r in rows] == [
        ("1", "1", "(32, 8)", "yes"), ("1", "1", "'=1+1", "no")]
    assert rows[1]["nickname"].startswith("'=") and rows[0]["asked"] == question.PLAYGROUND_ASK


@pytest.mark.parametrize("typed", ["output, state_h, state_c", "out, h, c", "output,state_h,state_c",
                                   "Output  State_H  State_C"])
def test_names_that_mean_the_same_are_one_bar(typed):
    posed = question.Posed("names", "return_state=true", "Name them in order")
    assert question.canonical(posed, typed) == "output, state_h, state_c"


# Concurrency.

def test_sixty_students_answer_at_once(classes):
    code, key = classes.start(anyone())
    posed = question.playground("units=8")
    classes.pose(code, key, posed)
    texts = [written(shapes_of("units=8")), "(32,10,8)", "( 32 , 8 , 1 )"]
    graded = {t: (question.canonical(posed, t), question.grade(posed, t)[0]) for t in texts}
    barrier = threading.Barrier(60)
    failures = []

    def student(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            classes.join(code, member(i), anyone())
            classes.answer(code, member(i), 1, 1, *graded[texts[i % 3]])
        except Exception as err:  # noqa: BLE001 (reported below)
            failures.append(repr(err))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    tally = classes.tally(code, key)
    assert tally.answered == 60 == sum(tally.counts.values()) == tally.joined
    assert tally.counts == {graded[t][0]: 20 for t in texts}
    assert tally.right == {graded[texts[0]][0]}


def test_max_sessions_holds_when_teachers_start_at_once(classes, monkeypatch):
    monkeypatch.setattr(session, "MAX_SESSIONS", 5)
    barrier = threading.Barrier(30)
    started, refused = [], []

    def teacher() -> None:
        barrier.wait(timeout=10)
        try:
            started.append(classes.start(anyone()))
        except ClassError:
            refused.append(1)

    threads = [threading.Thread(target=teacher) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(started) == 5 and len(refused) == 25
    assert classes.store.live() == 5


# Redis unavailable, and back.

def every_call(classes: Classes, code: str, key: str, state) -> list:
    posed = question.playground("units=8")
    return [lambda: classes.start(anyone()), lambda: classes.state(code), lambda: classes.is_teacher(code, key),
            lambda: classes.pose(code, key, posed), lambda: classes.reveal(code, key),
            lambda: classes.vote_again(code, key), lambda: classes.follow(code, key, "units=4"),
            lambda: classes.join(code, member(9), anyone()), lambda: classes.answer(code, member(1), 1, 1, "(32, 8)", True),
            lambda: classes.tally(code, key), lambda: classes.tally(code, key, round_=1),
            lambda: classes.my_answer(state, member(1)), classes.store.live]


def test_redis_unavailable_then_back(redis_server):
    classes = Classes(RedisStore(redis_server.url))
    code, key = one_answer_in(classes)
    state = classes.state(code)

    redis_server.stop()
    for call in every_call(classes, code, key, state):
        with pytest.raises((ClassError, StoreUnavailable)):
            call()
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        classes.state(code)

    redis_server.start()  # it kept nothing: the session is gone, the store works again
    with pytest.raises(ClassError, match=f"no class session {code}"):
        classes.state(code)
    code, key = one_answer_in(classes)
    assert classes.tally(code, key).counts == {"(32, 8)": 1}


def test_redis_that_does_not_answer_is_unavailable(redis_server):
    classes = Classes(RedisStore(redis_server.url))
    code, key = classes.start(anyone())
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        began = time.monotonic()
        with pytest.raises(StoreUnavailable, match="cannot be reached"):
            classes.state(code)
        assert time.monotonic() - began < 5
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    assert classes.is_teacher(code, key)


def test_a_redis_restart_that_saves_loses_nothing(redis_server):
    classes = Classes(RedisStore(redis_server.url))
    code, key = one_answer_in(classes)
    state, tally = classes.state(code), classes.tally(code, key)
    redis_server.restart(save=True)
    assert classes.state(code) == state
    assert classes.tally(code, key) == tally
    assert classes.is_teacher(code, key)
    assert 0 < redis_server.client().ttl(RedisStore.PREFIX + code) <= LIVE_MINUTES * 60 + session.KEEP_HOURS * 3600
    classes.answer(code, member(1), 1, 1, "(32, 9)", False)  # the scripts are loaded again as needed
    assert classes.tally(code, key).counts == {"(32, 9)": 1}


@pytest.mark.parametrize("setting", ["nonsense", "redis", "http://127.0.0.1:6379", "memory://", "mysql://x",
                                     "redis://127.0.0.1:notaport/0", "redis://127.0.0.1:99999/0",
                                     "redis://[::1/0", "redis://127.0.0.1:6379/0?socket_timeout=abc",
                                     "redis://127.0.0.1:6379/0?no_such_option=1"])
def test_a_store_setting_that_cannot_be_used_is_unavailable(setting):
    with pytest.raises(StoreUnavailable):
        Classes(open_store(setting)).start(anyone())  # refused at once, or at the first call: never another error


def test_open_store_reads_its_setting(redis_url):
    assert isinstance(open_store(None), MemoryStore) and isinstance(open_store(" memory "), MemoryStore)
    assert isinstance(open_store(redis_url), RedisStore)


# Grading against the installed Keras.

PLAYGROUND = ["units=8", "units=8&return_state=true", "layer=gru&return_sequences=true&return_state=true",
              "bidirectional=true&units=4", "bidirectional=true&units=4&return_state=true&merge_mode=sum",
              "layer=simple_rnn&units=5&batch=3&timesteps=7&features=2&return_sequences=true"]


@pytest.mark.parametrize("query", PLAYGROUND)
def test_playground_answers_are_graded_by_keras(query):
    shapes = shapes_of(query)
    posed = question.playground(query)
    assert posed.kind == "shapes" and question.playground(posed.query) == posed
    right = written(shapes)
    assert question.right_answer(posed) == right
    assert question.grade(posed, right)[0] is True
    spaced = "  " + " ,".join("[ " + " , ".join(map(str, s)) + " ]" for s in shapes) + "\n"
    assert question.grade(posed, spaced)[0] is True
    assert question.canonical(posed, spaced) == question.canonical(posed, right.replace(" ", "")) == right

    wrongs = [written([shapes[0][:-1] + (shapes[0][-1] + 1,), *shapes[1:]]),  # the last axis off by one
              written(shapes + [shapes[-1]]),  # one tensor too many
              written([s[1:] for s in shapes])]  # without the batch axis
    if len(shapes) > 1:
        wrongs += [written(shapes[:-1]), written(shapes[::-1]) if shapes[::-1] != shapes else "(1, 2)"]
    for wrong in wrongs:
        ok, why = question.grade(posed, wrong)
        assert ok is False, wrong
        assert right not in why  # the right answer waits for the reveal
        assert question.canonical(posed, wrong) != right


LESSONS = [("both-flags", 3), ("bidirectional", 4), ("padding-and-masking", 4), ("units", 2),
           ("gru-and-simplernn", 4)]


@pytest.mark.parametrize("slug, questions", LESSONS)
def test_lesson_questions_grade_their_right_answer(slug, questions):
    for number in range(questions):
        posed = question.from_lesson(slug, number)
        assert (posed.lesson, posed.number) == (slug, number)
        right = question.right_answer(posed)
        assert question.grade(posed, right)[0] is True, (slug, number, right)
        assert question.canonical(posed, "  " + right.replace(" ", "   ") + " ") == question.canonical(posed, right)
        if posed.kind == "shapes" and question.right_answer(posed).count("(") == len(shapes_of(posed.query)):
            assert kinds.read_answer("shapes", right) == shapes_of(posed.query)
        for key, label in posed.choices.items():  # a choice is one bar whether sent by key or label
            assert question.canonical(posed, key) == question.canonical(posed, label) == label[:MAX_SHOWN]
        ok, _ = question.grade(posed, "(1, 2, 3)" if posed.kind != "shapes" else "(1, 2, 3, 4, 5)")
        assert ok is False
    with pytest.raises(BadQuestion):
        question.from_lesson(slug, questions)


@pytest.mark.parametrize("slug, number", [("no-such-lesson", 0), ("both-flags", 99), ("both-flags", -1),
                                          ("", 0), ("../lessons/both-flags", 0), ("x" * 1000, 0)])
def test_from_lesson_refuses_unknown_questions(slug, number):
    with pytest.raises(BadQuestion, match="no question"):
        question.from_lesson(slug, number)


@pytest.mark.parametrize("query", ["units=0", "units=abc", "nonsense=1", "layer=foo", "units=8&units=9",
                                   "units=100000"])
def test_playground_refuses_what_it_would_not_take_as_it_is(query):
    with pytest.raises(BadQuestion):
        question.playground(query)


# Fuzz: any text either works or is refused in plain words.

@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(alphabet=ALPHABET.lower() + ALPHABET + " -\t", max_size=12),
                 st.none(), st.integers(), st.binary(max_size=10)))
def test_fuzz_read_code(typed):
    try:
        code = read_code(typed)
    except ClassError:
        return
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert read_code(code) == code


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=6, max_size=6), st.lists(st.sampled_from([" ", "-", "\t"]), max_size=6),
       st.data())
def test_fuzz_read_code_finds_the_code_however_typed(code, separators, data):
    typed = list(code.lower() if data.draw(st.booleans()) else code)
    for sep in separators:
        typed.insert(data.draw(st.integers(0, len(typed))), sep)
    assert read_code("".join(typed)) == code


codes = st.one_of(st.text(max_size=20), st.text(alphabet=ALPHABET, min_size=6, max_size=6))
keys = st.one_of(st.none(), st.text(max_size=40), st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
                 st.integers(), st.binary(max_size=8))
members = st.one_of(st.text(max_size=20), st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True))


@FUZZ
@given(data=st.data())
def test_fuzz_state_and_is_teacher(classes, data):
    code, key = classes.start(anyone())
    typed = data.draw(st.one_of(codes, st.just(code), st.just(code.lower())))
    try:
        state = classes.state(typed)
        assert state.code == read_code(typed)
    except ClassError:
        pass
    try:
        assert classes.is_teacher(typed, data.draw(keys)) is False
    except ClassError:
        pass


@FUZZ
@given(data=st.data())
def test_fuzz_answer(classes, data):
    code, key = classes.start(anyone())
    classes.pose(code, key, question.playground("units=8"))
    typed = data.draw(st.one_of(st.just(code), codes))
    who = data.draw(members)
    text = data.draw(st.text(max_size=300))
    try:
        classes.answer(typed, who, data.draw(st.integers()), data.draw(st.integers(-2, 3)), text,
                       data.draw(st.booleans()))
    except ClassError:
        return
    tally = classes.tally(code, key)
    assert tally.answered == 1 and tally.counts == {text[:MAX_SHOWN]: 1}


POSED = [question.playground("units=8&return_state=true")] + [question.from_lesson(slug, n) for slug, n in
                                                               [("both-flags", 1), ("both-flags", 2),
                                                                ("bidirectional", 1), ("bidirectional", 3),
                                                                ("padding-and-masking", 1), ("units", 1)]]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(POSED), st.text(max_size=250), st.sampled_from(["", "  ", "\n", " \t "]))
def test_fuzz_canonical(posed, text, pad):
    try:
        bar = question.canonical(posed, text)
    except (ClassError, BadQuestion):
        return
    assert isinstance(bar, str) and len(bar) <= MAX_SHOWN
    spaced = pad + re.sub(r"\s+", lambda m: m[0] + pad, text) + pad
    if len(spaced) <= question.MAX_ANSWER:  # spacing never splits one answer into two bars
        assert question.canonical(posed, spaced) == bar


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(POSED), st.one_of(st.text(max_size=80), st.from_regex(r"[(\[][0-9, ]{0,12}[)\]]")))
def test_fuzz_grade(posed, text):
    try:
        right, why = question.grade(posed, text)
    except (ClassError, BadQuestion):
        return
    assert isinstance(right, bool) and isinstance(why, str) and why


def test_bars_say_the_share_beside_the_count():
    from rnnlab.live.chart import tally_figure

    figure = tally_figure([session.Tally({"(32, 8)": 2, "(32, 9)": 1}, frozenset(), 3, 4)], reveal=False)
    assert figure["data"][0]["x"] == [2, 1] and figure["data"][0]["text"] == ["2 (67%)", "1 (33%)"]


def test_a_timer_closes_voting_by_itself(monkeypatch):
    now = [1_000.0]
    classes = Classes(MemoryStore(clock=lambda: now[0]))
    code, key = one_answer_in(classes)
    classes.join(code, member(2), anyone())
    with pytest.raises(ClassError, match="teacher's key"):
        classes.timer(code, "wrong", 30)
    classes.timer(code, key, 30)
    assert classes.state(code).closes_in == 30 and classes.state(code).open
    now[0] += 29
    classes.answer(code, member(2), 1, 1, "(32, 4)", False)
    now[0] += 1
    assert not classes.state(code).open and not classes.state(code).revealed
    with pytest.raises(ClassError, match="Voting on this question is closed"):
        classes.answer(code, member(2), 1, 1, "(32, 8)", True)
    classes.close(code, key, False)  # opened again by hand: no timer
    assert classes.state(code).open and classes.state(code).closes_in is None
    classes.timer(code, key, 30)
    classes.vote_again(code, key)
    assert classes.state(code).closes_in is None


def test_a_prepared_list_is_posed_in_order(classes):
    code, key = classes.start(anyone())
    questions = question.plan("units=8\nboth-flags 1\nhttp://x.example/?units=4&return_state=true")
    with pytest.raises(ClassError, match="teacher's key"):
        classes.prepare(code, "wrong", questions)
    classes.prepare(code, key, questions)
    for n, posed in enumerate(questions, 1):
        classes.pose_next(code, key)
        state = classes.state(code)
        assert (state.asked, state.question) == (n, posed)
        assert classes.prepared(code, key) == (questions, n)
    with pytest.raises(ClassError, match="has been posed"):
        classes.pose_next(code, key)


@pytest.mark.parametrize("text, line", [("units=8\nunits=0", 2), ("both-flags 99", 1), ("nonsense=1", 1)])
def test_a_prepared_list_names_the_line_it_cannot_pose(text, line):
    with pytest.raises(BadQuestion, match=f"line {line}:"):
        question.plan(text)


def test_a_guesser_on_the_class_network_does_not_lock_out_the_class(classes, monkeypatch):
    """Past the bound an address gets no answer about any code, except for browsers the session knows: a
    student with a seat and the teacher come back (a reload, a new tab) whatever a guesser next to them did."""
    monkeypatch.setattr(limits, "GUESSES", limits.Limit("guess", 10, 3, 600, limits.GUESSES.message))
    teacher, student = anyone("address:school"), anyone("address:school")
    code, _ = classes.start(teacher)
    classes.join(code, session.member_id(student.browser, code), student)
    for _ in range(3):
        with pytest.raises(ClassError, match="no class session"):
            classes.enter("ABCDEF" if code != "ABCDEF" else "ABCDEG", anyone("address:school"))
    with pytest.raises(ClassError, match="Too many join codes"):
        classes.enter(code, anyone("address:school"))  # a newcomer on that network waits
    assert classes.enter(code, student).code == code
    assert classes.enter(code, teacher).code == code


def test_a_playground_question_with_choices_offers_what_keras_returns_for_each_flag_setting():
    posed = question.playground("units=6&timesteps=4&batch=2&return_sequences=true", choices=True)
    from_keras = {", ".join(str(tuple(r["shape"])) for r in rnnlab.describe(
        f"units=6&timesteps=4&batch=2&return_sequences={s}&return_state={t}")["returns"])
        for s in ("false", "true") for t in ("false", "true")}
    assert set(posed.options) == from_keras and len(posed.options) == 4
    assert [question.grade(posed, option)[0] for option in posed.options].count(True) == 1
    assert question.right_answer(posed) in posed.options
    assert question.Posed.from_json(posed.to_json()) == posed
    assert question.playground("units=6", choices=False).options == ()
