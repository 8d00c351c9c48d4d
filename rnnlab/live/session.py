"""A live class session: the teacher poses a question, the class answers, the teacher reveals, the class votes
again. Only the holder of the teacher's key changes the session; anyone with the join code answers.

    classes = Classes(MemoryStore())
    code, key = classes.start()
    classes.pose(code, key, question.playground("units=8"))
    classes.join(code, "member-1")
    classes.answer(code, "member-1", "(32, 8)", right=True)
    classes.tally(code, key)  # -> Tally(round 1: {"(32, 8)": 1}, ...)

A session's record holds: the teacher key's hash, the question (JSON), its number `asked`, the round (1, or 2
after "vote again"), whether it is revealed, and the configuration students follow ("" for none). Answers are
kept per question and round, one per member (a new answer replaces the member's last), anonymous: a member is
a random id of one browser tab. Everything expires SESSION_HOURS after the start.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass

from rnnlab.live.question import MAX_SHOWN, Posed
from rnnlab.live.store import Store

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector without doubt
CODE_LENGTH = 6  # 32**6, about a billion codes
KEY_BYTES = 18  # the teacher's key: 24 URL-safe characters
SESSION_HOURS = 4
MAX_SESSIONS = 500  # live sessions a store holds
MAX_MEMBERS = 300  # students of one session
MAX_QUERY = 2000  # characters of a configuration students follow (a query string as the playground writes it)
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
MEMBER = re.compile(r"[A-Za-z0-9_-]{8,64}")


class ClassError(Exception):
    """Something a teacher or student is told in plain words (a bad or expired code, a wrong key, ...)."""


def read_code(text: object) -> str:
    """A typed join code -> its canonical form ("k7m-q2x" -> "K7MQ2X"). Raises ClassError when it cannot be one."""
    typed = re.sub(r"[\s-]", "", str(text)[:40]).upper()
    if len(typed) != CODE_LENGTH or any(c not in ALPHABET for c in typed):
        raise ClassError(f"A join code is {CODE_LENGTH} letters and digits, like K7MQ2X: check the one you typed.")
    return typed


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class State:
    """What every member of the class may see of a session."""

    code: str
    version: int
    question: Posed | None
    asked: int  # how many questions have been posed (the current one's number)
    round: int  # 1, or 2 after "vote again"
    revealed: bool
    follow: str  # the configuration students' pages follow ("" for none)

    @property
    def box(self) -> str:
        return f"{self.asked}:{self.round}"


@dataclass(frozen=True)
class Tally:
    """One round's answers: {canonical answer: count}, which answers are right, how many answered and joined."""

    counts: dict[str, int]
    right: frozenset[str]
    answered: int
    joined: int


