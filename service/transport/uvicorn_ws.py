"""uvicorn's websockets-sansio protocol, with the closes and refusals a training stand needs.

``python -m service`` runs this class as uvicorn's ``--ws`` implementation. What it adds:

- **A close frame is never destroyed by a reset.** uvicorn closes the socket right after a close
  frame it sends because of a frame it could not take (1009, 1007, 1002), while the rest of that
  frame is still unread; the kernel then answers with a reset, and clients such as
  websocket-client see ``ConnectionResetError`` instead of the close code. Here, after the
  server sends a close frame, what the client still sends is read and dropped, without being
  parsed, until the client goes quiet, closes its side, or ``CLOSE_DRAIN_SECONDS`` pass; only then
  is the socket closed (RFC 6455 §7.1.1).
- **A client the service gives up on stops costing CPU.** :meth:`stop_reading` pauses reading at
  once (its bytes wait in the kernel) until its close frame is out; then the dropping above.
- **No client parses a whole read at once.** uvloop hands over up to 256 KiB per read; uvicorn
  would parse every frame in it (thousands, from a flooding client) before anyone else is
  served. Here at most ``PARSE_SLICE`` bytes are parsed at a time, and the next slice only when
  the service has taken every message of the last one; the socket is not read meanwhile. A
  client closed in between never has the rest parsed.
- **A refused handshake is a problem.** Every handshake websockets refuses is answered with an
  RFC 9457 ``application/problem+json`` body; a version other than 13 gets 426 with
  ``Sec-WebSocket-Version: 13`` (RFC 6455 §4.4); a request head websockets finds too large
  (431, 414) is answered and closed instead of being left unsent.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import http
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.datastructures import Headers
from websockets.exceptions import HeaderLineTooLong, RequestLineTooLong, TooManyHeaders
from websockets.http11 import Request, Response

from service.transport.lingering import LIMIT_SECONDS, Lingering
from service.transport.problems import PROBLEM_JSON, problem_body

PARSE_SLICE = 16 * 1024
"""Bytes of one client's input parsed at a time (see the module docstring)."""


def problem_response(
    status: int, code: str, detail: str, extra: list[tuple[str, str]] | None = None
) -> bytes:
    """A refused handshake's HTTP answer: an RFC 9457 problem, and the connection closes."""
    body = problem_body(status, code, detail[:300])
    headers = Headers(
        [
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Connection", "close"),
            ("Content-Length", str(len(body))),
            ("Content-Type", PROBLEM_JSON),
            *(extra or ()),
        ]
    )
    return Response(status, http.HTTPStatus(status).phrase, headers, body).serialize()


def handshake_refusal(headers: Headers) -> bytes | None:
    """The answer to an upgrade request websockets would refuse, checked before it does.

    websockets answers these in plain text; the contract promises problems. uvicorn (httptools)
    has already checked ``Upgrade`` and ``Connection``; what is left is the version (426 with
    ``Sec-WebSocket-Version: 13``, RFC 6455 §4.4) and the key.
    """
    versions = headers.get_all("Sec-WebSocket-Version")
    if versions != ["13"]:
        return problem_response(
            426,
            "upgrade_required",
            "Only WebSocket version 13 is supported (Sec-WebSocket-Version: 13)",
            [("Sec-WebSocket-Version", "13"), ("Upgrade", "websocket")],
        )
    keys = headers.get_all("Sec-WebSocket-Key")
    try:
        valid = len(keys) == 1 and len(base64.b64decode(keys[0].encode(), validate=True)) == 16
    except (binascii.Error, UnicodeEncodeError):
        valid = False
    if not valid:
        return problem_response(
            400, "validation_error", "Sec-WebSocket-Key must be one base64-encoded 16-byte value"
        )
    return None


