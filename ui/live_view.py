"""Live class sessions on screen: the teacher's projector view and a student's page, on the "class" page.

    /class                       a box for the join code
    /class?code=K7MQ2X           a student: the question, an answer box; after the reveal, the answer and tensors
    /class?code=K7MQ2X&key=...   the teacher: join code and QR code, pose, the answers live, reveal, vote again

The teacher's key is taken from the address into this tab's session and removed from the address bar at once,
so a projected screen never shows it; the teacher's view offers the link again, folded away. Students' pages
and the teacher's chart poll the store (a fragment every POLL_S / TALLY_S seconds: one read each); a student's
page is redrawn only when the session's version has changed.
"""

from __future__ import annotations

import os
import secrets
import threading
from contextlib import contextmanager
from urllib.parse import urlencode

import segno
import streamlit as st

from rnnlab import lessons
from rnnlab.classroom import is_local, playground_settings
from rnnlab.learner_text import code as literal, escape, message
from rnnlab.live import question
from rnnlab.live.chart import tally_figure, tally_text
from rnnlab.live.session import MEMBER, Classes, ClassError, State, read_code
from rnnlab.live.store import SETTING, StoreUnavailable, open_store
from rnnlab.params import parse, to_query
from ui import panels, plot
from ui.classroom_view import class_address
from ui.runs import get_run

POLL_S = 2.0  # a student's page looks for a new question, a reveal or the teacher's configuration
TALLY_S = 1.0  # the teacher's chart of answers is redrawn
_MEMBER = "_class_member"  # this tab's anonymous id in a session
_TEACHES = "_class_teaches"  # {code: key} of the sessions this tab holds the teacher's key of
_SEEN = "_class_seen"  # the session version this page was drawn for
_NICK = "_class_nickname"
UNAVAILABLE = ("The class sessions cannot be reached just now ({why}). The playground, lessons and quiz keep "
               "working; try this page again in a minute.")

_opened: list = []
_lock = threading.Lock()


def classes() -> Classes:
    """The process's class sessions, in the store the setting RNNLAB_CLASS_STORE names (opened once)."""
    with _lock:
        if not _opened:
            _opened.append(Classes(open_store(os.environ.get(SETTING))))
        return _opened[0]


def _member() -> str:
    """This student's anonymous id, kept in the address (`me=`) so that a tab reconnected to a restarted
    server stays the same student: their answer is shown back to them and never counted twice."""
    if _MEMBER not in st.session_state:
        given = st.query_params.get("me", "")
        st.session_state[_MEMBER] = given if MEMBER.fullmatch(given) else secrets.token_urlsafe(12)
    if st.query_params.get("me") != st.session_state[_MEMBER]:
        st.query_params["me"] = st.session_state[_MEMBER]
    return st.session_state[_MEMBER]


def _say(err: ClassError | StoreUnavailable) -> None:
    """A bad code, a wrong key, an ended session or a store gone away, in plain words."""
    if isinstance(err, StoreUnavailable):
        st.error(UNAVAILABLE.format(why=err), icon=":material/cloud_off:")
    else:
        st.error(str(err), icon=":material/error:")


@contextmanager
def _told():
    """Inside a polling fragment: trouble is said (the fragment's next run tries again), never raised."""
    try:
        yield
    except (StoreUnavailable, ClassError) as err:
        _say(err)


def _address(base: str, code: str, key: str = "") -> str:
    return f"{base}/class?" + urlencode({"code": code} | ({"key": key} if key else {}))


def start() -> None:
    """On the Classroom page: start a session and go to its teacher's view."""
    st.markdown("Start a **live class session**: students join from a link or a QR code on their own devices (no "
                "accounts, no names), you pose a question, watch the class's answers come in, reveal the answer "
                "to everyone at once, and let the class vote again after discussing it.")
    if st.button("Start a class session", type="primary", icon=":material/play_arrow:"):
        try:
            code, key = classes().start()
        except (ClassError, StoreUnavailable) as err:
            _say(err)
            return
        st.session_state.setdefault(_TEACHES, {})[code] = key
        st.switch_page("pages/live_class.py", query_params={"code": code})


def page() -> None:
    """The class page: the join box, a student's page or the teacher's view, as the address says."""
    try:
        code = _code()
        if code is None:
            _join_box()
        elif _teacher_key(code):
            teacher(code, _teacher_key(code))
        else:
            student(code)
    except ClassError as err:
        _say(err)
        _join_box()
    except StoreUnavailable as err:
        _say(err)


def _code() -> str | None:
    typed = st.query_params.get("code")
    return None if typed is None else read_code(typed)


