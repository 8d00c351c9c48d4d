"""The articles' examples on screen: the article's code, what Keras does with it, the claims put right with the
evidence, the corrected code, and links into the playground, the Train page and the shape doctor.

The evidence is computed in the engine's workers (the task "article"), once per example for every visitor.
"""

from __future__ import annotations

import difflib
from urllib.parse import parse_qsl

import streamlit as st

from rnnlab import engine
from rnnlab.articles import (EXAMPLES, MISLEADING, OUTDATED, RIGHT, WRONG, Claim, Evidence, Example, Link,
                             example_evidence)
from rnnlab.learner_text import code as literal, escape, message
from rnnlab.own_code import Attempt
from ui.terms import prose

EVIDENCE_S = 90.0  # an example whose evidence takes longer is stopped (its worker is replaced)
BADGES = {WRONG: ":red-badge[Wrong]", MISLEADING: ":orange-badge[Misleading]",
          OUTDATED: ":orange-badge[Out of date]", RIGHT: ":green-badge[Right]"}
PAGES = {"playground": "pages/playground.py", "train": "pages/train.py", "lesson": "pages/lessons.py"}
ICONS = {"playground": ":material/science:", "train": ":material/model_training:",
         "doctor": ":material/stethoscope:", "lesson": ":material/school:"}
_IDS = [e.id for e in EXAMPLES]
# Wrapped code draws its line numbers in its own light grey (2.5:1): the app's darker grey, as unwrapped code has.
WRAPPED_LINE_NUMBERS = """<style>
[data-testid="stCode"] .react-syntax-highlighter-line-number { color: #5b5f6e !important; opacity: 1 !important; }
</style>"""


def _label(example: Example) -> str:
    first = example.article == EXAMPLES[0].article
    return f"Article {1 if first else 2}, example {example.number}: {example.shown_title.rstrip('.')}"


def choose() -> Example:
    """The example named by ?example=id (the first one otherwise), with a picker that keeps the URL in step."""
    asked = st.query_params.get("example", _IDS[0])
    if asked not in _IDS:
        st.warning(f"There is no example {literal(asked[:40])}: showing the first one.", icon=":material/info:")
    index = _IDS.index(asked) if asked in _IDS else 0
    example = st.selectbox("Example", EXAMPLES, index=index, format_func=_label)
    st.query_params["example"] = example.id
    return example


def get_evidence(example: Example) -> Evidence | None:
    """The example's evidence from the engine (computed here when no engine runs); None after saying why not."""
    running = engine.running()
    try:
        if running is None:
            return example_evidence(example.id)
        task = running.submit("article", example.id, timeout=EVIDENCE_S)
        with st.spinner("Running the article's code on Keras..."):
            found = task.result()
        for other in _IDS:  # the other examples next, while this one is read
            running.submit("article", other, priority=engine.CONFIRM, timeout=EVIDENCE_S)
        return found
    except engine.WorkerLost as lost:
        st.error(f"This example could not be run just now: {lost}. Try again in a moment.", icon=":material/block:")
    except Exception as err:  # never a stack trace on the page
        st.error(f"This example could not be run: {literal(f'{type(err).__name__}: {err}'[:300])}.",
                 icon=":material/block:")
    return None


def _outcome(title: str, attempt: Attempt, keras_version: str) -> None:
    """What one run printed (left), and what Keras warned and raised (right)."""
    st.markdown(f"**{title}**")
    printed, raised = st.columns(2)
    with printed:
        st.caption("It prints" if attempt.printed else "It prints nothing")
        if attempt.printed:
            st.code("\n".join(attempt.printed), language="text")
    with raised:
        for warning in attempt.warnings:
            st.caption("Keras warns")
            st.code(warning, language="text", wrap_lines=True)
        if attempt.error:
            st.caption(f"It stops on line {attempt.error_line}" if attempt.error_line else "It stops")
            st.code(attempt.error, language="text", wrap_lines=True)
        if attempt.ran and not attempt.warnings:
            st.caption(f"It runs to the end with no warning from Keras {keras_version}.")


def _status(example: Example, evidence: Evidence) -> None:
    written, version = evidence.as_written, evidence.keras_version
    if written.ran:
        count = len(written.warnings)
        warned = f", with {count} warning{'s' * (count != 1)}" if count else ""
        st.success(f"The article's code runs as written on Keras {version}{warned}.", icon=":material/check_circle:")
    else:
        st.error(f"The article's code does not run as written on Keras {version}: it stops on line "
                 f"{written.error_line} with {literal(written.error.split(':')[0])}.", icon=":material/error:")


