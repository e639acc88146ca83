"""The records a broker publisher still has to deliver: bounded, ordered per key, no I/O.

``publish`` on the request path only appends here; a sender takes a round from the front,
tries to deliver it and settles it. What failed goes back to the front, ahead of what arrived
meanwhile, so one key's records reach the broker in the order they were published.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import NamedTuple


class Outgoing(NamedTuple):
    """One encoded record and its partitioning key (a tuple: one is made per event, on the request path)."""

    key: bytes
    value: bytes


class Backlog:
    """Records waiting for delivery, at most ``limit`` of them counting the round in flight.

    At the bound the newest record is refused (and counted): the ones already waiting keep
    their order, and a round in flight is never cut short. A record over ``max_record_bytes``
    is refused too: the broker would refuse it on every retry and hold up its key forever.
    """

    __slots__ = ("_in_flight", "_limit", "_max_record_bytes", "_waiting", "dropped", "published")

    def __init__(self, *, limit: int, max_record_bytes: int) -> None:
        self._limit = limit
        self._max_record_bytes = max_record_bytes
        self._waiting: deque[Outgoing] = deque()
        self._in_flight: list[Outgoing] = []
        self.published = 0
        self.dropped = 0

    def __len__(self) -> int:
        """Records not yet delivered: waiting plus in flight."""
        return len(self._waiting) + len(self._in_flight)

    @property
    def waiting(self) -> int:
        """Records not yet handed to a round."""
        return len(self._waiting)

    def add(self, record: Outgoing) -> bool:
        """Queue ``record``; ``False`` (and one more ``dropped``) at the bound or when too large."""
        if (
            len(self._waiting) + len(self._in_flight) >= self._limit
            or len(record.key) + len(record.value) > self._max_record_bytes
        ):
            self.dropped += 1
            return False
        self._waiting.append(record)
        return True

    def take(self, most: int) -> list[Outgoing]:
        """Start a round of up to ``most`` records from the front; one round at a time."""
        if self._in_flight:
            raise RuntimeError("the previous round is not settled yet")
        count = min(most, len(self._waiting))
        self._in_flight = [self._waiting.popleft() for _ in range(count)]
        return list(self._in_flight)

    def settle(self, delivered: Sequence[bool]) -> int:
        """End the round: ``delivered[i]`` says whether its ``i``-th record reached the broker.

        A failed record and every later record of the same key go back to the front, in order,
        so a key's order holds at the price of a possible duplicate (at-least-once). Returns
        how many records went back.
        """
        if len(delivered) != len(self._in_flight):
            raise ValueError(f"{len(delivered)} outcomes for a round of {len(self._in_flight)}")
        failed_keys: set[bytes] = set()
        retry: list[Outgoing] = []
        for record, ok in zip(self._in_flight, delivered, strict=True):
            if not ok or record.key in failed_keys:
                failed_keys.add(record.key)
                retry.append(record)
            else:
                self.published += 1
        self._in_flight = []
        self._waiting.extendleft(reversed(retry))
        return len(retry)
