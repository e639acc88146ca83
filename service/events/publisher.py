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


class EventPublisher(Protocol):
    """Carries event records away from the request path.

    ``publish`` never blocks and never raises: a publisher that cannot deliver now buffers
    (up to a bound) or counts what it drops.
    """

    def publish(self, record: EventRecord, *, key: str) -> None:
        """Hand over one record; ``key`` keeps one order's (or one channel's) records in order."""

    async def start(self) -> None:
        """Begin delivering."""

    async def close(self) -> None:
        """Deliver what is buffered, within a bounded time, and stop."""

    def health(self) -> PublisherHealth:
        """Counts and state, for ``/health``."""


class Publishers:
    """Several publishers behind one: every record goes to each."""

    def __init__(self, *publishers: EventPublisher) -> None:
        self._publishers = publishers

    def publish(self, record: EventRecord, *, key: str) -> None:
        for publisher in self._publishers:
            publisher.publish(record, key=key)
