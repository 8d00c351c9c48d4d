"""plotly.js, served by this server from the plotly package's own copy, at an address that names its version.

The address changes only with the plotly package, so a browser keeps the file for a year without asking again
(`Cache-Control: immutable`); a browser that asks anyway with its ETag gets 304 and no body. The file is gzipped
once, beside the server's start (on a thread of its own, so that the server listens without waiting for it),
never per request.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from functools import cached_property
from pathlib import Path
from typing import Any

import plotly

FILE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ADDRESS = f"rnnlab/plotly-{plotly.__version__}.min.js"  # relative to the app's root, as the page asks for it
CACHE_CONTROL = "public, max-age=31536000, immutable"


class Script:
    """The file's bytes, plain and gzipped, with its ETag; computed once."""

    @cached_property
    def plain(self) -> bytes:
        return FILE.read_bytes()

    @cached_property
    def gzipped(self) -> bytes:
        return gzip.compress(self.plain, compresslevel=9, mtime=0)

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.plain).hexdigest()[:32] + '"'

    def answer(self, if_none_match: str, accept_encoding: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for a GET with these request headers."""
        headers = {"Cache-Control": CACHE_CONTROL, "ETag": self.etag, "Vary": "Accept-Encoding",
                   "X-Content-Type-Options": "nosniff"}
        if self.etag in (tag.strip().removeprefix("W/") for tag in if_none_match.split(",")):
            return 304, headers, b""
        headers["Content-Type"] = "text/javascript; charset=utf-8"
        if "gzip" in accept_encoding.lower():
            return 200, headers | {"Content-Encoding": "gzip"}, self.gzipped
        return 200, headers, self.plain


def routes() -> list[Any]:
    """The server's route for the file (Starlette), its gzipped copy begun now on a thread of its own: not on
the first visitor's request, and not before the server listens. A request that comes before it is done waits
for it off the server's event loop."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    script = Script()
    threading.Thread(target=lambda: script.gzipped, name="plotly-gzip", daemon=True).start()

    async def serve(request: Request) -> Response:
        status, headers, body = await run_in_threadpool(script.answer, request.headers.get("if-none-match", ""),
                                                        request.headers.get("accept-encoding", ""))
        return Response(body, status_code=status, headers=headers)

    return [Route("/" + ADDRESS, serve, methods=["GET", "HEAD"])]
