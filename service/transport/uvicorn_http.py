"""uvicorn's httptools protocol, with the limits on a request that uvicorn does not set.

``python -m service`` runs this class as uvicorn's ``--http`` implementation (made by
:func:`guarded_http`, with the limits from the settings). What it adds:

- **Time limit on a request** (``HTTP_REQUEST_TIMEOUT_SECONDS``): the request head and body must
  arrive within it, from the first byte (or the connection) on. A slow client (slowloris: a
  header byte a second; a body that stops) gets 408 and the socket is closed.
- **Size limit on the head** (``HTTP_MAX_HEAD_BYTES``): a longer request line is answered 414,
  a longer head 431, and the socket is closed; no more than the limit is ever fed to the parser.
- **A cap on unfinished requests** (``HTTP_MAX_UNFINISHED``): connections whose request (or
  WebSocket upgrade) has not fully arrived. At the cap the one that has waited longest is closed
  to make room (a slow client loses, a new one gets in).
- **Errors are problems**: a request the parser cannot read gets a 400
  ``application/problem+json`` body instead of uvicorn's plain text.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from service.transport.lingering import Lingering
from service.transport.problems import PROBLEM_JSON, problem_body

log = logging.getLogger("service.http")


class GuardedHttpProtocol(HttpToolsProtocol):
    """See the module docstring; the limits are class attributes set by :func:`guarded_http`."""

    request_timeout: ClassVar[float] = 10.0
    max_head_bytes: ClassVar[int] = 16 * 1024
    max_unfinished: ClassVar[int] = 256
    unfinished: ClassVar[dict[int, GuardedHttpProtocol]]
    """The connections whose request has not fully arrived, oldest first (one per server process)."""
    counts: ClassVar[dict[str, int]]
    """How many connections each limit closed: ``request_timeout``, ``head_too_large``, ``evicted``."""

    _head_room: int | None = None
    _timer: asyncio.TimerHandle | None = None
    _begun = False
    _arrived = True
    """The request's message has fully arrived (no request in flight counts as arrived)."""
    _lingering: Lingering | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._request_arrived()
        if self._lingering is not None:
            self._lingering.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._lingering is not None:
            self._lingering.heard(data)
            return
        room = self._head_room
        if room is not None and len(data) > room:
            super().data_received(data[:room])
            if self._head_room is not None and not self.transport.is_closing():
                self._refuse_head()
                return
            protocol = self.transport.get_protocol()
            if not self.transport.is_closing() and len(data) > room:
                # The head ended inside the slice: the rest is body, or a WebSocket's first frames.
                protocol.data_received(data[room:])  # type: ignore[attr-defined]
            return
        if room is not None:
            self._head_room = room - len(data)
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._begun = True
        self._arrived = False
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._head_room = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._arrived = True
        self._request_arrived()
        super().on_message_complete()
        cycle = self.cycle
        if cycle is not None and cycle.response_complete and not self.transport.is_closing():
            # Answered before its body had all arrived (413): the next request begins only now.
            self._await_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Before the whole body is here (an early 413), the rest of it is not the head of the
        # next request: its clock and head budget start when this message is complete.
        if self._arrived and not self.transport.is_closing():
            self._await_request()

    def handle_websocket_upgrade(self) -> None:
        self._request_arrived()
        super().handle_websocket_upgrade()

    def send_400_response(self, msg: str) -> None:
        self._answer_and_close(400, "validation_error", "The request is not valid HTTP/1.1")

    def _await_request(self) -> None:
        """A request may begin: start its clock and its head budget, and count it as unfinished."""
        self._head_room = self.max_head_bytes
        self._begun = False
        if self._timer is None:
            self._timer = self.loop.call_later(self.request_timeout, self._too_slow)
        unfinished = type(self).unfinished
        unfinished.pop(id(self), None)
        while len(unfinished) >= self.max_unfinished:
            oldest = unfinished.pop(next(iter(unfinished)))
            type(self).counts["evicted"] += 1
            oldest._answer_and_close(
                408, "request_timeout", "Too many unfinished requests; this one waited longest"
            )
        unfinished[id(self)] = self

    def _request_arrived(self) -> None:
        """The request is all here (or the connection is gone): no clock, not unfinished."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        type(self).unfinished.pop(id(self), None)

    def _too_slow(self) -> None:
        self._timer = None
        type(self).counts["request_timeout"] += 1
        self._answer_and_close(
            408, "request_timeout", f"The request did not arrive within {self.request_timeout:g} seconds"
        )

    def _refuse_head(self) -> None:
        type(self).counts["head_too_large"] += 1
        if self.headers:
            self._answer_and_close(
                431, "header_fields_too_large", f"The request head is over {self.max_head_bytes} bytes"
            )
        else:
            self._answer_and_close(
                414, "uri_too_long", f"The request line is over {self.max_head_bytes} bytes"
            )

    def _answer_and_close(self, status: int, code: str, detail: str) -> None:
        """Answer with an RFC 9457 problem (when a request has begun and no response has), and close
        once the client has had its say (a lingering close: it reads the answer, not a reset)."""
        self._request_arrived()
        if self.transport is None or self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the app's later writes are dropped, a read returns at once
            cycle.message_event.set()
        head_unread = self._head_room is not None  # then ``cycle`` is a previous request's, if any
        if self._begun and (head_unread or cycle is None or not cycle.response_started):
            body = problem_body(status, code, detail)
            head = [STATUS_LINE[status]]
            for name, value in self.server_state.default_headers:
                head += [name, b": ", value, b"\r\n"]
            head.append(
                b"content-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
                % (PROBLEM_JSON.encode(), len(body))
            )
            self.transport.write(b"".join(head) + body)
        log.info(
            "closed an HTTP connection: %s",
            detail,
            extra={"event.action": "http.refused", "error_code": code},
        )
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._lingering = Lingering(self.transport, self.loop)


def guarded_http(
    *, request_timeout: float, max_head_bytes: int, max_unfinished: int
) -> type[GuardedHttpProtocol]:
    """The protocol class for uvicorn's ``http=``, with these limits."""
    attributes: dict[str, Any] = {
        "request_timeout": request_timeout,
        "max_head_bytes": max_head_bytes,
        "max_unfinished": max_unfinished,
        "unfinished": {},
        "counts": {"request_timeout": 0, "head_too_large": 0, "evicted": 0},
    }
    return type("GuardedHttpProtocol", (GuardedHttpProtocol,), attributes)
