"""The action log, kept off the request path.

Logging a line costs far more than answering an echo (a record, a copy for the queue, ECS JSON
formatting). So the request path only appends a tuple to a bounded buffer, and a background
task turns the buffer into log records a few times a second. Under load at most
``per_second`` actions are logged each second (``sample``, the default) and a line says how
many were skipped; ``all`` logs every action; ``off`` none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque

from service.sampling import PerSecond
from service.traces.book import CURRENT

log = logging.getLogger("service.actions")

MODES = ("sample", "all", "off")
_DRAIN_EVERY = 0.2

Entry = tuple[str, str | None, str | None, str | None, str]
"""(event, action, channel, request_id, message)"""


class ActionJournal:
    """Buffered, rate-bounded action log lines with ``request_id``, ``channel``, ``action``, ``event.action``."""

    def __init__(self, *, mode: str = "sample", per_second: int = 200) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self._mode = mode
        self._budget = PerSecond(per_second if mode == "sample" else 1 << 62)
        self._entries: deque[Entry] = deque(maxlen=max(per_second, 1) * 4 if mode == "sample" else 100_000)
        self.skipped = 0
        self._task: asyncio.Task[None] | None = None

    def record(
        self, event: str, *, action: str | None, channel: str | None, request_id: str | None, message: str
    ) -> None:
        """Note one action; never waits, never formats. The request being answered, when traced,
        gets the line at once, whatever the sampling does to the log."""
        trace = CURRENT.get()
        if trace is not None:
            trace.add("log", message, {"event": event})
        if self._mode == "off":
            return
        entries = self._entries
        if len(entries) == entries.maxlen or not self._budget.take(time.monotonic()):
            self.skipped += 1
            return
        entries.append((event, action, channel, request_id, message))

    def start(self) -> None:
        if self._mode != "off" and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.flush()

    def flush(self) -> None:
        """Write out everything buffered, and how many lines were skipped."""
        entries = self._entries
        while entries:
            event, action, channel, request_id, message = entries.popleft()
            log.info(
                message,
                extra={"event.action": event, "action": action, "channel": channel, "request_id": request_id},
            )
        if self.skipped:
            log.info(
                "%d action log lines skipped under load (LOG_ACTIONS=all logs every one)",
                self.skipped,
                extra={"event.action": "log.sampled", "skipped_lines": self.skipped},
            )
            self.skipped = 0

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(_DRAIN_EVERY)
            self.flush()