class Classes:
    """Class sessions kept in a store (rnnlab.live.store)."""

    def __init__(self, store: Store):
        self.store = store

    def start(self) -> tuple[str, str]:
        """A new session -> (join code, teacher key). Raises ClassError when the store is full."""
        key = secrets.token_urlsafe(KEY_BYTES)
        fields = {"key_hash": _hash(key), "question": "", "asked": "0", "round": "1", "revealed": "0",
                  "follow": ""}
        for _ in range(20):
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            made = self.store.create(code, fields, SESSION_HOURS * 3600, most=MAX_SESSIONS)  # full: None
            if made is None:
                raise ClassError(f"This server already runs {MAX_SESSIONS} class sessions, as many as it may: "
                                 "try again later, or end a session you no longer use by letting it expire.")
            if made:
                return code, key
        raise ClassError("No free join code was found: try again.")

    def state(self, code: str) -> State:
        """The session's public state. Raises ClassError for a code that is bad, unknown or expired."""
        code = read_code(code)
        record = self.store.read(code)
        if record is None:
            raise ClassError(f"There is no class session {code}: it may have ended (sessions last "
                             f"{SESSION_HOURS} hours), or the code was mistyped.")
        return State(code, int(record["version"]), Posed.from_json(record["question"]), int(record["asked"]),
                     int(record["round"]), record["revealed"] == "1", record["follow"])

    def is_teacher(self, code: str, key: object) -> bool:
        """Whether `key` is this session's teacher key (compared in constant time)."""
        record = self.store.read(read_code(code))
        if record is None or not isinstance(key, str) or not _KEY.fullmatch(key):
            return False
        return hmac.compare_digest(record["key_hash"], _hash(key))

    def _teacher(self, code: str, key: object) -> State:
        state = self.state(code)
        if not self.is_teacher(state.code, key):
            raise ClassError("This link does not hold the teacher's key of this session: only the teacher's "
                             "link can change it.")
        return state

    def _change(self, code: str, fields: dict[str, str]) -> None:
        if self.store.change(code, fields) is None:
            raise ClassError(f"The class session {code} has ended.")

    def pose(self, code: str, key: object, posed: Posed) -> None:
        """A new question: round 1, answers hidden."""
        state = self._teacher(code, key)
        self._change(state.code, {"question": posed.to_json(), "asked": str(state.asked + 1), "round": "1",
                                  "revealed": "0"})

    def reveal(self, code: str, key: object) -> None:
        """Every member's page shows the answer."""
        state = self._teacher(code, key)
        if state.question is None:
            raise ClassError("Pose a question first: there is nothing to reveal yet.")
        self._change(state.code, {"revealed": "1"})

    def vote_again(self, code: str, key: object) -> None:
        """A second round of the same question (after the discussion): answers hidden again."""
        state = self._teacher(code, key)
        if state.question is None:
            raise ClassError("Pose a question first: there is nothing to vote on yet.")
        self._change(state.code, {"round": "2", "revealed": "0"})

    def follow(self, code: str, key: object, query: str) -> None:
        """Every member's page follows this playground configuration, a query string ("" to stop)."""
        state = self._teacher(code, key)
        if not isinstance(query, str) or len(query) > MAX_QUERY or not query.isascii():
            raise ClassError("That configuration cannot be followed: give a playground link or its query string.")
        self._change(state.code, {"follow": query})

    def join(self, code: str, member: str) -> State:
        """A student joins (again, harmlessly). Raises ClassError for a bad code or a full session."""
        state = self.state(code)
        if not MEMBER.fullmatch(member):
            raise ClassError("This browser tab's id cannot be read: reload the page.")
        joined = self.store.join(state.code, member, MAX_MEMBERS)
        if joined is None:
            raise ClassError(f"The class session {state.code} has ended.")
        if joined < 0:
            raise ClassError(f"This class session is full ({MAX_MEMBERS} students).")
        return state

    def answer(self, code: str, member: str, asked: int, round_: int, canonical: str, right: bool) -> None:
        """A member's answer to question `asked` in round `round_` (what their page showed). Refused once the
        question has moved on or been revealed, so an answer is never counted under another question."""
        state = self.state(code)
        if not MEMBER.fullmatch(member):
            raise ClassError("This browser tab's id cannot be read: reload the page.")
        if (state.asked, state.round, state.revealed) != (asked, round_, False):
            raise ClassError("The teacher has moved on: your answer was not counted. The page now shows where "
                             "the class is.")
        value = json.dumps({"a": canonical[:MAX_SHOWN], "r": bool(right)})
        if self.store.put(state.code, state.box, member, value) is None:
            raise ClassError(f"The class session {state.code} has ended.")

    def tally(self, code: str, key: object, round_: int | None = None) -> Tally:
        """The answers of a round (default: the current one) of the current question: teacher only."""
        state = self._teacher(code, key)
        answers = [json.loads(v) for v in self.store.box(state.code, f"{state.asked}:{round_ or state.round}").values()]
        counts = Counter(a["a"] for a in answers)
        right = frozenset(a["a"] for a in answers if a["r"])
        return Tally(dict(counts.most_common()), right, len(answers), self.store.members(state.code))

    def my_answer(self, state: State, member: str) -> tuple[str, bool] | None:
        """This member's answer in the current round and whether it is right, if they answered (shown back to
        them alone: whether it is right only after the reveal)."""
        value = self.store.box(state.code, state.box).get(member)
        return (json.loads(value)["a"], json.loads(value)["r"]) if value else None
