"""One WebSocket client of a scenario: its handshake, its inbox, its close.

Every frame received is decoded and checked against asyncapi.yaml (``ServerFrame``) on arrival:
the service's frames must always be valid, whatever the scenario expects of them.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tools.scenarios.failures import Problem
from tools.specs import ContractError, frame_contract

#: The handshake options sent as query parameters, as asyncapi.yaml's ws binding names them.
QUERY_OPTIONS = (
    "channel",
    "since",
    "epoch",
    "presence",
    "name",
    "latency_ms",
    "jitter_ms",
    "drop_rate",
    "disconnect_after_ms",
    "disconnect_code",
    "seed",
)
NO_CLOSE_FRAME = 1006
MAX_FRAME_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Closed:
    """How a connection ended: the close code and reason the server sent (1006: none)."""

    code: int
    reason: str


class Refused(Exception):
    """The server refused the handshake with an HTTP status."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"handshake refused with HTTP {status}")
        self.status = status
        self.body = body


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def handshake_url(ws_url: str, options: dict[str, Any]) -> str:
    """``ws_url`` with the connection's handshake options added to its query string."""
    parts = urlsplit(ws_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, _query_value(options[name])) for name in QUERY_OPTIONS if name in options]
    query += [(name, _query_value(value)) for name, value in (options.get("query") or {}).items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


class Connection:
    """A named WebSocket client; frames wait in its inbox until a step takes them."""

    def __init__(self, name: str, options: dict[str, Any], ws_url: str) -> None:
        self.name = name
        self.options = options
        self.url = handshake_url(ws_url, options)
        self.received: list[Any] = []
        self.inbox: list[Any] = []
        self.closed: Closed | None = None
        self._socket: ClientConnection | None = None
        self._context = contextlib.ExitStack()

    @property
    def is_open(self) -> bool:
        """Whether the handshake has succeeded (the socket may have closed since)."""
        return self._socket is not None

    def open(self, timeout: float) -> None:
        """Do the handshake; `Refused` when the server answers it with an HTTP status."""
        try:
            self._socket = self._context.enter_context(
                connect(
                    self.url,
                    additional_headers=self.options.get("headers") or {},
                    subprotocols=self.options.get("subprotocols") or None,
                    open_timeout=timeout,
                    max_size=MAX_FRAME_BYTES,
                    compression=None,
                )
            )
        except InvalidStatus as refused:
            raise Refused(refused.response.status_code, bytes(refused.response.body or b"")) from refused
        except (OSError, TimeoutError) as error:
            raise Problem(f"cannot connect to {self.url}: {error}") from error

    def send_text(self, text: str) -> None:
        """Send one text frame."""
        if self.closed is not None:
            raise Problem(f"cannot send on {self.name!r}: it was closed ({self.closed.code})")
        try:
            self._open_socket().send(text)
        except ConnectionClosed as closed:
            self._note_close(closed)
            raise Problem(f"cannot send on {self.name!r}: closed with {self.closed}") from closed

    def take(self, request_id: Any, deadline: float) -> Any:
        """The next frame answering ``request_id`` (``None``: unsolicited frames), in arrival order.

        Other frames stay in the inbox. Raises ``TimeoutError`` at ``deadline`` and `Problem`
        when the connection closes first.
        """
        while True:
            for index, frame in enumerate(self.inbox):
                if frame.get("request_id") == request_id:
                    return self.inbox.pop(index)
            if not self._receive(deadline - time.monotonic()):
                raise TimeoutError

    def receive_all(self, seconds: float) -> None:
        """Put every frame that arrives within ``seconds`` (0: already there) into the inbox."""
        deadline = time.monotonic() + seconds
        while self.closed is None and self._receive(max(0.0, deadline - time.monotonic()), closing=True):
            pass

    def wait_close(self, deadline: float) -> Closed:
        """How the server closed the connection; frames before the close stay in the inbox."""
        while self.closed is None:
            if not self._receive(deadline - time.monotonic(), closing=True) and self.closed is None:
                raise TimeoutError
        return self.closed

    def close(self, code: int = 1000) -> None:
        """Close from the client side (nothing happens if it is closed already)."""
        if self._socket is not None:
            self._socket.close(code)
            self._context.close()
            if self.closed is None:
                self.closed = Closed(code, "closed by the client")

    def _open_socket(self) -> ClientConnection:
        if self._socket is None:
            raise Problem(f"connection {self.name!r} is not open")
        return self._socket

    def _note_close(self, closed: ConnectionClosed) -> None:
        if self.closed is None:
            rcvd = closed.rcvd
            self.closed = Closed(rcvd.code, rcvd.reason) if rcvd else Closed(NO_CLOSE_FRAME, "")

    def _receive(self, seconds: float, *, closing: bool = False) -> bool:
        """One frame into the inbox within ``seconds``; False when none came in time."""
        if self.closed is not None and not closing:
            raise Problem(
                f"connection {self.name!r} was closed: code {self.closed.code} {self.closed.reason!r}"
            )
        if self.closed is not None:
            return False
        try:
            data = self._open_socket().recv(timeout=max(0.0, seconds))
        except TimeoutError:
            return False
        except ConnectionClosed as closed:
            self._note_close(closed)
            if closing:
                return False
            raise Problem(
                f"connection {self.name!r} was closed by the server while frames were awaited: "
                f"code {self.closed.code if self.closed else '?'} "
                f"{self.closed.reason if self.closed else ''!r}"
            ) from closed
        self.inbox.append(self._checked(data))
        return True

    def _checked(self, data: str | bytes) -> Any:
        if isinstance(data, bytes):
            raise Problem(
                f"a binary frame arrived on {self.name!r}; the service sends text frames only",
                arrived=repr(data[:200]),
            )
        try:
            frame = json.loads(data)
        except json.JSONDecodeError as error:
            raise Problem(
                f"a frame that is not JSON arrived on {self.name!r}: {error}", arrived=data[:2000]
            ) from error
        self.received.append(frame)
        try:
            frame_contract().check_server_frame(frame)
        except ContractError as error:
            raise Problem(f"a frame on {self.name!r} does not conform to asyncapi.yaml:\n{error}") from error
        return frame
