"""Live class sessions on screen: the teacher's controls, the projected screen and a student's page.

    /class                          a box for the join code
    /class?code=K7MQ2X              a student: the question, an answer box; after the reveal, the answer, why
                                    theirs was wrong, the class's answers and what Keras returns.
                                    In a browser the teacher used: the teacher's controls.
    /class?code=K7MQ2X&key=...      the teacher's link: this browser becomes the teacher's (a reload keeps it)
    /class?code=K7MQ2X&view=project what the projector shows: question, join code and QR code, how many answered;
                                    the answers only when the teacher shows them or after the reveal. No key,
                                    no controls.

The teacher's key is taken from the address at once (a projected screen never shows it); the controls offer the
link again, folded away. A student is their browser (ui.visitor), never an id in the address. Pages poll the
store (a fragment every POLL_S / TALLY_S seconds: one read each) and are redrawn when the session has changed.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Literal
from urllib.parse import urlencode

import segno
import streamlit as st

from rnnlab import lessons
from rnnlab.classroom import playground_settings
from rnnlab.learner_text import code as literal, escape, message, visible
from rnnlab.live import question
from rnnlab.live.chart import tally_figure, tally_text
from rnnlab.live.export import to_csv
from rnnlab.live.session import (SEEN_S, WARN_MINUTES, Classes, ClassError, Device, State, Who,
                                 member_id, read_code)
from rnnlab.live.store import SETTING, StoreUnavailable, open_store
from rnnlab.params import parse, to_query
from ui import panels, plot, router, visitor
from ui.classroom_view import PRESENTER_CSS, class_address, opened_at
from ui.runs import get_run
from ui.terms import prose

POLL_S = 2.0  # a student's page looks for a new question, a reveal or the teacher's configuration
TALLY_S = 1.0  # the teacher's chart of answers is redrawn
LIFE_S = 30.0  # the teacher's page looks whether the session is about to end unused
_TEACHES = "_class_teaches"  # {code: key} of the sessions this tab holds the teacher's key of
_SEEN = "_class_seen"  # the session version this page was drawn for
_ENTERED = "_class_entered"  # codes this tab has entered (a rerun is not another code tried)
_SAID = "_class_said_seen"  # when this student's page last told the store it is open
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


def _who() -> Who:
    return Who(visitor.browser(), visitor.address())


def _member(code: str) -> str:
    """This student in session `code`: their browser (every tab of it, reloads too), hashed with the code."""
    return member_id(visitor.browser(), code)


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


def _address(base: str, code: str, key: str = "", view: str = "") -> str:
    return f"{base}/class?" + urlencode({"code": code} | ({"key": key} if key else {})
                                        | ({"view": view} if view else {}))


def start() -> None:
    """On the Classroom page: start a session and go to its teacher's view."""
    st.markdown("Start a **live class session**: students join from a link or a QR code on their own devices (no "
                "accounts; a nickname if they like, seen by you alone), you pose a question and watch the class's "
                "answers come in, close the vote, let the class discuss and vote again, then reveal the answer "
                "to everyone at once.")
    if st.button("Start a class session", type="primary", icon=":material/play_arrow:"):
        try:
            code, key = classes().start(_who())
        except (ClassError, StoreUnavailable) as err:
            _say(err)
            return
        st.session_state.setdefault(_TEACHES, {})[code] = key
        st.switch_page("pages/live_class.py", query_params={"code": code})


def page() -> None:
    """The class page: the join box, a student's page or the teacher's view, as the address says."""
    try:
        code = _code()
        if "me" in st.query_params:  # an id in the address is never anyone's identity
            del st.query_params["me"]
        if code is None:
            _join_box()
            return
        key = st.query_params.get("key")
        if "key" in st.query_params:  # out of the address bar at once, whatever happens next
            del st.query_params["key"]
        _enter(code)
        credential = _teacher_key(code, key)
        if st.query_params.get("view") == "project":
            projector(code)
        elif credential:
            teacher(code, credential)
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


def _enter(code: str) -> State:
    """The session this tab asks for; the first time, a code that leads nowhere counts against this browser
    and address (so join codes cannot be guessed quickly)."""
    entered = st.session_state.setdefault(_ENTERED, set())
    if code in entered:
        return classes().state(code)
    state = classes().enter(code, _who())
    entered.add(code)
    return state


