"""A connection's outbound queue: bounded, ordered, drained by a writer task only when needed.

Frames are handed over with :meth:`Outbox.offer`, which never waits. A writer task exists only
while frames are queued (a client that keeps up costs no task at all); it sends them in order.
A client that stops reading cannot slow anyone else down: its queue fills, and at the bound the
outbox gives up on it (``overflowed``) and asks the transport to close it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable

Send = Callable[[bytes], Awaitable[None]]


class Outbox:
    """Bounded, ordered, non-blocking delivery to one client."""

    __slots__ = ("_closed", "_frames", "_limit", "_on_overflow", "_send", "_sending", "_writer", "overflowed")

    def __init__(self, send: Send, *, limit: int, on_overflow: Callable[[], None]) -> None:
        self._send = send
        self._limit = limit
        # Made on first use: most clients keep up and never need one (a deque is ~600 bytes).
        self._frames: deque[bytes] | None = None
        self._sending = False
        self._writer: asyncio.Task[None] | None = None
        self._closed = False
        self._on_overflow = on_overflow
        self.overflowed = False

    def __len__(self) -> int:
        return len(self._frames) if self._frames else 0

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing being sent: a frame written now keeps its order."""
        return not self._frames and not self._sending

    def offer(self, frame: bytes) -> bool:
        """Queue a frame; ``False`` when the outbox is closed or has just overflowed."""
        if self._closed:
            return False
        frames = self._frames
        if frames is None:
            frames = self._frames = deque()
        if len(frames) >= self._limit:
            self.overflowed = True
            self._closed = True
            frames.clear()
            if self._writer is not None:
                self._writer.cancel()
            self._on_overflow()
            return False
        frames.append(frame)
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._drain())
        return True

    def close(self) -> None:
        """Take no more frames; what is queued is still sent."""
        self._closed = True

    def cancel(self) -> None:
        """Drop what is queued and stop sending."""
        self._closed = True
        self._frames = None
        if self._writer is not None:
            self._writer.cancel()

    async def drained(self, within: float) -> None:
        """Wait (up to ``within`` seconds) until the queue is sent or the writer stopped."""
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait({self._writer}, timeout=within)

    async def _drain(self) -> None:
        frames = self._frames
        assert frames is not None
        try:
            while frames:
                self._sending = True
                try:
                    await self._send(frames.popleft())
                finally:
                    self._sending = False
        finally:
            self._writer = None