class GuardedWebSocketProtocol(WebSocketsSansIOProtocol):
    """See the module docstring. Class attributes hold the defaults, so an ordinary connection
    carries no more per-connection state than uvicorn's own."""

    _reading_stopped = False
    _lingering: Lingering | None = None
    _unparsed: memoryview | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.close_timeout = LIMIT_SECONDS

    def stop_reading(self) -> None:
        """Read nothing more from this client: the service is closing it."""
        if not self._reading_stopped and self.transport is not None:
            self._reading_stopped = True
            self.read_paused = True
            self.transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        if self._unparsed is None and self._lingering is None and len(data) <= PARSE_SLICE:
            conn = self.conn  # the common case, as uvicorn has it (one call fewer per frame)
            conn.receive_data(data)
            if conn.parser_exc is not None:
                self.handle_parser_exception()
            elif self.handshake_complete:
                self.handle_events()
            else:
                self._handshake_events()
            return
        if self._lingering is not None:
            self._lingering.heard(data)
            return
        self._unparsed = memoryview(bytes(self._unparsed) + data if self._unparsed is not None else data)
        self.read_paused = True
        self.transport.pause_reading()
        self._parse_some()

    def _parse_some(self) -> None:
        """Parse slices of what is unparsed until a message is ready for the service, or none is left."""
        while self._unparsed is not None and self.queue.empty():
            if self._reading_stopped or self._lingering is not None or self.close_sent:
                self._unparsed = None  # a client being closed: the rest is never parsed
                return
            chunk, rest = self._unparsed[:PARSE_SLICE], self._unparsed[PARSE_SLICE:]
            self._unparsed = rest if len(rest) else None
            self._parse(bytes(chunk))
        if self._unparsed is None and self.read_paused and self.queue.empty() and not self._reading_stopped:
            # All parsed and nothing for the service yet (a frame still incomplete): read on.
            self.read_paused = False
            self.transport.resume_reading()

    def _parse(self, data: bytes) -> None:
        conn = self.conn
        conn.receive_data(data)
        if conn.parser_exc is not None:
            self.handle_parser_exception()
        elif self.handshake_complete:
            self.handle_events()
        else:
            self._handshake_events()

    def _handshake_events(self) -> None:
        if not self.handshake_initiated and self.conn.handshake_exc is not None:
            self._refuse_unreadable_handshake()
            return
        self.handle_events()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._lingering is not None:
            self._lingering.cancel()
        super().connection_lost(exc)

    def handle_parser_exception(self) -> None:
        # uvicorn would close the socket here, with the rest of the offending frame unread.
        close = self.conn.close_sent
        if close is None:  # pragma: no cover - websockets always sends a close on a parser error
            super().handle_parser_exception()
            return
        self.queue.put_nowait({"type": "websocket.disconnect", "code": close.code, "reason": close.reason})
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        self._linger()

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.close" and self.close_sent and self.handshake_complete:
            self._linger()

    async def receive(self) -> Any:
        message = await self.queue.get()
        if self.queue.empty() and not self._reading_stopped:
            if self._unparsed is not None:
                self._parse_some()
            elif self.read_paused:
                self.read_paused = False
                self.transport.resume_reading()
        return message

    def _linger(self) -> None:
        """After our close frame: drop what arrives until the client is quiet, gone, or time is up."""
        if self._lingering is None and not self.transport.is_closing():
            self.read_paused = False
            self._lingering = Lingering(self.transport, self.loop)
            if self.close_timer is None:
                # uvicorn closes the socket as soon as the app returns unless a close is pending.
                self.close_timer = self.loop.call_later(LIMIT_SECONDS, self.transport.close)

    def handle_connect(self, event: Request) -> None:
        refusal = handshake_refusal(event.headers)
        if refusal is None:
            super().handle_connect(event)
        else:
            self._refuse(refusal)

    def _refuse_unreadable_handshake(self) -> None:
        """websockets could not read the request head (its plain-text answer is dropped)."""
        self.conn.data_to_send()
        too_long = isinstance(self.conn.handshake_exc, RequestLineTooLong)
        if too_long or isinstance(self.conn.handshake_exc, (HeaderLineTooLong, TooManyHeaders)):
            status, code = (414, "uri_too_long") if too_long else (431, "header_fields_too_large")
            detail = f"The handshake's {'request line' if too_long else 'head'} is too large: {self.conn.handshake_exc}"
        else:
            status, code, detail = 400, "validation_error", "The handshake is not a valid HTTP request"
        self._refuse(problem_response(status, code, detail))

    def _refuse(self, answer: bytes) -> None:
        self.handshake_initiated = self.handshake_complete = self.close_sent = True
        self.transport.write(answer)
        self.transport.close()
