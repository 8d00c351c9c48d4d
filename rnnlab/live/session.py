"""A live class session: the teacher poses a question, the class votes, the teacher closes the vote, the class
discusses and votes again, the teacher reveals. Only the teacher changes the session; anyone with the join
code answers, once per browser.

    classes = Classes(MemoryStore())
    code, key = classes.start(who)                 # who: Who(browser, address) of the teacher
    classes.pose(code, key, question.playground("units=8"))
    me = member_id(who_student.browser, code)
    classes.join(code, me, who_student)
    classes.answer(code, me, 1, 1, "(32, 8)", right=True)
    classes.tally(code, key)  # -> Tally(round 1: {"(32, 8)": 1}, ...)

The teacher is whoever holds the key (a secret link), or a browser the teacher used with it: the record keeps
those browsers' ids, hashed with the code (`Device`). A member is a browser, hashed with the code: the same in
every tab and after a reload, never in a link, and not comparable between sessions.

A session lives while it is used: every change extends it to LIVE_MINUTES from now; then, or when the teacher
ends it, it stops taking answers, and its results stay readable by the teacher for KEEP_HOURS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field

from rnnlab.live import limits
from rnnlab.live.limits import ClassError, Who
from rnnlab.live.question import MAX_SHOWN, Posed
from rnnlab.live.store import ADDRESS_FULL, FULL, NOT_MEMBER, REMOVED, Seat, Store

__all__ = ["ClassError", "Classes", "Device", "State", "Tally", "Who", "member_id", "read_code"]

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector without doubt
CODE_LENGTH = 6  # 32**6, about a billion codes
KEY_BYTES = 18  # the teacher's key: 24 URL-safe characters
LIVE_MINUTES = 90  # a session unused this long ends
WARN_MINUTES = 15  # the teacher is warned this long before
KEEP_HOURS = 24  # an ended session's results stay readable by its teacher
TOUCH_S = 60  # a session's life is extended at most once a minute
MAX_SESSIONS = 500  # live sessions a store holds
MAX_MEMBERS = 300  # students of one session
PER_ADDRESS = 200  # seats one network address may hold in one session (a school's network: one address)
SEAT_S = 120  # a seat not seen for this long is given to a new student when the session is full
PRESENT_S = 45  # "present now": seen within this (a student's page says so every SEEN_S)
SEEN_S = 15
MAX_DEVICES = 8  # browsers the teacher's key was opened in
MAX_QUERY = 2000  # characters of a configuration students follow (a query string as the playground writes it)
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
MEMBER = re.compile(r"[A-Za-z0-9_-]{8,64}")
_LIVE_S, _KEEP_S = LIVE_MINUTES * 60, KEEP_HOURS * 3600


def read_code(text: object) -> str:
    """A typed join code -> its canonical form ("k7m-q2x" -> "K7MQ2X"). Raises ClassError when it cannot be one."""
    typed = re.sub(r"[\s-]", "", str(text)[:40]).upper()
    if len(typed) != CODE_LENGTH or any(c not in ALPHABET for c in typed):
        raise ClassError(f"A join code is {CODE_LENGTH} letters and digits, like K7MQ2X: check the one you typed.")
    return typed


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def member_id(browser: str, code: str) -> str:
    """A browser's id in one session: the same for every tab of it, unrelated to its id in another session."""
    return _hash(f"member:{code}:{browser}")[:24]


def _device(browser: str, code: str) -> str:
    return _hash(f"teacher:{code}:{browser}")[:32]


@dataclass(frozen=True)
class Device:
    """The teacher's own browser (one the key was opened in): a teacher's credential that no link carries."""

    browser: str


@dataclass(frozen=True)
class State:
    """What every member of the class may see of a session."""

    code: str
    version: int
    question: Posed | None
    asked: int  # how many questions have been posed (the current one's number)
    round: int  # 1, or 2 after "vote again"
    revealed: bool
    closed: bool  # voting closed (no answers taken), not yet revealed
    shown: bool  # the projector shows the answers while the class votes
    follow: str  # the configuration students' pages follow ("" for none)
    ends_in: float = field(compare=False)  # seconds until it ends if unused (<= 0: it has ended)
    closes_in: float | None = field(default=None, compare=False)  # seconds left on the teacher's timer

    @property
    def box(self) -> str:
        return f"{self.asked}:{self.round}"

    @property
    def live(self) -> bool:
        return self.ends_in > 0

    @property
    def open(self) -> bool:
        """Whether the class's answers are taken now."""
        timed_out = self.closes_in is not None and self.closes_in <= 0
        return self.live and self.question is not None and not (self.revealed or self.closed or timed_out)


@dataclass(frozen=True)
class Tally:
    """One round's answers: {canonical answer: count}, which answers are right, how many answered, and how many
    students are present now."""

    counts: dict[str, int]
    right: frozenset[str]
    answered: int
    joined: int


