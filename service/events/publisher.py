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


class Receipt:
    """What became of one event record on its way to a broker, for the request's trace:
    ``pending`` until the broker acknowledged it (``published``, at ``partition`` and
    ``offset``) or it was ``dropped`` (``reason`` says why)."""

    __slots__ = ("offset", "partition", "reason", "status", "topic")

    def __init__(self) -> None:
        self.status = "pending"
        self.topic: str | None = None
        self.partition: int | None = None
        self.offset: int | None = None
        self.reason: str | None = None

    def published(self, *, topic: str, partition: int, offset: int) -> None:
        self.status, self.topic, self.partition, self.offset = "published", topic, partition, offset

    def dropped(self, reason: str) -> None:
        self.status, self.reason = "dropped", reason


class EventSink(Protocol):
    """Where the request path hands event records over. ``publish`` never blocks, never raises."""

    def publish(self, record: EventRecord, *, key: str, receipt: Receipt | None = None) -> None:
        """Hand over one record; ``key`` keeps one order's (or one channel's) records in order.
        A sink that delivers to a broker reports on ``receipt``, when given, what became of it."""


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

    def publish(self, record: EventRecord, *, key: str, receipt: Receipt | None = None) -> None:
        for publisher in self._publishers:
            publisher.publish(record, key=key, receipt=receipt)
