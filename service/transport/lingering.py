"""A lingering close: after the server's last word, read and drop what the peer still sends.

Closing a socket that still has unread bytes makes the kernel answer with a reset, and a reset
can destroy the answer the peer has not read yet: a WebSocket close frame (1009 after a frame
that is too large) or an HTTP 431/408 problem. So the server keeps reading, without parsing,
until the peer has been quiet for ``quiet`` seconds, or ``limit`` seconds have passed, and only
then closes (RFC 6455 §7.1.1; RFC 9112 §9.6 calls this a staged close).
"""

from __future__ import annotations

import asyncio

QUIET_SECONDS = 0.25
"""A peer that sends nothing for this long has had its say. Not much shorter: on a busy machine
a client can be off the CPU for tens of milliseconds in the middle of sending a frame."""
LIMIT_SECONDS = 2.0
"""The longest a socket lingers, whatever the peer does."""


class Lingering:
    """Drops what arrives on ``transport`` and closes it once the peer is quiet or time is up."""

    __slots__ = ("_deadline", "_heard", "_loop", "_quiet", "_timer", "_transport")

    def __init__(
        self,
        transport: asyncio.Transport,
        loop: asyncio.AbstractEventLoop,
        *,
        quiet: float = QUIET_SECONDS,
        limit: float = LIMIT_SECONDS,
    ) -> None:
        self._transport = transport
        self._loop = loop
        self._quiet = quiet
        self._deadline = loop.time() + limit
        self._heard = True
        if not transport.is_reading():
            transport.resume_reading()
        self._timer: asyncio.TimerHandle | None = loop.call_later(quiet, self._check)

    def heard(self, data: bytes = b"") -> None:
        """The peer sent ``data`` (dropped). A read that is a WebSocket close frame is the peer's
        last word: the socket is closed at once rather than after a quiet spell."""
        self._heard = True
        if data and is_close_frame(data):
            self.cancel()
            self._transport.close()

    def cancel(self) -> None:
        """The connection is gone: stop the clock."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        self._timer = None
        if self._heard and self._loop.time() < self._deadline:
            self._heard = False
            self._timer = self._loop.call_later(self._quiet, self._check)
            return
        self._transport.close()


def is_close_frame(data: bytes) -> bool:
    """Whether ``data`` is exactly one masked close frame from a client (payload ≤ 125 bytes).

    A client answers the server's close frame with its own, in a read of its own (a round trip
    later): that read is the peer's last word. Nothing else is ever parsed, and a read that
    merely ends with such bytes (inside a frame's masked payload) does not count.
    """
    return len(data) >= 6 and data[0] == 0x88 and data[1] == 0x80 | (len(data) - 6) and len(data) <= 131
