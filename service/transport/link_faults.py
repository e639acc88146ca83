"""The faults a client asked for at the handshake, applied to every frame of its connection:
``latency_ms`` and ``jitter_ms`` (each frame later, order kept) and ``drop_rate`` (frames
nobody on the connection asked for — broadcasts, order notifications — not sent). Random
choices come from the connection's ``seed`` when it gave one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from service.actions.faults import ConnectionFaults, dice


class _FrameType(msgspec.Struct):
    type: str = "?"


_frame_type = msgspec.json.Decoder(_FrameType)


class LinkFaults:
    """Latency, jitter and drops for one connection."""

    __slots__ = ("_drop_dice", "_drop_rate", "_jitter", "_jitter_dice", "_last_due", "_latency", "_report")

    def __init__(
        self, faults: ConnectionFaults, *, now: float, report: Callable[[dict[str, Any]], None]
    ) -> None:
        self._latency = faults.latency_ms / 1000
        self._jitter = faults.jitter_ms / 1000
        self._drop_rate = faults.drop_rate
        self._jitter_dice = dice(faults.seed, "jitter") if self._jitter else None
        self._drop_dice = dice(faults.seed, "drop") if self._drop_rate else None
        self._last_due = now
        self._report = report

    @property
    def delays(self) -> bool:
        """Frames to this client wait."""
        return bool(self._latency or self._jitter)

    def delay(self, now: float) -> float:
        """How long the next frame waits: never less than the frame before it (order kept)."""
        due = now + self._latency
        if self._jitter_dice is not None:
            due += self._jitter_dice.uniform(0, self._jitter)
        due = max(due, self._last_due)
        self._last_due = due
        return due - now

    def drops(self, frame: bytes) -> bool:
        """Whether this unsolicited frame is left out (and reported) under ``drop_rate``."""
        if self._drop_dice is None or self._drop_dice.random() >= self._drop_rate:
            return False
        try:
            kind = _frame_type.decode(frame).type
        except msgspec.DecodeError:  # pragma: no cover - every frame is one of ours
            kind = "?"
        self._report({"dropped": kind, "drop_rate": self._drop_rate})
        return True