def _article_code(example: Example, evidence: Evidence) -> None:
    st.markdown("**The article's code, as written**")
    st.code(example.code, language="python", line_numbers=True, wrap_lines=True)
    _outcome(f"What it does on Keras {evidence.keras_version}", evidence.as_written, evidence.keras_version)


def _fix(example: Example, evidence: Evidence) -> None:
    if example.fix is None or evidence.fixed is None:
        return
    st.subheader("The smallest fix")
    prose(message(_correction_of(example, "name_error")))
    diff = difflib.unified_diff(example.code.splitlines(), example.fix.splitlines(), "as written", "fixed",
                                lineterm="", n=1)
    st.code("\n".join(diff), language="diff", wrap_lines=True)
    _outcome("With the fix", evidence.fixed, evidence.keras_version)


def _correction_of(example: Example, check: str) -> str:
    """The correction of the example's claim backed by `check` ('' when it has none)."""
    return next((c.correction for c in example.claims if c.check == check), "")


def _claim(claim: Claim, evidence: Evidence) -> None:
    check = evidence.checks[claim.check]
    with st.container(border=True):
        st.markdown(f"{BADGES[claim.verdict]} **The article{' writes' if claim.in_code else ' says'}:**")
        if claim.in_code:
            st.code(claim.quote, language="python", wrap_lines=True)
        else:
            st.markdown(f"“{message(claim.quote)}”")
        lead, elsewhere = claim.elsewhere
        if elsewhere:
            st.markdown(f"{escape(lead)}: “{message(elsewhere)}”")
        prose(f"**What Keras does.** {message(claim.correction)}")
        prose(f"**Measured by this server on Keras {evidence.keras_version}:**\n\n"
              + "\n".join(f"- {escape(fact)}" for fact in check.facts))
        if not check.holds:
            st.warning("On the installed Keras this did not come out as the page says: the measurements above "
                       "are what Keras did.", icon=":material/warning:")


def _claims(example: Example, evidence: Evidence) -> None:
    st.subheader("What the article says, checked")
    for claim in example.claims:
        _claim(claim, evidence)


def _corrected(example: Example, evidence: Evidence) -> None:
    st.subheader("Corrected for Keras 3")
    st.caption("keras.Input instead of input_shape=, and every correction above applied.")
    st.code(example.corrected, language="python", line_numbers=True, wrap_lines=True)
    _outcome("What it does", evidence.corrected, evidence.keras_version)


def _to_doctor(link: Link) -> None:
    """Load the doctor's form with this example and its diagnosis asked for, then open the doctor."""
    from ui.doctor_view import NO_LOSS, PASTE

    code, x_shape, y_shape, loss = link.doctor
    state = st.session_state
    state.update(doctor_mode=PASTE, doctor_code=code, doctor_x=x_shape, doctor_y=y_shape,
                 doctor_loss=loss or NO_LOSS)
    state["doctor_asked"] = (code, x_shape, y_shape, loss or NO_LOSS)
    st.switch_page("pages/doctor.py")


def _links(example: Example) -> None:
    st.subheader("Try it in the app, and read the lessons")
    for n, link in enumerate(example.links):
        if link.page == "doctor":
            if st.button(link.label, icon=ICONS["doctor"], key=f"article-doctor-{example.id}-{n}"):
                _to_doctor(link)
        else:
            st.page_link(PAGES[link.page], label=link.label, icon=ICONS[link.page],
                         query_params=dict(parse_qsl(link.query)))


def _next(example: Example) -> None:
    """A link to the next example (after the last: back to the first)."""
    following = EXAMPLES[(_IDS.index(example.id) + 1) % len(EXAMPLES)]
    st.page_link("pages/articles.py", label=f"Next: {_label(following)}", icon=":material/arrow_forward:",
                 query_params={"example": following.id})


def show(example: Example) -> None:
    """One example, from the article's code to the links."""
    st.html(WRAPPED_LINE_NUMBERS)
    st.header(f"{example.number}. {example.shown_title}")
    headed = f", where it is headed “{example.title.rstrip('.')}” (checked below)" if example.heading else ""
    st.caption(f"Example {example.number} of the article “{example.article}”{headed}; the article is quoted where "
               "it is checked.")
    evidence = get_evidence(example)
    if evidence is None:
        return
    _status(example, evidence)
    _article_code(example, evidence)
    _fix(example, evidence)
    _claims(example, evidence)
    _corrected(example, evidence)
    _links(example)
    _next(example)
