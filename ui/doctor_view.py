"""The shape doctor on screen: the learner's code (pasted, or assembled with widgets from the parameter table)
and shapes in, the diagnosis out (cached per input)."""

from __future__ import annotations

from concurrent.futures import CancelledError
from typing import Any

import streamlit as st

from rnnlab import engine
from rnnlab.doctor import DoctorInputError, assemble
from rnnlab.engine import WorkerLost
from rnnlab.doctor.examples import Example, all_examples
from rnnlab.doctor.reading import MAX_CODE_CHARS
from rnnlab.doctor.report import shapes_text
from rnnlab.doctor.titles import title
from rnnlab.learner_text import code as literal, message, visible
from ui.controls import GROUPS, widget
from ui.runs import owner
from ui.terms import prose

NO_LOSS = "(none)"
LOSSES = (NO_LOSS, "mse", "mae", "huber", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy")
PASTE, ASSEMBLE = "Paste code", "Assemble with controls"
MODES = (PASTE, ASSEMBLE)
DIAGNOSIS_S = 10.0  # a learner waits this long at most, for a diagnosis or a plain message
TRIAL_S = DIAGNOSIS_S - 1  # a diagnosis that runs longer is stopped (its worker is replaced)
BUSY = f"the doctor had other models to try before this one and could not finish it within {DIAGNOSIS_S:.0f} s"
ASSEMBLE_GROUPS = {**GROUPS, "data": "Masking, stateful"}
ASSEMBLE_COLUMNS = (("layer",), ("structure",), ("head", "data"))  # the groups in each column


def get_diagnosis(code: str, x_shape: str, y_shape: str, loss: str):
    """The diagnosis of one input, computed once by the doctor's own worker, answered or given up within
    DIAGNOSIS_S seconds (DoctorInputError is raised, not cached; WorkerLost when it was stopped or the doctor
    is busy)."""
    task = engine.doctor().submit("diagnose", code, x_shape, y_shape or None, None if loss == NO_LOSS else loss,
                         timeout=TRIAL_S, owner=owner())
    starting = not engine.doctor().warm()  # the server has just started: its doctor is loading TensorFlow
    with st.spinner("The doctor is starting (loading TensorFlow)..." if starting else
                    "Reading the code and building it with Keras..."):
        try:
            return task.result(timeout=DIAGNOSIS_S + (engine.START_S if starting else 0))
        except (TimeoutError, CancelledError):
            task.cancel()  # still waiting for its turn: nobody waits for it any more
            raise WorkerLost(BUSY) from None


def _load(example: Example) -> None:
    state = st.session_state
    state["doctor_code"], state["doctor_x"] = example.code, example.x_shape
    state["doctor_y"], state["doctor_loss"] = example.y_shape or "", example.loss or NO_LOSS


def _on_example() -> None:
    """Load the example picked (a value that names no example, as a hand-made request may send, loads nothing)."""
    slug = st.session_state["doctor_example"]
    example = next((e for e in all_examples() if e.slug == slug), None)
    if example is not None:
        _load(example)
        st.session_state.pop("doctor_asked", None)


def _picked(examples: list[Example]) -> None:
    """The picker names an example only while its code is the code in the form (not after a paste)."""
    state = st.session_state
    shown = next((e for e in examples if e.slug == state.get("doctor_example")), None)
    if shown is not None and shown.code != state["doctor_code"]:
        state["doctor_example"] = None


def _shapes() -> None:
    """X, y and the loss: the same widgets in both modes."""
    state = st.session_state
    losses = LOSSES if state["doctor_loss"] in LOSSES else (*LOSSES, state["doctor_loss"])
    left, middle, right = st.columns(3)
    left.text_input("X shape", key="doctor_x", help="(samples, timesteps, features), e.g. 118,45,2",
                    persist_state="session")
    middle.text_input("y shape (optional)", key="doctor_y", help="e.g. 118,1", persist_state="session")
    right.selectbox("Loss", losses, key="doctor_loss", help="(none): the code's compile(loss=...), if any",
                    persist_state="session")


def _pasted() -> tuple[str, str, str, str]:
    """The example picker and the form: the code as pasted."""
    examples = all_examples()
    state = st.session_state
    titles = {e.slug: e.title for e in examples}
    _picked(examples)
    st.selectbox("Load an example", list(titles), format_func=titles.get, key="doctor_example",
                 on_change=_on_example, help="models learners really asked about", persist_state="session",
                 placeholder="Your own code (pick an example to load it instead)")
    with st.form("doctor-form"):
        _shapes()
        st.text_area("Your Keras model code (read, never run)", key="doctor_code", height=260,
                     max_chars=MAX_CODE_CHARS, persist_state="session")
        if st.form_submit_button("Diagnose", type="primary", icon=":material/stethoscope:"):
            state["doctor_asked"] = (state["doctor_code"], state["doctor_x"], state["doctor_y"], state["doctor_loss"])
    return state["doctor_code"], state["doctor_x"], state["doctor_y"], state["doctor_loss"]


def _arg_key(name: str) -> str:
    return f"doctor_arg_{name}"


def _assembled() -> tuple[str, str, str, str]:
    """Widgets from the parameter table, their model's code, and X following timesteps and features."""
    state = st.session_state
    config = assemble.config(_assemble_widgets())
    axes = (config.timesteps, config.features)
    if state.get("doctor_x_from") != axes:  # X follows timesteps and features; its samples stay the learner's
        samples = assemble.samples(state["doctor_x"], state["doctor_y"], default=config.batch)
        state["doctor_x"], state["doctor_x_from"] = assemble.x_shape(config, samples), axes
    _shapes()
    loss = state["doctor_loss"]
    code = assemble.code(config, None if loss == NO_LOSS else loss)
    st.markdown("**The model these controls make** (diagnosed as if pasted; copy it from here)")
    st.code(code, language="python", line_numbers=True)
    if st.button("Diagnose", type="primary", icon=":material/stethoscope:", key="doctor_assemble"):
        state["doctor_asked"] = (code, state["doctor_x"], state["doctor_y"], loss)
    return code, state["doctor_x"], state["doctor_y"], loss


def _assemble_widgets() -> dict[str, object]:
    """The assembly's widgets in their columns and groups (greyed out where a setting does not matter) -> their
    values by setting name."""
    state = st.session_state
    if _arg_key("layer") not in state:  # first visit: the table's defaults, timesteps and features from X
        first = {p.name: p.default for p in assemble.PARAMS} | assemble.sequence_axes(state["doctor_x"])
        state.update({_arg_key(name): value for name, value in first.items()})
    given = {p.name: state[_arg_key(p.name)] for p in assemble.PARAMS}
    for column, groups in zip(st.columns(len(ASSEMBLE_COLUMNS)), ASSEMBLE_COLUMNS):
        for group in groups:
            _assemble_group(column.container(border=True), group, given)
    return {p.name: state[_arg_key(p.name)] for p in assemble.PARAMS}


def _assemble_group(box: Any, group: str, given: dict[str, object]) -> None:
    """One group of the assembly's widgets in its box."""
    box.markdown(f"**{ASSEMBLE_GROUPS[group]}**")
    for param in (p for p in assemble.PARAMS if p.group == group):
        widget(param, key=_arg_key(param.name), container=box, persist="session",
               disabled=not assemble.matters(param.name, given))


def inputs() -> tuple[str, str, str, str] | None:
    """The mode switch and that mode's inputs; the input last asked about while it is still the one shown
    (None before the first click, or after a change)."""
    state = st.session_state
    if "doctor_code" not in state:
        _load(all_examples()[0])
        state["doctor_example"] = all_examples()[0].slug
    mode = st.radio("The model", MODES, key="doctor_mode", horizontal=True, persist_state="session",
                    help="paste your own code, or assemble a model from the layers this app knows")
    current = _assembled() if mode == ASSEMBLE else _pasted()
    asked = state.get("doctor_asked")
    return asked if asked == current else None


def _counted(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def headline(problems) -> str:
    """What the header says: every item listed below is counted, problems and warnings apart."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not errors:
        return "No shape problem found" + (f"; {_counted(warnings, 'warning')} below." if warnings else ".")
    return _counted(errors, "problem") + (f" and {_counted(warnings, 'warning')}" if warnings else "") + " found."


def unsure_text(diagnosis) -> str:
    """Why the doctor gives no verdict on the whole model."""
    if diagnosis.unread_model:
        lines = ", ".join(str(n.line) for n in diagnosis.unread_model)
        return (f"Not sure: line{'s' * (len(diagnosis.unread_model) != 1)} {lines} build part of the model and "
                "could not be read (listed below), so the diagnosis covers only the rest.")
    return f"Not sure: {diagnosis.untested}; an ok needs the model built and one training step run."


def _problems(diagnosis) -> None:
    errors = [p for p in diagnosis.problems if p.severity == "error"]
    if diagnosis.verdict == "unsure":
        st.warning(message(unsure_text(diagnosis)), icon=":material/help:")
    elif diagnosis.verdict == "ok" or not errors:
        st.success(headline(diagnosis.problems), icon=":material/check_circle:")
    else:
        st.error(headline(diagnosis.problems), icon=":material/error:")
    for n, problem in enumerate(diagnosis.problems, 1):
        with st.container(border=True):
            mark = ":red[:material/error:]" if problem.severity == "error" else ":orange[:material/warning:]"
            where = f" · line {problem.line}" if problem.line else ""
            st.markdown(f"{mark} **{n}. {message(title(problem.kind))}**{where}")
            prose(message(problem.message))
            prose(f"**Fix:** {message(problem.fix)}")


def _table(diagnosis) -> None:
    st.header("What Keras builds, layer by layer")
    prose("Output shapes at your sizes; None is the batch axis.", caption=True)
    rows = "\n".join(f"| {r.line or ''} | {literal(r.layer, in_table=True)} | `{shapes_text(r.shapes)}` | "
                     f"{message(r.note, in_table=True)} |"
                     for r in diagnosis.layer_shapes)
    st.html(LAYERS_CSS)
    with st.container(key="layers"):
        st.markdown(f"| line | layer | output shape | note |\n|---|---|---|---|\n{rows}")


# The layer table fits a phone: a layer's code and the note wrap (a shape stays whole), so the page never
# scrolls sideways.
LAYERS_CSS = """<style>
.st-key-layers td:nth-child(2) code { white-space: normal; overflow-wrap: anywhere; display: inline; }
.st-key-layers td:nth-child(4) { overflow-wrap: anywhere; }
@media (max-width: 640px) { .st-key-layers :is(th, td) { padding: 0.3rem 0.4rem; } }
</style>"""


def _fixed(diagnosis) -> None:
    if not diagnosis.fixed_code:
        return
    st.header("The fixed code")
    check = diagnosis.verification
    (st.success if check.verified else st.warning)(f"Checked with Keras: {message(check.summary)}",
                                                   icon=":material/verified:" if check.verified else
                                                   ":material/warning:")
    if diagnosis.fix_what:
        st.markdown(f"**The smallest change that works:** {message(diagnosis.fix_what)}")
    st.code(visible(diagnosis.fixed_code), language="python")
    for warned in check.warnings:
        st.caption(message(f"Keras warns about the fixed code: {warned}"))
    if diagnosis.alternatives:
        with st.expander(f"Other changes that also work ({len(diagnosis.alternatives)})"):
            for other in diagnosis.alternatives:
                st.markdown(f"**{message(other.what)}** · checked with Keras: {message(other.verification.summary)}")
                st.code(visible(other.code), language="python")


def show_diagnosis(diagnosis) -> None:
    _problems(diagnosis)
    if diagnosis.keras_error:
        where = f" (line {diagnosis.keras_error_line})" if diagnosis.keras_error_line else ""
        st.markdown(f"**Keras's own error**{where}")
        st.code(visible(diagnosis.keras_error), language="text")
    for warned in diagnosis.keras_warnings:
        st.caption(message(f"Keras warns about your code: {warned}"))
    _table(diagnosis)
    _fixed(diagnosis)
    if diagnosis.not_read:
        st.header("Not understood (read, never run)")
        st.markdown("\n".join(f"- line {n.line}: {literal(n.code)}: {message(n.reason)}"
                              for n in diagnosis.not_read))
    for note in diagnosis.notes:
        st.caption(message(note))


def show() -> None:
    engine.doctor()  # started by need: its workers import TensorFlow while the learner pastes
    asked = inputs()
    if asked is None:
        how = "Paste your model" if st.session_state["doctor_mode"] == PASTE else "Assemble the model"
        st.info(f"{how}, give the shapes of X and y, and press Diagnose.", icon=":material/info:")
        return
    try:
        diagnosis = get_diagnosis(*asked)
    except DoctorInputError as err:
        st.error(f"The doctor cannot diagnose this: {message(err)}", icon=":material/block:")
        return
    except WorkerLost as lost:
        advice = "A model this large cannot be tried here: make it smaller and diagnose again." if lost.too_big \
            else "Press Diagnose to try again."
        st.error(f"The doctor could not finish this diagnosis: {lost}. {advice}", icon=":material/block:")
        return
    except Exception as err:  # never a stack trace on the page
        st.error(f"The doctor failed on this input: {literal(f'{type(err).__name__}: {err}'[:300])}.",
                 icon=":material/block:")
        return
    show_diagnosis(diagnosis)
