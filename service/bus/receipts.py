"""Which broker offset each traced event record got: the bookkeeping behind a :class:`Receipt`.

Only records somebody watches (a traced request's) are tracked, by their place in their key's
line: a key's records reach the broker in the order they were published (a failed round puts
them back at the front), so the ``n``-th record of a key to enter the backlog after tracking
began is the ``n``-th of that key to be acknowledged. A key is tracked while it has watched
records in flight, and forgotten when it has none.
"""

from __future__ import annotations

from collections.abc import Mapping

from service.events.publisher import Receipt


class Receipts:
    """Receipts waiting for their record's acknowledgement, by key and place in the key's line."""

    __slots__ = ("_settled", "_watched")

    def __init__(self) -> None:
        self._watched: dict[bytes, dict[int, Receipt]] = {}
        self._settled: dict[bytes, int] = {}
        """Per tracked key: its records acknowledged since tracking began."""

    def __len__(self) -> int:
        return sum(len(waiting) for waiting in self._watched.values())

    def watch(self, key: bytes, queued: int, receipt: Receipt) -> None:
        """``receipt``'s record just entered the backlog, where ``key`` now has ``queued`` records
        (it included) waiting or in flight."""
        place = self._settled.setdefault(key, 0) + queued - 1
        self._watched.setdefault(key, {})[place] = receipt

    def settle(self, *, topic: str, placed: Mapping[bytes, list[tuple[int, int, int]]]) -> None:
        """A round acknowledged ``placed[key]``: ``(partition, first offset, count)`` runs of the
        key's records, from the front of its line."""
        watched = self._watched
        for key in watched.keys() & placed.keys():
            waiting = watched[key]
            place = self._settled[key]
            for partition, first, count in placed[key]:
                for offset in range(first, first + count):
                    receipt = waiting.pop(place, None)
                    if receipt is not None:
                        receipt.published(topic=topic, partition=partition, offset=offset)
                    place += 1
            if waiting:
                self._settled[key] = place
            else:
                del watched[key], self._settled[key]
