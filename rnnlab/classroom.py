"""Classroom links: what a teacher's link hides or locks, whether answers wait for "Reveal", presenter view.

Four query parameters ride along with a page's own (the playground's settings, a lesson's name):

    hide=return_state,units   these controls are not shown (their values come from the link): any setting of
                              the playground, the Train page (task, epochs, ...) or the lesson picker
    lock=return_sequences     these controls are shown but cannot be changed
    reveal=true               what Keras returns stays hidden until the learner presses "Reveal"
    present=true              presenter view: large type and tall charts, for a projector

    >>> split("units=8&hide=units&present=true")[0]
    Classroom(hide=('units',), lock=(), reveal=False, present=True)

Streamlit's own `embed` and `embed_options` (an embedded page: rnnlab.embed) may ride along too; they are
Streamlit's, not the page's, so they are set aside here rather than named as unknown settings.

A link is a teaching aid, not a lock on a door: a learner who edits the address gets the controls back.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlencode, urlsplit

from rnnlab.params import PARAMS, parse, to_query
from rnnlab.settings import Notice, Table, listed, query_pairs, setting
from rnnlab.training.settings import TABLE as TRAINING, TRAIN

LESSON = "lesson"  # the lessons page's own parameter: the lesson picker
CONTROLS = (*PARAMS, *TRAIN, LESSON)  # what a link may hide or lock
STREAMLIT_KEYS = ("embed", "embed_options")  # Streamlit's own: st.query_params never shows them to a page
_MAX_PARTS_READ = 1000  # names of one list read (every control fits many times over)


@dataclass(frozen=True)
class Classroom:
    """A link's classroom settings; the default is a learner on their own: everything shown."""

    hide: tuple[str, ...] = ()
    lock: tuple[str, ...] = ()
    reveal: bool = setting(False, "What Keras returns stays hidden until the learner presses Reveal.")
    present: bool = setting(False, "Presenter view: large type and tall charts, for a projector.")

    def hides(self, name: str) -> bool:
        return name in self.hide

    def locks(self, name: str) -> bool:
        return name in self.lock

    def to_query(self) -> dict[str, str]:
        """The non-default settings as query parameters."""
        query = {key: ",".join(names) for key, names in (("hide", self.hide), ("lock", self.lock)) if names}
        return query | FLAGS.query(self)


FLAGS: Table[Classroom] = Table(Classroom)  # reveal and present, read like every other setting
KEYS = ("hide", "lock", *FLAGS.settings)


def _names(key: str, text: str, notices: list[Notice]) -> tuple[str, ...]:
    """hide=a,b,c -> the controls named, each once, in order; unknown names are named in a notice. Every
    control can be named, so no known name is ever cut off, however long the list."""
    parts = text.split(",", _MAX_PARTS_READ)
    asked = dict.fromkeys(part.strip().lower() for part in parts[:_MAX_PARTS_READ] if part.strip())
    unknown = [name for name in asked if name not in CONTROLS]
    if len(parts) > _MAX_PARTS_READ:
        notices.append(Notice(f"{key}: only the first {_MAX_PARTS_READ:,} names are read", "the rest ignored"))
    if unknown:
        notices.append(Notice(f"{key}: no control is called {listed(unknown)}", "ignored"))
    return tuple(name for name in asked if name in CONTROLS)


def split(query: str | Mapping[str, str | list[str]]) -> tuple[Classroom, dict[str, list[str]], tuple[Notice, ...]]:
    """A page's query -> (its Classroom, the rest of the query as {key: [values]}, notices). Never raises."""
    try:
        pairs = query_pairs(query)
    except (TypeError, ValueError, AttributeError):
        return Classroom(), {}, (Notice("the query string could not be read", "using defaults"),)
    settings: dict[str, Any] = {}
    rest: dict[str, list[str]] = {}
    notices: list[Notice] = []
    for key, text in pairs:
        name = key.strip().lower()
        if name in FLAGS.settings:
            try:
                settings[name] = FLAGS.settings[name].parse(text)
            except ValueError as err:
                notices.append(Notice(str(err), "using false"))
        elif name in ("hide", "lock"):
            settings[name] = _names(name, text, notices)
        elif name in STREAMLIT_KEYS:
            continue
        else:
            rest.setdefault(key, []).append(text)
    return Classroom(**settings), rest, tuple(notices)