def _teacher_key(code: str, key: str | None) -> str | Device | None:
    """This tab's teacher credential for `code`: the key it holds, or this browser when the teacher used it. A
    key from the address is checked and makes this browser the teacher's. A wrong key is refused in plain
    words."""
    teaches = st.session_state.setdefault(_TEACHES, {})
    if key is not None:
        classes().state(code)  # an ended session says so, whatever the key
        if not classes().is_teacher(code, key):
            raise ClassError("This link does not hold the teacher's key of this session: only the teacher's "
                             "link can run it. Students join with the code alone.")
        classes().admit(code, key, visitor.browser())
        teaches[code] = key
    if code in teaches:
        return teaches[code]
    device = Device(visitor.browser())
    return device if classes().is_teacher(code, device) else None


def _join_box() -> None:
    st.title("Join a class")
    with st.form("join"):
        typed = st.text_input("Join code", max_chars=12, placeholder="e.g. K7MQ2X",
                              help="The six letters and digits your teacher shows.")
        nick = st.text_input("Nickname (optional: your teacher sees it, the class does not)", max_chars=30)
        if st.form_submit_button("Join", type="primary"):
            try:
                code = read_code(typed)
                _enter(code)
            except ClassError as err:
                _say(err)
                return
            st.session_state[_NICK] = nick.strip()
            st.query_params.from_dict({"code": code})
            st.rerun()


# The teacher's view.

def teacher(code: str, key: str | Device) -> None:
    """The teacher's controls (on the teacher's own screen; the projector shows `view=project`), under the
    Classroom entry of the site's navigation, where the session was started."""
    router.shown_under("Classroom")
    state = classes().state(code)
    st.title(f"Class session {code[:3]} {code[3:]}")
    if not state.live:
        _ended(code, key, state)
        return
    _life(code, key)
    with st.expander("Join code, link and QR code", expanded=state.question is None):
        _join_panel(code, key)
    if state.question is None:
        _joined(code, key)
    else:
        _asked(state, " — second vote" if state.round == 2 else "")
        _steer(code, key, state)
        _answers(code, key)
    _pose(code, key, state)
    _follow(code, key, state)
    _finish(code, key)


@st.fragment(run_every=LIFE_S)
def _life(code: str, key: str | Device) -> None:
    """The teacher is warned before an unused session ends, and can keep it going."""
    state = None
    with _told():
        state = classes().state(code)
    if state is not None and state.live and state.ends_in < WARN_MINUTES * 60:
        st.warning(f"This session ends in {max(1, round(state.ends_in / 60))} minutes unless it is used.",
                   icon=":material/timer:")
        if st.button("Keep the session going", icon=":material/more_time:"):
            classes().keep(code, key)
            st.rerun(scope="app")


def _ended(code: str, key: str | Device, state: State) -> None:
    """An ended session: no more answers; its results are kept for the teacher a while."""
    st.info("This session has ended: students can no longer answer. Its results are kept here for a day.",
            icon=":material/event_busy:")
    if state.question is not None:
        _asked(state, "")
        _tally(code, key)
    _download(code, key)


def _join_panel(code: str, key: str | Device) -> None:
    """How students join: the link, the code, the QR code; the projector's view; and the teacher's own link,
    folded away (never on the projected screen)."""
    left, right = st.columns([2, 1])
    with left:
        base = class_address()  # which warns, once, when the address opens only on this computer
        address = _address(base, code)
        st.markdown(f"Students open {literal(address)} or scan the code, or open {literal(base + '/class')} and "
                    f"type **{code}**.")
        st.link_button("Open the projector's view", _address(base, code, view="project"),
                       icon=":material/present_to_all:",
                       help="For the screen the class sees: the question, the join code and, when you choose, "
                            "the answers; no controls and no key.")
        if isinstance(key, str):
            with st.popover("Your teacher's link (keep it private: it runs this session)"):
                st.code(_address(base, code, key), language=None, wrap_lines=True)
                st.caption("Open it on another device to run the session from there too. This browser stays "
                           "the teacher's after a reload.")
    with right:
        _qr(address, "stretch")  # a third of the teacher's page: 360 px would reach past it on a laptop


def _qr(address: str, width: int | Literal["stretch"] = 360) -> None:
    st.image(segno.make(address, error="m").svg_inline(scale=10, border=2), width=width,
             caption="Scan to join", alt=f"QR code of the join link {visible(address)}")


@st.fragment(run_every=TALLY_S)
def _joined(code: str, key: str | Device) -> None:
    with _told():
        st.metric("Students present", classes().tally(code, key).joined)


