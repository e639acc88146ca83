"""The records a broker publisher still has to deliver: bounded, ordered per key, no I/O.

``publish`` on the request path only appends here; a sender takes a round from the front,
tries to deliver it and settles it. What failed goes back to the front of its key, ahead of
what arrived meanwhile, so one key's records reach the broker in the order they were published.

Records wait grouped by key (a list of values per key): a key is what keeps records in order
and picks the partition, so a round is built, partitioned and settled per key, and the only
work done per record is appending it (here, and to the broker's batch).
"""

from __future__ import annotations

from collections.abc import Mapping

Round = dict[bytes, list[bytes]]
"""One round of delivery: per key, its values in publish order."""


class Backlog:
    """Records waiting for delivery, at most ``limit`` of them counting the round in flight.

    At the bound the newest record is refused (and counted): the ones already waiting keep
    their order, and a round in flight is never cut short. A record over ``max_record_bytes``
    is refused too: the broker would refuse it on every retry and hold up its key forever.
    """

    __slots__ = (
        "_in_flight",
        "_in_flight_count",
        "_limit",
        "_max_record_bytes",
        "_waiting",
        "_waiting_count",
        "dropped",
        "published",
    )

    def __init__(self, *, limit: int, max_record_bytes: int) -> None:
        self._limit = limit
        self._max_record_bytes = max_record_bytes
        self._waiting: Round = {}
        self._waiting_count = 0
        self._in_flight: Round | None = None
        self._in_flight_count = 0
        self.published = 0
        self.dropped = 0

    def __len__(self) -> int:
        """Records not yet delivered: waiting plus in flight."""
        return self._waiting_count + self._in_flight_count

    @property
    def in_flight(self) -> int:
        """Records in the round being delivered."""
        return self._in_flight_count

    @property
    def waiting(self) -> int:
        """Records not yet handed to a round."""
        return self._waiting_count

    def count(self, key: bytes) -> int:
        """Records of ``key`` not yet delivered: waiting plus in flight."""
        in_flight = self._in_flight.get(key, ()) if self._in_flight is not None else ()
        return len(self._waiting.get(key, ())) + len(in_flight)

    def add(self, key: bytes, value: bytes) -> bool:
        """Queue ``value`` under ``key``; ``False`` (and one more ``dropped``) at the bound or when too large."""
        if (
            self._waiting_count + self._in_flight_count >= self._limit
            or len(key) + len(value) > self._max_record_bytes
        ):
            self.dropped += 1
            return False
        values = self._waiting.get(key)
        if values is None:
            self._waiting[key] = [value]
        else:
            values.append(value)
        self._waiting_count += 1
        return True

    def take(self, most: int) -> Round:
        """Start a round of up to ``most`` records, oldest keys first; one round at a time."""
        if self._in_flight is not None:
            raise RuntimeError("the previous round is not settled yet")
        taken: Round = {}
        count = 0
        while self._waiting and count < most:
            key = next(iter(self._waiting))
            values = self._waiting[key]
            room = most - count
            if len(values) <= room:
                del self._waiting[key]
            else:  # only part of this key fits: the rest stays first in line
                values, self._waiting[key] = values[:room], values[room:]
            taken[key] = values
            count += len(values)
        self._waiting_count -= count
        self._in_flight, self._in_flight_count = taken, count
        return taken

    def settle(self, delivered: Mapping[bytes, int]) -> int:
        """End the round: ``delivered[key]`` says how many of that key's records, from the
        front, reached the broker (a key missing counts as none).

        The rest of each key goes back to the front of its key, in order, so a key's order
        holds at the price of a possible duplicate (at-least-once). Returns how many records
        went back.
        """
        if self._in_flight is None:
            raise RuntimeError("no round in flight")
        unknown = delivered.keys() - self._in_flight.keys()
        if unknown:
            raise ValueError(f"outcomes for keys not in the round: {sorted(unknown)!r}")
        back = 0
        front: Round = {}
        for key, values in self._in_flight.items():
            done = delivered.get(key, 0)
            if not 0 <= done <= len(values):
                raise ValueError(f"{done} delivered of {len(values)} for key {key!r}")
            self.published += done
            if done < len(values):
                front[key] = values[done:] + self._waiting.pop(key, [])
                back += len(values) - done
        if front:  # back to the front of the line (dict order is the line)
            front.update(self._waiting)
            self._waiting = front
        self._waiting_count += back
        self._in_flight, self._in_flight_count = None, 0
        return back
