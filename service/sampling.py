"""A per-second budget: at most ``limit`` things each second, the rest of that second refused.

The action journal samples its log lines with it and the trace book the requests it traces, so
that under load each costs a bounded amount a second rather than an amount per request.
"""

from __future__ import annotations


class PerSecond:
    """At most ``limit`` :meth:`take` calls succeed in each whole second of a monotonic clock."""

    __slots__ = ("_second", "_taken", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._second = 0
        self._taken = 0

    def take(self, now: float) -> bool:
        """Spend one of the second that ``now`` falls in; ``False`` when none is left."""
        second = int(now)
        if second != self._second:
            self._second, self._taken = second, 0
        if self._taken >= self.limit:
            return False
        self._taken += 1
        return True