def _next(code: str, key: str | Device) -> None:
    """The next question of the teacher's prepared list, one click away."""
    questions, planned = classes().prepared(code, key)
    if planned < len(questions):
        upcoming = questions[planned]
        if st.button(f"Pose the next prepared question ({int(planned) + 1} of {len(questions)})", type="primary",
                     icon=":material/skip_next:", help=escape(upcoming.ask) + " " + literal(upcoming.query)):
            classes().pose_next(code, key)
            st.rerun()


def _prepare(code: str, key: str | Device) -> None:
    """A list of questions written before the class, posed one by one."""
    typed = st.text_area("One question a line: a playground link or query string, or a lesson's question as "
                         "`lesson-name 2`", key="plan_text", max_chars=8000, height=140,
                         placeholder="units=64&return_sequences=true\nunits=64&return_state=true\nboth-flags 1")
    if st.button("Keep this list", icon=":material/playlist_add_check:"):
        try:
            classes().prepare(code, key, question.plan(typed))
        except question.BadQuestion as err:
            st.error(f"That list cannot be posed: {literal(str(err))}.", icon=":material/error:")
            return
        st.rerun()


def _pose(code: str, key: str, state: State) -> None:
    _next(code, key)
    with st.expander("Pose a question", expanded=state.question is None):
        source = st.radio("Ask about", ["a playground configuration", "a lesson's question", "a prepared list"],
                          horizontal=True, key="pose_source")
        if source == "a prepared list":
            _prepare(code, key)
            return
        if source == "a lesson's question":
            lesson = st.selectbox("Lesson", lessons.all_lessons(), format_func=lambda ls: f"{ls.order}. {ls.title}",
                                  key="pose_lesson")
            number = st.selectbox("Question", range(len(lesson.questions)), key=f"pose_q_{lesson.slug}",
                                  format_func=lambda n: f"{n + 1}. {lesson.questions[n].ask}")
            make = lambda: question.from_lesson(lesson.slug, number)  # noqa: E731
        else:
            typed = st.text_input("Playground settings (a playground link or its query string)",
                                  value="units=64&return_sequences=true", key="pose_query", max_chars=2000)
            offer = st.toggle("Offer choices", key="pose_choices",
                              help="The class chooses among what Keras returns for this layer with "
                                   "return_sequences and return_state each set either way.")
            make = lambda: question.playground(typed, choices=offer)  # noqa: E731
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
    prose(state.question.ask)
    st.code(question.code(state.question), language="python", wrap_lines=True)


@st.fragment(run_every=TALLY_S)
def _answers(code: str, key: str) -> None:
    with _told():
        _tally(code, key)


def _tally(code: str, key: str | Device) -> None:
    state = classes().state(code)
    rounds = [classes().tally(code, key, r) for r in range(1, state.round + 1)]
    now = rounds[-1]
    st.markdown(f"**{now.answered} of {now.joined}** students present have answered"
                + (" the second vote." if state.round == 2 else ".") + _countdown(state))
    if now.answered or len(rounds) > 1:
        _chart(rounds, state.revealed)
    if state.revealed:
        st.success(f"Revealed. Keras returns: {literal(question.right_answer(state.question))}")
    if state.live:
        _roster(code, key)


def _countdown(state: State) -> str:
    """The timer, in words: " Voting closes in 25 s." (or closed by it); "" without a timer."""
    if state.closes_in is None or state.revealed or state.closed:
        return ""
    return f" Voting closes in {state.closes_in:.0f} s." if state.closes_in > 0 else " Voting closed (timer)."


def _chart(tallies: list, reveal: bool) -> None:
    """The class's answers: the chart, and the same in words under it (the one place either is drawn)."""
    plot.plotly_chart(tally_figure(tallies, reveal=reveal), "class-answers")
    st.caption(message(tally_text(tallies, reveal=reveal)))


def _roster(code: str, key: str | Device) -> None:
    """Who is present now; by nickname, who has not answered yet."""
    students = classes().roster(code, key)
    named = [s for s in students if s.nick]
    waiting = [s.nick for s in named if s.present and not s.answered]
    if waiting:
        st.caption("Not answered yet: " + ", ".join(literal(nick) for nick in waiting))
    if named:
        _remove(code, key, named)


