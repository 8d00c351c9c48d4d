"""Widgets generated from the parameter table, kept in step with the URL query string.

On a visitor's first run the query string fills the widgets (with notices for whatever was
ignored); afterwards the widgets are the truth and the URL follows them. Every change goes
through params.resolve, so widgets can only ever hold a valid Config and View.

A classroom link (rnnlab.classroom) may hide controls, which then keep the link's values, or lock
them, which shows them greyed out; its settings stay in the URL.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from rnnlab.classroom import Classroom, split
from rnnlab.params import MODEL_PARAMS, PARAMS, Param, Parsed, is_on, parse, resolve, to_query, values

_SYNCED = "_query_written"  # the query string as this page last wrote it
_NOTICES = "_notices"
_SLIDER_SPAN = 1000  # wider integer ranges get a number box instead of a slider
# That box holds floats shown as whole numbers (see `widget`), which Streamlit logs with a stack on every run.
logging.getLogger("streamlit.elements.widgets.number_input").setLevel(logging.ERROR)
GROUPS = {"layer": "Layer", "structure": "Stacks, directions, activation", "head": "A head on top",
          "data": "Data: pattern, seed, padding, masking, stateful"}


def _widget_values() -> dict[str, Any]:
    values = {}
    for name, param in PARAMS.items():
        if name not in st.session_state:
            continue
        value = st.session_state[name]
        if param.typed:
            try:
                value = param.parse(value)
            except ValueError:
                pass  # resolve() reports it and falls back
        if param.kind is int and isinstance(value, float):  # a number box's value, kept whole
            value = st.session_state[name] = int(value)
        values[name] = tuple(value) if param.kind is tuple and isinstance(value, list) else value
    return values


def _store(parsed: Parsed) -> None:
    for name, value in values(parsed.config, parsed.view).items():
        param = PARAMS[name]
        st.session_state[name] = param.format(value) if param.typed else list(value) if param.kind is tuple else value
    st.session_state[_NOTICES] = parsed.notices


def _normalise() -> None:
    """Widget callback: make every value valid again (e.g. clamp batch, sample) before the rerun."""
    _store(resolve(_widget_values()))


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def classroom() -> Classroom:
    """The classroom settings of this page's address (everything shown when there are none)."""
    return split(_query())[0]


def load() -> Parsed:
    """The valid Config and View for this run. The URL fills the widgets when it is not the one this page
    last wrote: a visitor's first run, or arriving by a link (a lesson's "open in the playground").
    Hidden controls always take the link's values."""
    query, remembered = _query(), st.session_state.get(_SYNCED)
    # Widgets of a page that was not drawn lose their values; the site's navigation drops the address's
    # settings: back from another page, this session's last settings come back.
    missing = any(p.name not in st.session_state for p in MODEL_PARAMS)
    if missing and not query and remembered:
        query = remembered
        st.query_params.from_dict(remembered)
    room, settings, room_notices = split(query)
    linked = parse(settings)
    if query != remembered or missing:
        _store(linked)
        st.session_state[_NOTICES] = room_notices + linked.notices
        st.session_state[_SYNCED] = query
    kept = values(linked.config, linked.view)
    parsed = resolve(_widget_values() | {name: kept[name] for name in room.hide if name in kept})
    return Parsed(parsed.config, parsed.view, st.session_state.pop(_NOTICES, ()))


def sync_url(parsed: Parsed) -> None:
    """Write every non-default value (and the classroom settings) into the query string, so the URL is a
    shareable link."""
    wanted = to_query(parsed.config, parsed.view) | classroom().to_query()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_SYNCED] = {key: [value] for key, value in wanted.items()}


def widget(param: Param, low: int | None = None, high: int | None = None, container: Any = st,
           names: list[str] | None = None, disabled: bool = False, shown: dict[str, str] | None = None) -> None:
    """One widget for one parameter, labelled with its name; bounds may be narrowed (view params), and
    `names` label the indices of an int parameter; `shown` labels the choices of a parameter drawn as a
    row of options instead of a list."""
    room = classroom()
    if room.hides(param.name):
        return
    low = param.low if low is None else low
    high = param.high if high is None else high
    label = param.label or param.name
    locked = room.locks(param.name)
    common = dict(key=param.name, help=param.help + (" Fixed by this link." if locked else ""),
                  on_change=_normalise, disabled=disabled or locked)
    if param.kind is bool:
        container.toggle(label, **common)
    elif param.choices and shown:
        container.radio(label, param.choices, format_func=shown.__getitem__, horizontal=True, **common)
    elif param.choices:
        container.selectbox(label, param.choices, **common)
    elif param.typed:
        container.text_input(label, placeholder="e.g. 10,7,4", **common)
    elif param.kind is tuple:
        container.multiselect(label, list(range(low, high + 1)), max_selections=param.most,
                              placeholder="the first four", **common)
    elif names:
        container.selectbox(label, range(len(names)), format_func=names.__getitem__, **common)
    elif high - low > _SLIDER_SPAN:  # a float box shown as whole numbers: Streamlit's own checks turn a
        # non-finite number sent over the WebSocket into the default (an int box would fail on it)
        container.number_input(label, min_value=float(low), max_value=float(high), step=1.0, format="%d", **common)
    elif high > low:
        container.slider(label, min_value=low, max_value=high, **common)


def _next_seed() -> None:
    st.session_state["seed"] = (st.session_state["seed"] + 1) % (PARAMS["seed"].high + 1)
    _normalise()


def apply(changes: dict[str, str]) -> None:
    """Set parameters from query-string text (e.g. a suggested fix), then make everything valid again."""
    for name, text in changes.items():
        param = PARAMS[name]
        st.session_state[name] = text if param.typed else param.parse(text)
    _normalise()


def model_controls(config: Any) -> None:
    """The sidebar: one widget per model parameter, grouped; those that do not matter now are greyed out."""
    with st.sidebar:
        st.header("Keras arguments")
        for group, title in GROUPS.items():
            box = st.container() if group == "layer" else st.expander(title, expanded=False)
            for param in (p for p in MODEL_PARAMS if p.group == group):
                widget(param, container=box, disabled=bool(param.needs) and not is_on(getattr(config, param.needs)))
        room = classroom()
        if not (room.hides("seed") or room.locks("seed")):
            st.button("New random data", on_click=_next_seed, help="Draw new data and weights: seed + 1.",
                      width="stretch")
