"""A minimal Streamlit client at the WebSocket level: one `Visitor` is one browser tab.

It speaks the browser's protocol on /_stcore/stream: `BackMsg.rerun_script` carrying a `ClientState`
(query string, page hash, every widget's current value, hashes of cached messages) goes up;
`ForwardMsg`s (new_session, deltas, page_info_changed, script_finished, ...) come down. Widgets
are found in the deltas of each run, keyed by label and by user key, and keep their values
between runs the way the frontend's widget state manager does. Many visitors can share one
asyncio event loop (a load test).

    async with Visitor(server.ws_url) as visitor:
        first = await visitor.load()
        flip = await visitor.set(return_state=True)
        print(first.seconds, flip.seconds, flip.first_message_seconds)

Forms and timed fragments, as the browser sends them:

        answered = await visitor.submit("Send my answer", **{"Your answer": "(32, 64)"})
        "Your answer is in" in answered.text          # what the run drew (markdown, alerts, code, ...)
        for fragment_id in visitor.timers:            # st.fragment(run_every=...) -> {fragment id: seconds}
            await visitor.tick(fragment_id)           # the timed rerun a browser's timer sends

An expander that tracks whether it is open (`on_change="rerun"`) is a widget too, opened by its key:
`await visitor.set(**{"group-data": True})`.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

XSRF_COOKIE = "_streamlit_xsrf"


def browser_cookie() -> str:
    """A browser's `_streamlit_xsrf` cookie, as Streamlit's server gives one on the first page load (a random
    token): a Visitor that sends it is one browser to the server, over every reconnect that keeps it."""
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    return generate_xsrf_token_string(None, None)

MAX_CACHED_MESSAGE_AGE = 2  # script runs a cached message survives unused (global.maxCachedMessageAge)


def _page_hash(url_path: str) -> str:
    """The page_script_hash a browser's first request names a page by (st.navigation pages: their url path)."""
    from streamlit.util import calc_hash

    return calc_hash(url_path)


@dataclass
class Widget:
    """One widget seen in the last run: element kind (checkbox, slider, ...), id, label, proto, fragment."""

    kind: str
    id: str
    label: str
    proto: Any
    fragment_id: str = ""  # set when the widget is drawn inside an st.fragment

    @property
    def key(self) -> str | None:
        """The user key of a keyed widget (ids are '$$ID-<hash>-<key>'), else None."""
        parts = self.id.split("-", 2)
        return parts[2] if len(parts) == 3 and parts[0] == "$$ID" and parts[2] != "None" else None


@dataclass
class RunResult:
    """One script run as the visitor saw it."""

    seconds: float  # BackMsg sent -> script_finished received
    first_message_seconds: float | None  # BackMsg sent -> first ForwardMsg of the run (new_session) received
    status: int  # ForwardMsg.ScriptFinishedStatus
    messages: int
    bytes: int
    elements: Counter = field(default_factory=Counter)  # element kinds drawn, e.g. {"bidi_component": 4} (the charts)
    errors: list[str] = field(default_factory=list)  # exception elements drawn (an error in the script)
    # The script's own run time as the server measured it (PageProfile.exec_time); the server
    # only sends it when browser.gatherUsageStats is on.
    exec_seconds: float | None = None
    texts: list[str] = field(default_factory=list)  # text drawn: markdown, alerts, headings, code, metrics
    full: bool = True  # a run of the whole page (False: one fragment's run)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def ok(self) -> bool:
        done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
        return self.status in done and not self.errors


def _value_of(widget: Widget) -> Any:
    """The value a freshly drawn widget holds: what the server set, else its default."""
    p = widget.proto
    if widget.kind == "expandable":  # an expander that tracks whether it is open
        return p.expanded
    if widget.kind in ("checkbox", "number_input", "text_input", "text_area"):
        return p.value if p.set_value else p.default
    if widget.kind == "slider":
        return list(p.value if p.set_value else p.default)
    if widget.kind in ("selectbox", "radio"):
        if p.set_value:
            return p.raw_value
        return p.options[p.default] if p.options else None
    if widget.kind == "multiselect":
        return list(p.raw_values) if p.set_value else [p.options[i] for i in p.default]
    return None