def _remove(code: str, key: str | Device, named: list) -> None:
    """Remove a student, chosen by nickname: their browser cannot join again."""
    with st.popover("Remove a student"):
        gone = st.selectbox("Student", named, format_func=lambda s: visible(s.nick), index=None, key="remove_who")
        if gone is not None and st.button("Remove from this session", key="remove_go"):
            classes().remove(code, key, gone.member)
            st.rerun()


def _steer(code: str, key: str | Device, state: State) -> None:
    """Vote, close the vote, (vote again,) reveal; and whether the projector shows the answers meanwhile."""
    close, reveal, again = st.columns(3)
    with close:
        _close(code, key, state)
    if reveal.button("Reveal to everyone", type="primary", icon=":material/visibility:",
                     disabled=state.revealed):
        classes().reveal(code, key)
        st.rerun()
    if again.button("Vote again", icon=":material/replay:", disabled=state.round == 2,
                    help="After the discussion: the class answers the same question again; both votes are shown "
                         "side by side."):
        classes().vote_again(code, key)
        st.rerun()
    if not state.revealed:
        _timer(code, key)
    _projector(code, key, state)


def _close(code: str, key: str | Device, state: State) -> None:
    """Close the vote (the class discusses), or open it again; nothing to close after the reveal."""
    if state.revealed:
        st.button("Voting closed", icon=":material/lock:", disabled=True)
    elif st.button("Open voting again" if state.closed else "Close voting",
                   icon=":material/lock_open:" if state.closed else ":material/lock:"):
        classes().close(code, key, not state.closed)
        st.rerun()


def _timer(code: str, key: str | Device) -> None:
    """Close the vote when a timer ends (the countdown shows on every page)."""
    seconds, go = st.columns([1, 2], vertical_alignment="bottom")
    timed = seconds.number_input("Timer (seconds)", min_value=5, max_value=3600, value=60, step=15, key="timer_s")
    if go.button("Close voting when the timer ends", icon=":material/timer:"):
        classes().timer(code, key, timed)
        st.rerun()


def _projector(code: str, key: str | Device, state: State) -> None:
    """Whether the projector shows the answers before the reveal."""
    shown = st.toggle("Show the answers on the projector before the reveal", value=state.shown,
                      disabled=state.revealed, key=f"shown-{state.version}",
                      help="Off: the projector shows only how many answered, so nobody copies the majority.")
    if shown != state.shown and not state.revealed:
        classes().show(code, key, shown)
        st.rerun()


def _finish(code: str, key: str | Device) -> None:
    st.header("Results and the end")
    download, end = st.columns(2)
    with download:
        _download(code, key)
    with end.popover("End the session", icon=":material/stop_circle:"):
        st.markdown("Students can no longer answer; the results stay downloadable here for a day.")
        if st.button("End it now", type="primary", key="end_go"):
            classes().end(code, key)
            st.rerun()


def _download(code: str, key: str | Device) -> None:
    st.download_button("Download the answers (CSV)", to_csv(classes().results(code, key)),
                       file_name=f"class-{code}.csv", mime="text/csv", icon=":material/download:", on_click="ignore")


def _follow(code: str, key: str, state: State) -> None:
    st.header("The class's playground")
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
    if on and state.question is not None and not state.revealed:
        st.info("A question is open: students see this configuration only after the reveal (its returned "
                "tensors would give the answer away).", icon=":material/visibility_off:")


# A student's page.

def projector(code: str) -> None:
    """What the class sees on the wall, in the presenter size: redrawn by itself, never a control or the
    teacher's key."""
    st.html(PRESENTER_CSS)
    state = classes().state(code)
    st.session_state[_SEEN] = (state.version, state.open)
    _projected(code)
    if state.live and state.revealed:  # the answer with the picture, drawn once per change
        _tensors(state.question.query)


@st.fragment(run_every=TALLY_S)
def _projected(code: str) -> None:
    """The counts, the countdown and (when the class may see them) the answers, each second; the whole view
    redrawn when the session has changed."""
    with _told():
        state = classes().state(code)
        if (state.version, state.open) != st.session_state.get(_SEEN):
            st.rerun(scope="app")
        join = _address(opened_at(), code)
        st.title(f"Class {code[:3]} {code[3:]}")
        if not state.live:
            st.info("This class session has ended.", icon=":material/event_busy:")
            return
        if state.question is None:
            left, right = st.columns([2, 1])
            left.markdown(f"Join at {literal(join)} or scan the code.")
            left.metric("Students present", int(classes().progress(state)[1]))
            with right:
                _qr(join)
            return
        _asked(state, " — second vote" if state.round == 2 else "")
        answered, present = classes().progress(state)
        st.markdown(f"**{int(answered)} of {int(present)}** students present have answered"
                    + (" · voting closed." if state.closed and not state.revealed else ".") + _countdown(state))
        shared = classes().shared(state)
        if shared:
            _chart(shared, state.revealed)
        if state.revealed:
            st.success(f"Keras returns: {literal(question.right_answer(state.question))}")
        st.caption(f"Join: {literal(join)} · code {code}")