def _teacher_key(code: str) -> str | None:
    """The teacher's key for `code` held by this tab; a key in the address is checked, kept, and removed from
    the address bar. A wrong key is refused in plain words."""
    teaches = st.session_state.setdefault(_TEACHES, {})
    if "key" in st.query_params:
        key = st.query_params.get("key")
        del st.query_params["key"]
        classes().state(code)  # an ended session says so, whatever the key
        if not classes().is_teacher(code, key):
            raise ClassError("This link does not hold the teacher's key of this session: only the teacher's "
                             "link can run it. Students join with the code alone.")
        teaches[code] = key
    return teaches.get(code)


def _join_box() -> None:
    st.title("Join a class")
    with st.form("join"):
        typed = st.text_input("Join code", max_chars=12, placeholder="e.g. K7MQ2X",
                              help="The six letters and digits your teacher shows.")
        nick = st.text_input("Nickname (optional, never shown to anyone else)", max_chars=30)
        if st.form_submit_button("Join", type="primary"):
            try:
                code = read_code(typed)
                classes().state(code)
            except ClassError as err:
                _say(err)
                return
            st.session_state[_NICK] = nick.strip()
            st.query_params.from_dict({"code": code})
            st.rerun()


# The teacher's view.

def teacher(code: str, key: str) -> None:
    state = classes().state(code)
    st.title(f"Class session {code[:3]} {code[3:]}")
    with st.expander("Join code, link and QR code", expanded=state.question is None):
        _join_panel(code, key)
    if state.question is None:
        _joined(code, key)
    else:
        _asked(state, " — second vote" if state.round == 2 else "")
        _answers(code, key)
        _steer(code, key, state)
    _pose(code, key, state)
    _follow(code, key, state)


def _join_panel(code: str, key: str) -> None:
    """How students join: the link, the code, the QR code; and the teacher's own link, folded away."""
    left, right = st.columns([2, 1])
    with left:
        base = class_address()
        if is_local(base):
            st.warning("The join link below opens only on this computer: type above the address your students "
                       "use.", icon=":material/warning:")
        address = _address(base, code)
        st.markdown(f"Students open {literal(address)} or scan the code, or open {literal(base + '/class')} and "
                    f"type **{code}**.")
        with st.expander("Your teacher's link (keep it private: it runs this session)"):
            st.code(_address(base, code, key), language=None, wrap_lines=True)
            st.caption("This page took the key out of the address bar: after a reload, or on another device, "
                       "open this link to run the session again.")
    with right:
        st.image(segno.make(address, error="m").svg_inline(scale=10, border=2), width=360,
                 caption="Scan to join", alt=f"QR code of the join link {address}")


@st.fragment(run_every=TALLY_S)
def _joined(code: str, key: str) -> None:
    with _told():
        st.metric("Students joined", classes().tally(code, key).joined)


def _pose(code: str, key: str, state: State) -> None:
    with st.expander("Pose a question", expanded=state.question is None):
        source = st.radio("Ask about", ["a playground configuration", "a lesson's question"], horizontal=True,
                          key="pose_source")
        if source == "a lesson's question":
            lesson = st.selectbox("Lesson", lessons.all_lessons(), format_func=lambda ls: f"{ls.order}. {ls.title}",
                                  key="pose_lesson")
            number = st.selectbox("Question", range(len(lesson.questions)), key=f"pose_q_{lesson.slug}",
                                  format_func=lambda n: f"{n + 1}. {lesson.questions[n].ask}")
            make = lambda: question.from_lesson(lesson.slug, number)  # noqa: E731
        else:
            typed = st.text_input("Playground settings (a playground link or its query string)",
                                  value="units=64&return_sequences=true", key="pose_query", max_chars=2000)
            make = lambda: question.playground(typed)  # noqa: E731
        if st.button("Pose it to the class", type="primary", icon=":material/campaign:"):
            try:
                classes().pose(code, key, make())
            except question.BadQuestion as err:
                st.error(f"That question cannot be posed: {literal(str(err))}.", icon=":material/error:")
                return
            st.rerun()


def _asked(state: State, second: str) -> None:
    """The question as the class reads it: its number (and `second` in the second vote), the ask, the code."""
    st.header(f"Question {state.asked}{second}")
    st.markdown(state.question.ask)
    st.code(question.code(state.question), language="python", wrap_lines=True)


@st.fragment(run_every=TALLY_S)
def _answers(code: str, key: str) -> None:
    with _told():
        _tally(code, key)


def _tally(code: str, key: str) -> None:
    state = classes().state(code)
    rounds = [classes().tally(code, key, r) for r in range(1, state.round + 1)]
    now = rounds[-1]
    st.markdown(f"**{now.answered} of {now.joined}** students have answered"
                + (" the second vote." if state.round == 2 else "."))
    if now.answered or len(rounds) > 1:
        plot.plotly_chart(tally_figure(rounds, reveal=state.revealed), "class-answers")
        st.caption(message(tally_text(rounds, reveal=state.revealed)))
    if state.revealed:
        st.success(f"Revealed. Keras returns: {literal(question.right_answer(state.question))}")


