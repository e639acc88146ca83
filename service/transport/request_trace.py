"""``X-Request-ID`` on REST: a call that carries it is traced (``GET /trace/{request_id}``) and
answered with the same header, in a middleware around every handler."""

from __future__ import annotations

import re
from typing import Any

from litestar.types import ASGIApp

from service.errors import ValidationFailed
from service.traces.book import CURRENT, TraceBook

HEADER = b"x-request-id"
POINTER = "/header/X-Request-ID"
_VALID = re.compile(r"[\x21-\x7e]{1,128}")
_NOT_TRACED = ("/trace/", "/specs/", "/playground")


def trace_requests(traces: TraceBook) -> Any:
    """The Litestar middleware that opens a REST call's trace, when it names its request id."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def tracing(scope: Any, receive: Any, send: Any) -> None:
            request_id = _request_id(scope) if scope["type"] == "http" else None
            if request_id is None:
                await app(scope, receive, send)
                return
            echoed = (HEADER, request_id.encode())
            path = scope["path"]
            action = f"{scope['method']} {path}"
            trace = None
            if traces.enabled and not path.startswith(_NOT_TRACED):
                trace = traces.open(request_id, transport="rest", channel=None, action=action)
            if trace is None:
                await app(scope, receive, _with_header(send, echoed))
                return
            query = scope.get("query_string", b"").decode("latin-1")
            trace.add("received", f"received {action}{'?' + query if query else ''}", None, None)
            token = CURRENT.set(trace)
            try:
                await app(scope, receive, _with_header(send, echoed, trace=trace))
            finally:
                CURRENT.reset(token)

        return tracing

    return middleware


def _request_id(scope: Any) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            text: str = value.decode("latin-1")
            if not _VALID.fullmatch(text):
                raise ValidationFailed(
                    "X-Request-ID must be 1-128 printable ASCII characters without spaces", pointer=POINTER
                )
            return text
    return None


def _with_header(send: Any, header: tuple[bytes, bytes], *, trace: Any = None) -> Any:
    async def sending(message: Any) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), header]}
            if trace is not None:
                status = message["status"]
                trace.add("response", f"answered {status}", {"status": status})
        await send(message)

    return sending
