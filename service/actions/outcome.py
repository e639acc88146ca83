"""What answering one frame (or one REST change) should do, as data: the Sans-I/O result.

The protocol returns an :class:`Outcome`; it never writes to a socket, a peer or a publisher.
``service.delivery`` applies it: the requester's frames first, then the fan-out, then the
event records.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from generated import ws_messages as wire


class FanOut(NamedTuple):
    """One frame for many clients, encoded once."""

    channel: str | None
    """The channel whose clients get it; ``None``: every connected client."""
    frame: bytes
    """The frame as the UTF-8 text of a WebSocket message."""
    tally: dict[str, Any] | None = None
    """Event data whose ``delivered`` is set to the audience when the fan-out is delivered."""


class Publication(NamedTuple):
    """One event record for the publishers; ``key`` keeps one order's (one channel's) in order."""

    key: str
    record: wire.EventRecord


class Close(NamedTuple):
    """Close the requester's connection after its frames."""

    code: int
    reason: str
    log_event: str
    """The ``event.action`` of the one warning line that says why."""


class Outcome:
    """Everything answering one request should do, in the order it is applied.

    ``replies`` go to the requester in contract order (``ack``, the action's frames, ``event``
    or ``error``); ``fan_out`` to the other clients; ``records`` to the publishers; ``close``
    ends the requester's connection after its replies.
    """

    __slots__ = ("close", "fan_out", "records", "replies")

    def __init__(
        self,
        replies: list[wire.ServerFrame],
        records: list[Publication] | None = None,
        *,
        fan_out: FanOut | None = None,
        close: Close | None = None,
    ) -> None:
        self.replies = replies
        self.records = records
        self.fan_out = fan_out
        self.close = close

    def __repr__(self) -> str:
        kinds = [type(frame).__name__ for frame in self.replies]
        return f"Outcome(replies={kinds}, fan_out={self.fan_out!r}, records={self.records!r}, close={self.close!r})"
