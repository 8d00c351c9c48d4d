"""Widgets generated from the parameter table, kept in step with the URL query string.

On a visitor's first run the query string fills the widgets (with notices for whatever was
ignored); afterwards the widgets are the truth and the URL follows them. Every change goes
through params.resolve, so widgets can only ever hold a valid Config and View.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rnnlab.params import MODEL_PARAMS, PARAMS, Param, Parsed, parse, resolve, to_query, values

_LOADED = "_loaded_from_url"
_NOTICES = "_notices"
_SLIDER_SPAN = 1000  # wider integer ranges get a number box instead of a slider


def _widget_values() -> dict[str, Any]:
    state = st.session_state
    return {name: tuple(state[name]) if p.kind is tuple else state[name] for name, p in PARAMS.items() if name in state}


def _store(parsed: Parsed) -> None:
    for name, value in values(parsed.config, parsed.view).items():
        st.session_state[name] = list(value) if isinstance(value, tuple) else value
    st.session_state[_NOTICES] = parsed.notices


def _normalise() -> None:
    """Widget callback: make every value valid again (e.g. clamp batch, sample) before the rerun."""
    _store(resolve(_widget_values()))


def load() -> Parsed:
    """The valid Config and View for this run; on a visitor's first run, read from the URL."""
    if _LOADED not in st.session_state:
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        _store(parse(query))
        st.session_state[_LOADED] = True
    parsed = resolve(_widget_values())
    return Parsed(parsed.config, parsed.view, st.session_state.pop(_NOTICES, ()))


def sync_url(parsed: Parsed) -> None:
    """Write every non-default value into the query string, so the URL is a shareable link."""
    wanted = to_query(parsed.config, parsed.view)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def widget(param: Param, low: int | None = None, high: int | None = None, container: Any = st) -> None:
    """One widget for one parameter, labelled with its name; bounds may be narrowed (view params)."""
    low = param.low if low is None else low
    high = param.high if high is None else high
    label = param.label or param.name
    common = dict(key=param.name, help=param.help, on_change=_normalise)
    if param.kind is bool:
        container.toggle(label, **common)
    elif param.choices:
        container.selectbox(label, param.choices, **common)
    elif param.kind is tuple:
        container.multiselect(label, list(range(low, high + 1)), max_selections=10,
                              placeholder="the first four", **common)
    elif high - low > _SLIDER_SPAN:
        container.number_input(label, min_value=low, max_value=high, step=1, **common)
    elif high > low:
        container.slider(label, min_value=low, max_value=high, **common)


def _next_seed() -> None:
    st.session_state["seed"] = (st.session_state["seed"] + 1) % (PARAMS["seed"].high + 1)
    _normalise()


def model_controls() -> None:
    """The sidebar: one widget per model parameter, and a button for new random data."""
    with st.sidebar:
        st.header("LSTM arguments")
        for param in MODEL_PARAMS:
            widget(param)
        st.button("New random data", on_click=_next_seed, help="Draw new data and weights: seed + 1.",
                  width="stretch")
