"""Who is asking: this tab's session, this browser, this address, as opaque ids for the server's fair shares.

    session()  one browser tab's Streamlit session (a reload is a new one)
    browser()  one browser profile: every tab of it, reloads included (a private window is another browser).
               Derived from the token of Streamlit's XSRF cookie, which the browser keeps and sends itself and
               which never travels in a link; a client that sends no cookie is its own session.
    address()  the connection's network address (behind a proxy on this machine, the one the proxy saw; "local"
               on this machine); a school's network is one address for a whole class, so only generous bounds
               may count by it.

None of these is shown to anyone: each is a hash, and only compared.
"""

from __future__ import annotations

import hashlib

import streamlit as st

_COOKIE = "_streamlit_xsrf"


def _hash(kind: str, text: str) -> str:
    return kind + ":" + hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:24]


def session() -> str:
    """This tab's session id, hashed ("session:..."); "session:none" outside a running page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return _hash("session", context.session_id if context is not None else "none")


def _xsrf_token() -> bytes | None:
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    try:
        raw = st.context.cookies.get(_COOKIE)
    except Exception:  # outside a running page (AppTest, the command line)
        return None
    token, _ = decode_xsrf_token_string(raw) if raw else (None, None)
    return token or None


def browser() -> str:
    """This browser's id ("browser:..."), the same in every tab of it; this tab's session id when the browser
    sent no cookie (a script, or a browser that refuses cookies)."""
    token = _xsrf_token()
    return _hash("browser", token.hex()) if token else session()


def _forwarded() -> str | None:
    """The client a proxy on this machine names (nginx in deploy/ appends the address it saw last in
    X-Forwarded-For; what comes before it the client could have written itself)."""
    try:
        header = st.context.headers.get("X-Forwarded-For") or ""
    except Exception:
        return None
    return header.split(",")[-1].strip()[:64] or None


def address() -> str:
    """The connection's address, hashed ("address:..."); through a proxy on this machine, the address the proxy
    saw; "address:local" when it is this machine itself."""
    try:
        ip = st.context.ip_address
    except Exception:
        ip = None
    ip = ip or _forwarded()  # Streamlit gives no address for a connection from this machine (a proxy's)
    return _hash("address", ip) if ip else "address:local"
