"""Event records for tests that publish without a service in front."""

from __future__ import annotations

from typing import Any

from generated.ws_messages import EventName, EventRecord


def event_record(n: int, event: EventName = EventName.ws_echo, **data: Any) -> EventRecord:
    """Record number ``n`` (``request_id`` ``r-<n>``, ``data.n`` ``n``), from channel ``general``."""
    return EventRecord(
        event=event,
        ts="2026-01-01T12:00:00.000000Z",
        request_id=f"r-{n}",
        channel="general",
        data={"n": n, **data},
    )