def link(base: str, page: str, settings: Mapping[str, str], classroom: Classroom) -> str:
    """The address of `page` ("" for the playground, "lessons", ...) under `base` with the page's own
    settings and the classroom's."""
    query = urlencode({**settings, **classroom.to_query()}, safe=",")
    return f"{base.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def playground_settings(pasted: str, training: bool = False) -> tuple[dict[str, str], tuple[Notice, ...]]:
    """A pasted playground link (or only its query string) -> (the playground's non-default settings, notices
    for what was ignored); `training`: a Train page's link, whose training settings are kept too. Its classroom
    settings are dropped (the builder chooses them). Never raises.

        >>> playground_settings("http://lab.example/?units=8&hide=units&embed=true")
        ({'units': '8'}, ())
        >>> playground_settings("units=8&epochs=3", training=True)
        ({'units': '8', 'epochs': '3'}, ())
    """
    text = pasted.strip()
    try:
        query = urlsplit(text).query or text
    except ValueError:  # e.g. "http://[::1": not an address, so read it as a query string
        query = text
    try:
        query_pairs(query)
    except (TypeError, ValueError) as err:  # e.g. more fields than are read
        return {}, (Notice(f"the pasted settings could not be read ({err})", "using defaults"),)
    _, rest, _ = split(query)
    trained = {key: texts for key, texts in rest.items() if training and key.strip().lower() in TRAIN}
    parsed = parse({key: texts for key, texts in rest.items() if key not in trained})
    read = TRAINING.read(trained)
    return to_query(parsed.config, parsed.view) | TRAINING.query(read.value), parsed.notices + read.notices


MAX_BASE = 300  # characters of a base address


def base_address(text: str) -> tuple[str | None, str]:
    """A teacher's typed base address -> (the address, without a trailing slash; "") or (None, what is wrong).

    Only a plain http(s) address is taken: a host (and port), optionally a path the app is served under; no
    spaces, no user name or password, no query or fragment. Never raises.

        >>> base_address("https://lab.school.example/rnn/")
        ('https://lab.school.example/rnn', '')
    """
    text = text.strip()
    problem = _text_problem(text)
    if problem:
        return None, problem
    try:
        url = urlsplit(text)
        url.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        return None, "the address cannot be read"
    problem = _address_problem(url, text)
    if problem:
        return None, problem
    return f"{url.scheme.lower()}://{url.netloc}{url.path.rstrip('/')}", ""


def _text_problem(text: str) -> str:
    """What makes the typed text no address at all ("" if nothing)."""
    if not text:
        return "the address is empty"
    if len(text) > MAX_BASE:
        return f"the address is longer than {MAX_BASE} characters"
    if any(c.isspace() or not c.isprintable() for c in text) or any(c in text for c in "\\<>\"`{}|^"):
        return "the address holds spaces or characters an address cannot have"
    return ""


def _address_problem(url: SplitResult, text: str) -> str:
    """What makes a readable address unfit as a base for links ("" if nothing)."""
    if url.scheme.lower() not in ("http", "https"):
        return "the address must start with http:// or https://"
    if not url.hostname:
        return "the address has no host name"
    if url.username is not None or url.password is not None:
        return "the address must not hold a user name or password"
    if url.query or url.fragment or text.endswith(("?", "#")):
        return "the address must not hold a query (?...) or a fragment (#...)"
    return ""


def is_local(address: str) -> bool:
    """Whether an address only opens on the computer it is typed on (localhost, 127.x.x.x, ::1, 0.0.0.0)."""
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified
