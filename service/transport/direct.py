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
        if protocol is None or not all(hasattr(protocol, name) for name in _NEEDED):
            return None
        if not (hasattr(protocol.conn, "send_text") and hasattr(protocol.conn, "data_to_send")):
            return None
        return cls(protocol)

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

    def abort(self) -> None:
        """Drop the connection at once (for a client that reads nothing, not even a close frame)."""
        self._transport.abort()
