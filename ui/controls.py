"""The one widget function for every setting (the playground's, the Train page's, the doctor's), and the
playground's widgets kept in step with the URL query string.

On a visitor's first run the query string fills the widgets (with notices for whatever was
ignored); afterwards the widgets are the truth and the URL follows them. Every change goes
through params.resolve, so widgets can only ever hold a valid Config and View.

A classroom link (rnnlab.classroom) may hide any setting, which then keeps the link's value, or lock
it, which shows it greyed out; its settings stay in the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Literal

import streamlit as st

from rnnlab.classroom import Classroom, split
from rnnlab.glossary import defined
from rnnlab.params import MODEL_PARAMS, PARAMS, Config, Parsed, parse, resolve, to_query, values
from rnnlab.settings import Setting, is_on

SYNCED = "_query_written"  # the query string as this page last wrote it
_NOTICES = "_notices"
Persist = Literal["page", "session"] | None  # how long a widget not drawn keeps its value (None: not at all)
_SLIDER_SPAN = 1000  # wider integer ranges get a number box instead of a slider
# That box holds floats shown as whole numbers (see `widget`), which Streamlit logs with a stack on every run.
logging.getLogger("streamlit.elements.widgets.number_input").setLevel(logging.ERROR)
GROUPS = {"layer": "Layer", "structure": "Stacks, directions, activation", "head": "A head on top",
          "data": "Data: pattern, seed, padding, masking, stateful"}
FOLDED = tuple(GROUPS)[1:]  # the sidebar's groups in an expander (closed at first), the first always shown


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
    query, remembered = _query(), st.session_state.get(SYNCED)
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
        st.session_state[SYNCED] = query
    kept = values(linked.config, linked.view)
    parsed = resolve(_widget_values() | {name: kept[name] for name in room.hide if name in kept})
    return parsed.with_notices(st.session_state.pop(_NOTICES, ()))


def sync_url(parsed: Parsed) -> None:
    """Write every non-default value (and the classroom settings) into the query string, so the URL is a
    shareable link."""
    wanted = to_query(parsed.config, parsed.view) | classroom().to_query()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[SYNCED] = {key: [value] for key, value in wanted.items()}


def widget(setting: Setting, key: str | None = None, container: Any = st, low: int | None = None,
           high: int | None = None, names: list[str] | None = None, shown: Mapping[str, str] | None = None,
           labels: Mapping[str, str] | None = None, disabled: bool = False, persist: Persist = None,
           room: Classroom | None = None) -> None:
    """One widget for one setting, labelled with its name, unless this page's link hides it (greyed out when
    the link locks it). Without a `key` it is the playground's own, kept valid with the others on every change.

    Bounds may be narrowed (view settings); `names` label the indices of a whole-number setting; `shown` labels
    the choices of a setting drawn as a row of options, `labels` those of one drawn as a list; `persist` keeps
    the value while the widget is not drawn, on this page ("page") or on any ("session"); `room`: the page's
    classroom settings, when the caller has read them already (reading the address is a command of its own)."""
    room = classroom() if room is None else room
    if room.hides(setting.name):
        return
    locked = room.locks(setting.name)
    common: dict[str, Any] = dict(key=key or setting.name, on_change=None if key else _normalise,
                                  help=defined(setting.help + (" Fixed by this link." if locked else ""),
                                               setting.name.lower()),
                                  disabled=disabled or locked)
    if persist:
        common["persist_state"] = persist
    _draw(setting, container, setting.label or setting.name, common, low, high, names, shown, labels)


def _draw(setting: Setting, box: Any, label: str, common: dict[str, Any], low: int | None, high: int | None,
          names: list[str] | None, shown: Mapping[str, str] | None, labels: Mapping[str, str] | None) -> None:
    """The widget that fits the setting's kind: a toggle, a row of options or a list, a slider, a box."""
    if setting.kind is bool:
        box.toggle(label, **common)
    elif setting.offered or setting.choices:
        _draw_choice(setting, box, label, common, shown, labels)
    else:
        low = int(setting.low or 0) if low is None else low
        _draw_number(setting, box, label, common, low, int(setting.high or 0) if high is None else high, names)


def _draw_choice(setting: Setting, box: Any, label: str, common: dict[str, Any], shown: Mapping[str, str] | None,
                 labels: Mapping[str, str] | None) -> None:
    """A setting with values to pick from: a select slider, a row of options or a list."""
    if setting.offered:  # the values offered, and the one a link or a fix asked for when it is not one of them
        box.select_slider(label, sorted({*setting.offered, st.session_state[common["key"]]}), **common)
    elif shown:
        box.radio(label, setting.choices, format_func=shown.__getitem__, horizontal=True, **common)
    elif labels:
        box.selectbox(label, setting.choices, format_func=labels.__getitem__, **common)
    else:
        box.selectbox(label, setting.choices, **common)


def _draw_number(setting: Setting, box: Any, label: str, common: dict[str, Any], low: int, high: int,
                 names: list[str] | None) -> None:
    """A number (or a list of them, or a named index): a typed box, a multiselect, a list, a box or a slider."""
    if setting.typed:
        box.text_input(label, placeholder="e.g. 10,7,4", **common)
    elif setting.kind is tuple:
        box.multiselect(label, list(range(low, high + 1)), max_selections=setting.most,
                        placeholder="the first four", **common)
    elif names:
        box.selectbox(label, range(len(names)), format_func=names.__getitem__, **common)
    elif high - low > _SLIDER_SPAN:  # a float box shown as whole numbers: Streamlit's own checks turn a
        # non-finite number sent over the WebSocket into the default (an int box would fail on it)
        box.number_input(label, min_value=float(low), max_value=float(high), step=1.0, format="%d", **common)
    elif high > low:  # given a value (the kept one wins): without one, Streamlit reads every session key
        kept = st.session_state.get(common["key"])
        box.slider(label, min_value=low, max_value=high, value=kept if isinstance(kept, int) and low <= kept <= high
                   else low, **common)


def _next_seed() -> None:
    st.session_state["seed"] = (st.session_state["seed"] + 1) % (int(PARAMS["seed"].high or 0) + 1)
    _normalise()


def apply(changes: dict[str, str]) -> None:
    """Set parameters from query-string text (e.g. a suggested fix), then make everything valid again."""
    for name, text in changes.items():
        param = PARAMS[name]
        st.session_state[name] = text if param.typed else param.parse(text)
    _normalise()


def group_key(group: str) -> str:
    """The key of a group's expander in the session: True while it is open."""
    return f"group-{group}"


def model_controls(config: Config) -> None:
    """The sidebar: one widget per model parameter, grouped; those that do not matter now are greyed out.
    A closed group's widgets are not drawn (every change of a control reruns the page with all it draws); they
    keep their values meanwhile, and opening the group draws them."""
    room = classroom()
    with st.sidebar:
        st.header("Keras arguments")
        for group, title in GROUPS.items():
            if group not in FOLDED:
                _group(st.container(), group, config, room)
            elif (box := st.expander(title, key=group_key(group), on_change="rerun")).open:
                _group(box, group, config, room)
        if not (room.hides("seed") or room.locks("seed")):
            st.button("New random data", on_click=_next_seed, help="Draw new data and weights: seed + 1.",
                      width="stretch")


def _group(box: Any, group: str, config: Config, room: Classroom) -> None:
    """The widgets of one group of parameters in its box; each kept while its group is closed."""
    for param in (p for p in MODEL_PARAMS if p.group == group):
        widget(param, container=box, disabled=bool(param.needs) and not is_on(getattr(config, param.needs)),
               persist="page", room=room)
