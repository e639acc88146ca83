"""The most recent event records, in memory, for ``GET /events``: events with no broker."""

from __future__ import annotations

from collections import deque

from generated.ws_messages import EventRecord
from service.events.publisher import Receipt


class RecentEvents:
    """A ring of the last ``capacity`` records; the oldest fall off."""

    def __init__(self, *, capacity: int = 1000) -> None:
        self._records: deque[EventRecord] = deque(maxlen=capacity)

    def publish(self, record: EventRecord, *, key: str, receipt: Receipt | None = None) -> None:
        self._records.append(record)

    def query(
        self, *, limit: int, event: str | None = None, request_id: str | None = None
    ) -> list[EventRecord]:
        """Up to ``limit`` records, newest first, filtered by event name and request id."""
        found: list[EventRecord] = []
        for record in reversed(self._records):
            if event is not None and record.event != event:
                continue
            if request_id is not None and record.request_id != request_id:
                continue
            found.append(record)
            if len(found) >= limit:
                break
        return found
