"""Writing frames straight into uvicorn's websockets-sansio connection, as ``websockets.broadcast``
does: no task switch per frame, and one ``write`` for all the frames that answer a request.

ASGI offers only ``await send(...)`` per frame. For a broadcast to a thousand clients that is a
thousand task wake-ups; for an echo it is three writes where one would do. When the server is
uvicorn with ``--ws websockets-sansio`` (the one ``python -m service`` runs), its ``send`` is a
bound method of a protocol holding the websockets ``ServerProtocol`` and the transport, and
frames can be written the way uvicorn itself writes them. Anything else — another server,
another implementation, ``WS_DIRECT_WRITE=0`` — falls back to plain ASGI sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from websockets.exceptions import InvalidState

_NEEDED = ("conn", "transport", "writable", "close_sent", "disconnected")
_NEEDED_OF_CONN = ("send_text", "data_to_send")


def missing_for_direct_writes(protocol: Any) -> str | None:
    """``None`` when a server's WebSocket protocol object allows direct writes, else what it lacks.

    The service checks this once at start-up, on a protocol object of the server's own class,
    and logs which write path is active, so an upgrade that renames an attribute cannot make
    every connection fall back to ASGI sends without a word.
    """
    if protocol is None:
        return "the ASGI send is not a method of the server's protocol"
    missing = [name for name in _NEEDED if not hasattr(protocol, name)]
    conn = getattr(protocol, "conn", None)
    missing += [f"conn.{name}" for name in _NEEDED_OF_CONN if conn is not None and not hasattr(conn, name)]
    return f"{type(protocol).__name__} has no {', '.join(missing)}" if missing else None


class DirectWriter:
    """Synchronous writes into one uvicorn websockets-sansio connection."""

    __slots__ = ("_conn", "_protocol", "_transport")

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol
        self._conn = protocol.conn
        self._transport = protocol.transport

    @classmethod
    def behind(cls, send: Any) -> DirectWriter | None:
        """The writer behind an ASGI ``send``, or ``None`` when it is not uvicorn's sansio one."""
        protocol = getattr(send, "__self__", None)
        return cls(protocol) if missing_for_direct_writes(protocol) is None else None

    def ready(self) -> bool:
        """Open, and the transport not pushing back (its buffer under the high-water mark)."""
        protocol = self._protocol
        return bool(protocol.writable.is_set() and not protocol.close_sent and not protocol.disconnected)

    def write(self, frames: Iterable[bytes]) -> bool:
        """Write every frame (UTF-8 JSON text) in one transport write; ``False`` if it is closing."""
        conn = self._conn
        try:
            for frame in frames:
                conn.send_text(frame)
        except InvalidState:
            return False
        self._transport.write(b"".join(conn.data_to_send()))
        return True

    def write_fragments(self, frame: bytes, fragments: int) -> bool:
        """One frame as ``fragments`` WebSocket fragments: a text frame, then continuations.

        The pieces split the bytes evenly; a UTF-8 character may straddle two of them, which
        RFC 6455 allows (only the whole message must be valid UTF-8).
        """
        conn = self._conn
        count = max(1, min(fragments, len(frame)))
        size = -(-len(frame) // count)
        pieces = [frame[start : start + size] for start in range(0, len(frame), size)]
        try:
            conn.send_text(pieces[0], fin=len(pieces) == 1)
            for n, piece in enumerate(pieces[1:], start=2):
                conn.send_continuation(piece, fin=n == len(pieces))
        except InvalidState:
            return False
        self._transport.write(b"".join(conn.data_to_send()))
        return True

    def abort(self) -> None:
        """Drop the connection at once (for a client that reads nothing, not even a close frame)."""
        self._transport.abort()