def _steer(code: str, key: str, state: State) -> None:
    reveal, again = st.columns(2)
    if reveal.button("Reveal to everyone", type="primary", icon=":material/visibility:",
                     disabled=state.revealed):
        classes().reveal(code, key)
        st.rerun()
    if again.button("Vote again", icon=":material/replay:", disabled=state.round == 2,
                    help="After the discussion: the class answers the same question again; both votes are shown "
                         "side by side."):
        classes().vote_again(code, key)
        st.rerun()


def _follow(code: str, key: str, state: State) -> None:
    st.subheader("The class's playground")
    st.session_state.setdefault("follow_query", state.follow or "units=8&return_sequences=true")
    on = st.toggle("Every student's page shows this configuration, live", value=bool(state.follow),
                   key="follow_on")
    typed = st.text_input("Configuration (a playground link or its query string)", key="follow_query",
                          max_chars=2000)
    settings, notices = playground_settings(typed)
    for notice in notices:
        st.warning(f"{literal(notice.problem)}; {escape(notice.outcome)}", icon=":material/info:")
    query = urlencode(settings) if on else ""
    if query != state.follow:
        classes().follow(code, key, query)


# A student's page.

def student(code: str) -> None:
    state = classes().join(code, _member())
    st.session_state[_SEEN] = state.version
    nick = st.session_state.get(_NICK)
    st.title(f"Class {code}")
    st.caption(f"You are in class {code}" + (f" as {literal(nick)} (only you see this)" if nick else "")
               + ". This page follows the teacher: it changes by itself.")
    _watch(code)
    if state.question is None and not state.follow:
        st.info("Waiting for the teacher's first question…", icon=":material/hourglass_empty:")
    if state.follow:  # what the teacher shows now comes first
        st.header("Your teacher's configuration")
        _tensors(state.follow)
    if state.question is not None:
        _question(state)


@st.fragment(run_every=POLL_S)
def _watch(code: str) -> None:
    """Redraw the page when the session has changed (a new question, a reveal, the teacher's configuration)."""
    changed = False
    with _told():
        changed = classes().state(code).version != st.session_state.get(_SEEN)
    if changed:
        st.rerun(scope="app")


def _question(state: State) -> None:
    posed = state.question
    _asked(state, " — vote again" if state.round == 2 and not state.revealed else "")
    mine = classes().my_answer(state, _member())
    if state.revealed:
        _revealed(state, mine)
        return
    with st.form(f"answer-{state.asked}-{state.round}"):
        if posed.choices:
            typed = st.radio("Your answer", list(posed.choices), index=None, format_func=posed.choices.get) or ""
        else:
            typed = st.text_input("Your answer", max_chars=question.MAX_ANSWER, placeholder="e.g. (32, 10, 64), (32, 64)")
        sent = st.form_submit_button("Send my answer", type="primary")
    if sent and typed.strip():
        right, _ = question.grade(posed, typed)
        mine = (question.canonical(posed, typed), right)
        classes().answer(state.code, _member(), state.asked, state.round, *mine)
    if mine:
        st.success(f"Your answer is in: {literal(mine[0])}. You can change it until the teacher reveals the "
                   "answer.", icon=":material/check:")


def _revealed(state: State, mine: tuple[str, bool] | None) -> None:
    """After the reveal: the right answer, whether theirs was, and what Keras returns."""
    st.success(f"The answer: {literal(question.right_answer(state.question))}", icon=":material/visibility:")
    if mine is not None:
        (st.info if mine[1] else st.warning)(f"Your answer was {literal(mine[0])}: "
                                             + ("right." if mine[1] else "not this one."))
    if state.follow:  # one configuration drawn at a time: the one the teacher shows now, above
        st.caption("What Keras returns for your teacher's configuration is shown above.")
    else:
        _tensors(state.question.query)


def _tensors(query: str) -> None:
    """What Keras returns for a configuration: the layer unrolled with what it returns lit, and the returned
    tensors with their shapes and the identities between them."""
    parsed = parse(query)
    run = get_run(parsed.config)
    if run.refusal:
        st.error(f"Keras refuses to build it: {literal(run.refusal.message)}", icon=":material/block:")
        st.markdown(run.refusal.explanation)
        return
    panels.picture(run, parsed.view)
    panels.returns(run, level=3, hints=False)
    st.page_link("pages/playground.py", label="Explore it in the playground", icon=":material/science:",
                 query_params=to_query(parsed.config, parsed.view))