def student(code: str) -> None:
    nick = st.session_state.get(_NICK) or ""
    state = classes().join(code, _member(code), _who(), nick)
    st.session_state[_SEEN] = (state.version, state.open)
    st.session_state[_SAID] = classes().store.now()
    st.title(f"Class {code}")
    st.caption(f"You are in class {code}" + (f" as {literal(nick)} (your teacher sees it)" if nick else "")
               + ". This page follows the teacher: it changes by itself.")
    _watch(code)
    if state.question is None and not state.follow:
        st.info("Waiting for the teacher's first question…", icon=":material/hourglass_empty:")
    if state.follow:  # what the teacher shows now comes first
        st.header("Your teacher's configuration")
        if state.question is not None and not state.revealed:  # its tensors could answer the question
            st.info("Shown after the reveal.", icon=":material/visibility_off:")
        else:
            _tensors(state.follow)
    if state.question is not None:
        _question(state)


@st.fragment(run_every=POLL_S)
def _watch(code: str) -> None:
    """Redraw the page when the session has changed (a new question, a reveal, the teacher's configuration);
    every SEEN_S, tell the store this student is still here (a seat whose page is gone is freed)."""
    changed = False
    with _told():
        state = classes().state(code)
        changed = (state.version, state.open) != st.session_state.get(_SEEN)
        if classes().store.now() - st.session_state.get(_SAID, 0.0) >= SEEN_S:
            st.session_state[_SAID] = classes().store.now()
            changed = changed or not classes().seen(code, _member(code))  # freed or removed: join again
    if changed:
        st.rerun(scope="app")


def _question(state: State) -> None:
    _asked(state, " — vote again" if state.round == 2 and not state.revealed else "")
    mine = classes().my_answer(state, _member(state.code))
    if state.revealed:
        _revealed(state, mine)
        return
    if not state.open:
        st.info("Voting is closed: discuss it with your neighbours. Your teacher reveals the answer next.",
                icon=":material/lock:")
    else:
        mine = _vote(state) or mine
    if mine:
        st.success(f"Your answer is in: {literal(mine[0])}."
                   + ("" if not state.open else " You can change it until the teacher closes the vote."),
                   icon=":material/check:")


def _vote(state: State) -> tuple[str, bool] | None:
    """The answer box (or the choices) while voting is open: the answer just sent, graded, or None."""
    posed = state.question
    if state.closes_in is not None:
        st.caption(f"Voting closes in about {state.closes_in:.0f} seconds.")
    with st.form(f"answer-{state.asked}-{state.round}"):
        if posed.choices:
            typed = st.radio("Your answer", list(posed.choices), index=None, format_func=posed.choices.get) or ""
        else:
            typed = st.text_input("Your answer", max_chars=question.MAX_ANSWER, placeholder="Type your answer")
        sent = st.form_submit_button("Send my answer", type="primary")
    if not (sent and typed.strip()):
        return None
    right, _ = question.grade(posed, typed)
    mine = (question.canonical(posed, typed), right)
    classes().answer(state.code, _member(state.code), state.asked, state.round, *mine)
    return mine


def _revealed(state: State, mine: tuple[str, bool] | None) -> None:
    """After the reveal: the right answer, whether theirs was and why not, the class's answers, and what
    Keras returns."""
    st.success(f"The answer: {literal(question.right_answer(state.question))}", icon=":material/visibility:")
    if mine is not None:
        (st.info if mine[1] else st.warning)(f"Your answer was {literal(mine[0])}: "
                                             + ("right." if mine[1] else "not this one."))
        if not mine[1]:
            st.text(f"Why: {visible(question.grade(state.question, mine[0], tell=True)[1])}")  # may quote their words
    shared = classes().shared(state)
    if shared:
        with st.expander("The class's answers", expanded=True):
            _chart(shared, True)
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
