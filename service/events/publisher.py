"""The event publisher interface. Implementations live in ``service.bus``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from generated.ws_messages import EventRecord


@dataclass(frozen=True, slots=True, kw_only=True)
class PublisherHealth:
    """What ``/health`` shows of a publisher."""

    status: str
    """``up``, ``down`` or ``disabled``."""
    published: int = 0
    buffered: int = 0
    dropped: int = 0
    topic: str | None = None
    error: str | None = None


class EventSink(Protocol):
    """Where the request path hands event records over. ``publish`` never blocks, never raises."""

    def publish(self, record: EventRecord, *, key: str) -> None:
        """Hand over one record; ``key`` keeps one order's (or one channel's) records in order."""


class EventPublisher(EventSink, Protocol):
    """Carries event records away from the request path.

    A publisher that cannot deliver now buffers (up to a bound) or counts what it drops.
    """

    async def start(self) -> None:
        """Begin delivering."""

    async def close(self) -> None:
        """Deliver what is buffered, within a bounded time, and stop."""

    def health(self) -> PublisherHealth:
        """Counts and state, for ``/health``."""


class Publishers:
    """Several publishers behind one: every record goes to each."""

    def __init__(self, *publishers: EventSink) -> None:
        self._publishers = publishers

    def publish(self, record: EventRecord, *, key: str) -> None:
        for publisher in self._publishers:
            publisher.publish(record, key=key)
