"""One connection's timers: fired in the order they are due (ties in the order they were set),
and all cancelled at once when the connection goes.

Faults delay a connection's frames (a request's ``delay_ms``/``gap_ms``, the handshake's
``latency_ms``); several frames may fall due at the same instant and must still go out in
order, which asyncio's own timers do not promise for equal times. One event-loop timer at a
time serves the whole queue, and none is left behind when the connection closes.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections.abc import Callable

log = logging.getLogger("service.ws")


class Timers:
    """A due-ordered queue of callbacks on the running loop."""

    __slots__ = ("_handle", "_loop", "_queue", "_set")

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._set = 0
        self._handle: asyncio.TimerHandle | None = None

    def __len__(self) -> int:
        return len(self._queue)

    def at(self, delay: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` ``delay`` seconds from now."""
        due = self._loop.time() + max(delay, 0.0)
        self._set += 1
        heapq.heappush(self._queue, (due, self._set, callback))
        if self._queue[0][1] == self._set:  # the new one is the earliest: wake up for it
            self._arm()

    def cancel(self) -> None:
        """Forget every callback; none will be called."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._queue.clear()

    def _arm(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._handle = self._loop.call_at(self._queue[0][0], self._fire) if self._queue else None

    def _fire(self) -> None:
        self._handle = None
        now = self._loop.time()
        queue = self._queue
        while queue and queue[0][0] <= now:
            _, _, callback = heapq.heappop(queue)
            try:
                callback()
            except Exception:
                log.exception(
                    "a delayed frame could not be sent", extra={"event.action": "ws.internal_error"}
                )
        if queue and self._handle is None:
            self._arm()