@dataclass(frozen=True)
class Student:
    """A student on the teacher's roster: an opaque id, the nickname they gave, whether they are present."""

    member: str
    nick: str
    present: bool
    answered: bool


class Classes:
    """Class sessions kept in a store (rnnlab.live.store)."""

    def __init__(self, store: Store):
        self.store = store

    # Starting, reading, the teacher.

    def start(self, who: Who) -> tuple[str, str]:
        """A new session -> (join code, teacher key); `who`'s browser is the teacher's. Raises ClassError when
        this client started too many lately or the store is full."""
        limits.take(self.store, limits.STARTS, who)
        key = secrets.token_urlsafe(KEY_BYTES)
        fields = {"key_hash": _hash(key), "question": "", "asked": "0", "round": "1", "revealed": "0",
                  "closed": "0", "shown": "0", "follow": ""}
        for _ in range(20):
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            made = self.store.create(code, fields | {"devices": _device(who.browser, code)}, _LIVE_S, _KEEP_S,
                                     most=MAX_SESSIONS)
            if made is None:
                raise ClassError(f"This server already runs {MAX_SESSIONS} class sessions, as many as it may: "
                                 f"try again later (a session unused for {LIVE_MINUTES} minutes ends).")
            if made:
                return code, key
        raise ClassError("No free join code was found: try again.")

    def state(self, code: str) -> State:
        """The session's state (an ended one's too, while its results are kept). Raises ClassError for a code that
        is bad or unknown."""
        code = read_code(code)
        record = self.store.read(code)
        if record is None:
            raise ClassError(f"There is no class session {code}: it may have ended, or the code was mistyped.")
        now, closes_at = self.store.now(), float(record.get("closes_at") or 0)
        return State(code, int(record["version"]), Posed.from_json(record["question"]), int(record["asked"]),
                     int(record["round"]), record["revealed"] == "1", record["closed"] == "1",
                     record["shown"] == "1", record["follow"], float(record["live_until"]) - now,
                     closes_at - now if closes_at else None)

    def enter(self, code: str, who: Who) -> State:
        """The state of a session a visitor asks for by its code. Codes that lead nowhere are counted per browser
        and address; past the bound every code is refused alike, live or not, until the window has passed, except
        to a browser the session already knows (a student with a seat, the teacher's)."""
        code = read_code(code)
        if self._known(code, who):  # a student with a seat, or the teacher, coming back (a reload, a new tab)
            return self.state(code)
        limits.check(self.store, limits.GUESSES, who)
        try:
            return self.state(code)
        except ClassError:
            limits.count(self.store, limits.GUESSES, who)
            raise

    def _known(self, code: str, who: Who) -> bool:
        """Whether this browser holds a seat in the session or is its teacher's (it knows the code already)."""
        return member_id(who.browser, code) in self.store.roster(code) or self.is_teacher(code, Device(who.browser))

    def is_teacher(self, code: str, key: object) -> bool:
        """Whether `key` is this session's teacher key (compared in constant time) or a Device of its teacher."""
        record = self.store.read(read_code(code))
        if record is None:
            return False
        if isinstance(key, Device):
            return _device(key.browser, read_code(code)) in record.get("devices", "").split(",")
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            return False
        return hmac.compare_digest(record["key_hash"], _hash(key))

    def admit(self, code: str, key: object, browser: str) -> None:
        """The teacher's key opened in this browser: it is the teacher's from now on (a reload keeps it so).
        Raises ClassError for a wrong key."""
        state = self._teacher(code, key)
        devices = self.store.read(state.code).get("devices", "").split(",")
        mine = _device(browser, state.code)
        if mine not in devices:
            self._change(state.code, {"devices": ",".join([*devices, mine][-MAX_DEVICES:])})

    def _teacher(self, code: str, key: object) -> State:
        state = self.state(code)
        if not self.is_teacher(state.code, key):
            raise ClassError("This link does not hold the teacher's key of this session: only the teacher's "
                             "link can change it.")
        return state

    def _running(self, code: str, key: object) -> State:
        state = self._teacher(code, key)
        if not state.live:
            raise ClassError(f"The class session {state.code} has ended: its results can still be downloaded.")
        return state

    def _change(self, code: str, fields: dict[str, str]) -> None:
        if self.store.change(code, fields) is None:
            raise ClassError(f"The class session {code} has ended.")

    def _used(self, state: State) -> None:
        """The session is in use: it lives LIVE_MINUTES from now (extended at most once a TOUCH_S)."""
        if state.ends_in < _LIVE_S - TOUCH_S:
            self.store.touch(state.code, _LIVE_S, _KEEP_S)

    def _act(self, code: str, key: object, fields: dict[str, str]) -> None:
        state = self._running(code, key)
        self._change(state.code, fields)
        self._used(state)

    # What the teacher does.

    def pose(self, code: str, key: object, posed: Posed) -> None:
        """A new question: round 1, voting open, answers hidden."""
        asked = self._running(code, key).asked + 1
        self._act(code, key, {"question": posed.to_json(), f"q{asked}": posed.to_json(), "asked": str(asked),
                              "round": "1", "revealed": "0", "closed": "0", "shown": "0",
                              "closes_at": ""})

    def prepare(self, code: str, key: object, questions: list[Posed]) -> None:
        """A list of questions to pose in order, one by one with `pose_next` (replacing any list before)."""
        self._act(code, key, {"plan": json.dumps([json.loads(q.to_json()) for q in questions]), "planned": "0"})

    def prepared(self, code: str, key: object) -> tuple[list[Posed], int]:
        """The prepared list and how many of it have been posed."""
        record = self.store.read(self._teacher(code, key).code) or {}
        return [Posed(**q) for q in json.loads(record.get("plan") or "[]")], int(record.get("planned") or 0)

    def pose_next(self, code: str, key: object) -> None:
        """The next question of the prepared list. Raises ClassError when none is left."""
        questions, planned = self.prepared(code, key)
        if planned >= len(questions):
            raise ClassError("Every question of the prepared list has been posed.")
        self.pose(code, key, questions[planned])
        self._act(code, key, {"planned": str(planned + 1)})

    def _asking(self, code: str, key: object) -> State:
        state = self._running(code, key)
        if state.question is None:
            raise ClassError("Pose a question first: there is nothing to vote on or reveal yet.")
        return state

    def close(self, code: str, key: object, closed: bool = True) -> None:
        """Voting closed (answers refused, nothing revealed), or open again (without a timer)."""
        self._asking(code, key)
        self._act(code, key, {"closed": "1" if closed else "0", "closes_at": ""})

    def timer(self, code: str, key: object, seconds: float) -> None:
        """Voting closes by itself `seconds` from now (between 5 s and an hour); voting open again if closed."""
        self._asking(code, key)
        seconds = min(max(float(seconds), 5.0), 3600.0)
        self._act(code, key, {"closes_at": repr(self.store.now() + seconds), "closed": "0"})

    def show(self, code: str, key: object, shown: bool) -> None:
        """Whether the projector shows the class's answers before the reveal."""
        self._running(code, key)
        self._act(code, key, {"shown": "1" if shown else "0"})

    def reveal(self, code: str, key: object) -> None:
        """Every member's page shows the answer; voting is closed."""
        self._asking(code, key)
        self._act(code, key, {"revealed": "1", "closed": "1"})

    def vote_again(self, code: str, key: object) -> None:
        """A second round of the same question (after the discussion): voting open, answers hidden again."""
        self._asking(code, key)
        self._act(code, key, {"round": "2", "revealed": "0", "closed": "0", "shown": "0", "closes_at": ""})

    def follow(self, code: str, key: object, query: str) -> None:
        """Every member's page follows this playground configuration, a query string ("" to stop)."""
        if not isinstance(query, str) or len(query) > MAX_QUERY or not query.isascii():
            raise ClassError("That configuration cannot be followed: give a playground link or its query string.")
        self._act(code, key, {"follow": query})

    def keep(self, code: str, key: object) -> None:
        """The teacher is still here: the session lives LIVE_MINUTES from now."""
        state = self._running(code, key)
        self.store.touch(state.code, _LIVE_S, _KEEP_S)

    def end(self, code: str, key: object) -> None:
        """The session ends now: no more answers; its results stay readable by the teacher for KEEP_HOURS."""
        state = self._teacher(code, key)
        self.store.retire(state.code, _KEEP_S)

    def remove(self, code: str, key: object, member: str) -> None:
        """A student leaves the session for good (their browser cannot join it again)."""
        state = self._running(code, key)
        self.store.remove(state.code, member)

    # What a student does.

    def join(self, code: str, member: str, who: Who, nick: str = "") -> State:
        """A student takes a seat (again, harmlessly). Raises ClassError for an ended or full session, a removed
        student, or an address that holds PER_ADDRESS seats already."""
        state = self.state(code)
        if not MEMBER.fullmatch(member):
            raise ClassError("This browser's id cannot be read: reload the page.")
        if not state.live:
            raise ClassError(f"The class session {state.code} has ended.")
        joined = self.store.join(state.code, member, who.address, nick[:30], self.store.now() - SEAT_S,
                                 MAX_MEMBERS, PER_ADDRESS)
        if joined is None:
            raise ClassError(f"The class session {state.code} has ended.")
        if joined == REMOVED:
            raise ClassError("Your teacher has removed this browser from the class session.")
        if joined in (FULL, ADDRESS_FULL):
            raise ClassError(f"This class session is full ({MAX_MEMBERS if joined == FULL else PER_ADDRESS} "
                             "students" + ("" if joined == FULL else " from this network") + "): try again in a "
                             "few minutes, when seats left idle are freed.")
        return state

    def seen(self, code: str, member: str) -> bool:
        """This student's page is still open; False when they no longer hold a seat (freed, or removed)."""
        return self.store.seen(read_code(code), member)

    def answer(self, code: str, member: str, asked: int, round_: int, canonical: str, right: bool) -> None:
        """A member's answer to question `asked` in round `round_` (what their page showed). Refused once the
        question has moved on, been closed or revealed, so an answer is never counted under another question."""
        state = self.state(code)
        if not MEMBER.fullmatch(member):
            raise ClassError("This browser's id cannot be read: reload the page.")
        if not state.live:
            raise ClassError(f"The class session {state.code} has ended: your answer was not counted.")
        if (state.asked, state.round) != (asked, round_) or not state.open:
            raise ClassError("Voting on this question is closed: your answer was not counted. The page now shows "
                             "where the class is.")
        value = json.dumps({"a": canonical[:MAX_SHOWN], "r": bool(right)})
        put = self.store.put(state.code, state.box, member, value)
        if put is None:
            raise ClassError(f"The class session {state.code} has ended.")
        if put == NOT_MEMBER:
            raise ClassError("Your seat in this class was given up while your page was away: reload the page to "
                             "join again, then send your answer.")
        self._used(state)

    def my_answer(self, state: State, member: str) -> tuple[str, bool] | None:
        """This member's answer in the current round and whether it is right, if they answered (shown back to
        them alone: whether it is right only after the reveal)."""
        value = self.store.box(state.code, state.box).get(member)
        return (json.loads(value)["a"], json.loads(value)["r"]) if value else None

    # What the teacher reads.

    def _tally(self, state: State, round_: int, present: int) -> Tally:
        answers = [json.loads(v) for v in self.store.box(state.code, f"{state.asked}:{round_}").values()]
        counts = Counter(a["a"] for a in answers)
        right = frozenset(a["a"] for a in answers if a["r"])
        return Tally(dict(counts.most_common()), right, len(answers), present)

    def _present(self, code: str) -> dict[str, Seat]:
        since = self.store.now() - PRESENT_S
        return {m: s for m, s in self.store.roster(code).items() if s.seen >= since}

    def tally(self, code: str, key: object, round_: int | None = None) -> Tally:
        """The answers of a round (default: the current one) of the current question: teacher only."""
        state = self._teacher(code, key)
        return self._tally(state, round_ or state.round, len(self._present(state.code)))

    def shared(self, state: State) -> list[Tally]:
        """Every round's answers of the current question as the class may see them: after the reveal, or while
        the teacher shows them on the projector; else none."""
        if state.question is None or not (state.revealed or state.shown):
            return []
        return [self._tally(state, r, 0) for r in range(1, state.round + 1)]

    def progress(self, state: State) -> tuple[int, int]:
        """(answered this round, present now): what the projector may show while the class votes."""
        return len(self.store.box(state.code, state.box)), len(self._present(state.code))

    def roster(self, code: str, key: object) -> list[Student]:
        """The students present now, or who answered this round: nicknamed ones first, by nickname."""
        state = self._teacher(code, key)
        present, answered = self._present(state.code), self.store.box(state.code, state.box)
        everyone = {**self.store.roster(state.code)}
        ids = set(present) | (set(answered) & set(everyone))
        students = [Student(m, everyone[m].nick, m in present, m in answered) for m in ids]
        return sorted(students, key=lambda s: (not s.nick, s.nick.lower(), s.member))

    def results(self, code: str, key: object) -> list[dict[str, str]]:
        """Every answer kept, for the teacher (while the session lives and KEEP_HOURS after): question, round,
        student (an opaque number in this session), nickname, answer, right."""
        state = self._teacher(code, key)
        record, nicks = self.store.read(state.code) or {}, {m: s.nick for m, s in self.store.roster(state.code).items()}
        numbers: dict[str, int] = {}
        rows = []
        for box in sorted(self.store.boxes(state.code), key=lambda b: tuple(map(int, b.split(":")))):
            asked, round_ = box.split(":")
            posed = Posed.from_json(record.get(f"q{asked}", ""))
            for member, value in sorted(self.store.box(state.code, box).items()):
                answer = json.loads(value)
                number = numbers.setdefault(member, len(numbers) + 1)
                rows.append({"question": asked, "asked": posed.ask if posed else "", "round": round_,
                             "student": str(number), "nickname": nicks.get(member, ""), "answer": answer["a"],
                             "right": "yes" if answer["r"] else "no"})
        return rows