def _state(widget: Widget, value: Any) -> WidgetState:
    """A widget value -> the WidgetState the frontend would send for it."""
    ws = WidgetState(id=widget.id)
    if value is None:
        return ws
    if widget.kind in ("checkbox", "expandable"):
        ws.bool_value = bool(value)
    elif widget.kind == "slider":
        ws.double_array_value.data[:] = [float(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
    elif widget.kind == "number_input":
        ws.double_value = float(value)
    elif widget.kind in ("selectbox", "radio", "text_input", "text_area"):
        ws.string_value = str(value)
    elif widget.kind == "multiselect":
        ws.string_array_value.data[:] = [str(v) for v in value]
    return ws


def checked(result: RunResult, what: str) -> RunResult:
    """The result, if its script finished cleanly; else RuntimeError saying what was asked."""
    if not result.ok:
        raise RuntimeError(f"{what}: the script did not finish cleanly (status {result.status}): {result.errors}")
    return result


def _text_of(name: str, element: Any) -> str | None:
    """The readable text of a drawn element (None for elements without any)."""
    if name in ("markdown", "alert", "heading", "text"):
        return getattr(element, name).body
    if name == "code":
        return element.code.code_text
    if name == "metric":
        return f"{element.metric.label}: {element.metric.body}"
    return None


def _expander(msg: ForwardMsg) -> Widget | None:
    """An expander that tracks whether it is open (opened and closed by its key, as a widget), else None."""
    block = msg.delta.add_block if msg.delta.WhichOneof("type") == "add_block" else None
    if block is None or block.WhichOneof("type") != "expandable" or not block.expandable.id:
        return None
    return Widget("expandable", block.expandable.id, block.expandable.label, block.expandable, msg.delta.fragment_id)


WIDGET_KINDS = ("checkbox", "slider", "number_input", "selectbox", "radio", "multiselect", "text_input", "text_area",
                "button")


class Visitor:
    """One simulated visitor: a WebSocket session that runs the page and moves widgets."""

    def __init__(self, ws_url: str, query_string: str = "", cache_messages: bool = True, timeout: float = 120.0,
                 source: str | None = None, page: str = "", cookie: str = ""):
        self.ws_url = ws_url
        self.cookie = cookie  # the browser's XSRF cookie (browser_cookie()); "" sends none, as a script might
        self.source = source  # the local address to connect from (e.g. 127.0.0.7: another "client" to nginx)
        self.query_string = query_string  # follows page_info_changed, as the browser's URL does
        self.cache_messages = cache_messages
        self.timeout = timeout
        self.page_script_hash = _page_hash(page) if page else ""  # page: a url path ("class"); "" the default
        self.timers: dict[str, float] = {}  # fragment id -> seconds: st.fragment(run_every=...) of the page now
        self.widgets: dict[str, Widget] = {}  # by label and by user key
        self.values: dict[str, Any] = {}  # widget id -> current value
        self._ws: ClientConnection | None = None
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, last run it was used)
        self._runs = 0

    async def connect(self) -> Visitor:
        extra = {"local_addr": (self.source, 0)} if self.source else {}
        if self.cookie:
            extra["additional_headers"] = {"Cookie": f"{XSRF_COOKIE}={self.cookie}"}
        self._ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
                                 **extra)
        return self

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> Visitor:
        return await self.connect()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    def widget(self, name: str) -> Widget:
        try:
            return self.widgets[name]
        except KeyError:
            raise KeyError(f"no widget labelled or keyed {name!r}; have {sorted(self.widgets)}") from None

    def value(self, name: str) -> Any:
        """A widget's current value as the next rerun will send it (sliders hold a list, e.g. [64.0])."""
        return self.values.get(self.widget(name).id)

    async def load(self, query_string: str | None = None) -> RunResult:
        """The first run of the page, as when the tab opens (optionally at a given query string)."""
        if query_string is not None:
            self.query_string = query_string
        return await self.rerun()

    async def set(self, **values: Any) -> RunResult:
        """Give widgets (by label or key) new values and rerun, as one user interaction does.

        Widgets that all live in one st.fragment rerun only that fragment, as in the browser.
        """
        widgets = [self.widget(name) for name in values]
        for widget, value in zip(widgets, values.values()):
            self.values[widget.id] = value
        fragments = {w.fragment_id for w in widgets}
        return await self.rerun(fragment_id=fragments.pop() if len(fragments) == 1 else "")

    async def click(self, name: str) -> RunResult:
        """Press a button and rerun."""
        widget = self.widget(name)
        return await self.rerun(triggers=(widget.id,), fragment_id=widget.fragment_id)

    async def submit(self, button: str, **values: Any) -> RunResult:
        """Fill a form's widgets (by label or key) and press its submit button: one rerun, as the browser sends
        a form (the values go up only with the submission)."""
        for name, value in values.items():
            self.values[self.widget(name).id] = value
        return await self.click(button)

    async def tick(self, fragment_id: str) -> RunResult:
        """The timed rerun of a fragment drawn with run_every, as the browser's timer sends it."""
        return await self.rerun(fragment_id=fragment_id, auto=True)

    async def rerun(self, triggers: tuple[str, ...] = (), fragment_id: str = "", auto: bool = False) -> RunResult:
        """Send rerun_script with every widget's current value; wait for script_finished."""
        if self._ws is None:
            await self.connect()
        msg = self._rerun_message(triggers, fragment_id, auto)
        await self._drain()
        sent = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._receive_run(sent, fragment_id), self.timeout)

    async def fire(self, query_string: str) -> None:
        """Ask for the page at another address and do not wait for it (what a script hammering the server
        does); what the server sends back is read and dropped."""
        if self._ws is None:
            await self.connect()
        self.query_string = query_string
        self.values = {}
        await self._ws.send(self._rerun_message((), "", False).SerializeToString())
        while True:
            try:
                await asyncio.wait_for(self._ws.recv(), 0.001)
            except TimeoutError:
                return

    def _rerun_message(self, triggers: tuple[str, ...], fragment_id: str, auto: bool) -> BackMsg:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query_string
        client.page_script_hash = self.page_script_hash
        client.fragment_id = fragment_id
        client.is_auto_rerun = auto
        by_id = {w.id: w for w in self.widgets.values()}
        for widget_id, value in self.values.items():
            if widget_id in by_id:
                client.widget_states.widgets.append(_state(by_id[widget_id], value))
        for widget_id in triggers:
            client.widget_states.widgets.append(WidgetState(id=widget_id, trigger_value=True))
        if self.cache_messages:
            client.cached_message_hashes.extend(self._cache)
        client.context_info.timezone = "UTC"
        client.context_info.locale = "en-US"
        client.context_info.url = self.ws_url.replace("ws://", "http://").replace("/_stcore/stream", "/")
        return msg

    async def _drain(self) -> None:
        """Take in what the server sent on its own since the last run (a fragment's timed run, or the full run
        it asked for): kept for the message cache, so that the next run is timed from its own request."""
        while True:
            try:
                data = await asyncio.wait_for(self._ws.recv(), 0.001)
            except TimeoutError:
                return
            msg = ForwardMsg.FromString(data)
            if msg.metadata.cacheable and self.cache_messages and not msg.HasField("ref_hash"):
                self._cache[msg.hash] = (msg, self._runs)
            elif msg.HasField("page_info_changed"):
                self.query_string = msg.page_info_changed.query_string
            elif msg.HasField("auto_rerun"):
                self.timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            elif msg.HasField("stop_auto_rerun"):
                for gone in msg.stop_auto_rerun.fragment_ids:
                    self.timers.pop(gone, None)

    async def _receive_run(self, sent: float, fragment_id: str) -> RunResult:
        started = exec_seconds = None
        count = size = 0
        drawn: list[Widget] = []
        elements: Counter = Counter()
        errors: list[str] = []
        texts: list[str] = []
        timers: dict[str, float] = {}
        stopped: set[str] = set()
        self._runs += 1
        while True:
            data = await self._ws.recv()
            count, size = count + 1, size + len(data)
            msg = ForwardMsg.FromString(data)
            if msg.HasField("ref_hash"):
                cached, _ = self._cache[msg.ref_hash]
                msg = cached
            if msg.metadata.cacheable and self.cache_messages:
                self._cache[msg.hash] = (msg, self._runs)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started = time.perf_counter() - sent
                self.page_script_hash = msg.new_session.page_script_hash
                drawn, elements, errors, texts, timers = [], Counter(), [], [], {}
            elif kind == "page_profile":
                exec_seconds = msg.page_profile.exec_time / 1e6
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "auto_rerun":
                timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                stopped.update(msg.stop_auto_rerun.fragment_ids)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                name = element.WhichOneof("type")
                elements[name] += 1
                if name in WIDGET_KINDS:
                    proto = getattr(element, name)
                    drawn.append(Widget(name, proto.id, proto.label, proto, msg.delta.fragment_id))
                elif name == "exception":
                    errors.append(f"{element.exception.type}: {element.exception.message}")
                said = _text_of(name, element)
                if said:
                    texts.append(said)
            elif kind == "delta" and (expander := _expander(msg)):
                drawn.append(expander)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a newer run replaces this one; wait for it
                if not fragment_id and msg.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                    continue  # a fragment's own timed run, not the full run asked for
                seconds = time.perf_counter() - sent
                full = msg.script_finished != ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                if full:  # the whole page ran (also when a fragment asked for it: st.rerun(scope="app"))
                    fragment_id = ""
                    self.timers = {}  # a full run registers the page's timed fragments again
                self.timers = {f: s for f, s in (self.timers | timers).items() if f not in stopped}
                self._after_run(drawn, fragment_id)
                return RunResult(seconds, started, msg.script_finished, count, size, elements, errors, exec_seconds,
                                 texts, full)

    def _after_run(self, drawn: list[Widget], fragment_id: str) -> None:
        """Keep the widgets of this run (new ones at their drawn value), forget the rest and stale cache.

        A fragment run redraws only its own widgets: the others stay as they were.
        """
        before = {w.id: w for w in self.widgets.values()}.values()
        kept = [w for w in before if fragment_id and w.fragment_id != fragment_id]
        old, self.widgets, self.values = self.values, {}, {}
        for widget, redrawn in [(w, False) for w in kept] + [(w, True) for w in drawn]:
            self.widgets[widget.label] = widget
            if widget.key:
                self.widgets[widget.key] = widget
            if widget.kind == "button":
                continue
            if redrawn and (getattr(widget.proto, "set_value", False) or widget.id not in old):
                self.values[widget.id] = _value_of(widget)
            elif widget.id in old:
                self.values[widget.id] = old[widget.id]
        self._cache = {h: (m, r) for h, (m, r) in self._cache.items() if self._runs - r <= MAX_CACHED_MESSAGE_AGE}
