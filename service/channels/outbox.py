"""A connection's outbound side: a bounded queue drained by its own writer task.

Frames are handed over with :meth:`Outbox.offer`, which never waits; the writer sends them in
order. A client that stops reading cannot slow anyone else down: its queue fills, and at the
bound the outbox gives up on it (``overflowed``) and asks the transport to close it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

Send = Callable[[bytes], Awaitable[None]]


class Outbox:
    """Bounded, ordered, non-blocking delivery to one client."""

    __slots__ = ("_closed", "_frames", "_limit", "_on_overflow", "_send", "_sending", "_wakeup", "overflowed")

    def __init__(self, send: Send, *, limit: int, on_overflow: Callable[[], None]) -> None:
        self._send = send
        self._limit = limit
        self._frames: deque[bytes] = deque()
        self._sending = False
        self._wakeup = asyncio.Event()
        self._closed = False
        self._on_overflow = on_overflow
        self.overflowed = False

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing being sent: a frame written now keeps its order."""
        return not self._frames and not self._sending

    def offer(self, frame: bytes) -> bool:
        """Queue a frame; ``False`` when the outbox is closed or has just overflowed."""
        if self._closed:
            return False
        if len(self._frames) >= self._limit:
            self.overflowed = True
            self._closed = True
            self._frames.clear()
            self._wakeup.set()
            self._on_overflow()
            return False
        self._frames.append(frame)
        self._wakeup.set()
        return True

    def close(self) -> None:
        """Stop accepting frames; the writer sends what is queued, then ends."""
        self._closed = True
        self._wakeup.set()

    async def run(self) -> None:
        """The writer: send frames in order until closed and drained."""
        frames = self._frames
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while frames:
                self._sending = True
                try:
                    await self._send(frames.popleft())
                finally:
                    self._sending = False
            if self._closed:
                return
