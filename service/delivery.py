"""The one place that applies an :class:`~service.actions.outcome.Outcome`, for WebSocket and REST.

In this order: the requester's frames (so it hears its own answer before anyone hears the
fan-out), its close if the protocol asked for one, the fan-out to the other clients (the frame
was encoded once), then the event records to the publishers. Nothing here waits: replies that
a fault delays (``simulate``) are handed to the connection's own timers, and the fan-out and
the records go at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from service.actions.frames import encode
from service.actions.outcome import Close, Outcome, Publication, Timing
from service.channels.hub import ChannelHub, Recipient
from service.events.publisher import EventSink

log = logging.getLogger("service.ws")


class Requester(Recipient, Protocol):
    """The connection a request came from."""

    def offer_all(self, frames: list[bytes]) -> None:
        """Send or queue several frames, in order, without waiting."""

    def offer_fragments(self, frame: bytes, fragments: int) -> None:
        """Send or queue one frame as ``fragments`` WebSocket fragments."""

    def later(self, delay: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` in ``delay`` seconds, unless the connection is gone by then."""


class Delivery:
    """Applies outcomes to the connections (through the hub) and to the publishers."""

    def __init__(self, *, hub: ChannelHub, events: EventSink) -> None:
        self._hub = hub
        self._events = events

    def deliver(self, outcome: Outcome, requester: Requester | None = None) -> int:
        """Apply ``outcome``; the fan-out's audience (clients of its channel, or all), else 0.

        ``requester`` is ``None`` for REST. It never gets the fan-out: its own copy, with its
        ``request_id``, is among its replies.
        """
        fan_out = outcome.fan_out
        audience = 0
        if fan_out is not None:
            hub = self._hub
            audience = hub.total if fan_out.channel is None else hub.size(fan_out.channel)
            if fan_out.tally is not None:
                fan_out.tally["delivered"] = audience
        if requester is not None:
            if outcome.timing is not None:
                _schedule(outcome, outcome.timing, requester)
            else:
                replies = outcome.replies
                if replies:
                    requester.offer_all([encode(frame) for frame in replies])
                if outcome.close is not None:
                    _close(outcome.close, requester)
        if fan_out is not None:
            if fan_out.channel is None:
                self._hub.to_everyone(fan_out.frame, exclude=requester)
            elif fan_out.present_only:
                self._hub.to_present(fan_out.channel, fan_out.frame, exclude=requester)
            else:
                self._hub.to_channel(fan_out.channel, fan_out.frame, exclude=requester)
        records = outcome.records
        if records:
            events = self._events
            for key, record in records:
                events.publish(record, key=key)
        return audience

    def publish(self, records: list[Publication]) -> None:
        """Hand records to the publishers (a connection's own ``fault.injected`` records)."""
        events = self._events
        for key, record in records:
            events.publish(record, key=key)


def _close(close: Close, requester: Requester) -> None:
    log.warning(
        "closing a client: %s",
        close.reason,
        extra={"event.action": close.log_event, "channel": requester.channel},
    )
    requester.close(close.code, close.reason)


def _schedule(outcome: Outcome, timing: Timing, requester: Requester) -> None:
    """Replies that wait (``delay``), pause between them (``gap``), go out in fragments, or are
    cut short by a close: each step on the connection's timers, in order."""
    frames = [encode(frame) for frame in outcome.replies]
    close = outcome.close
    if close is not None and timing.close_after is not None:
        frames = frames[: timing.close_after]
    fragments = timing.fragments

    def send(batch: list[bytes]) -> Callable[[], None]:
        def step() -> None:
            if fragments > 1:
                for frame in batch:
                    requester.offer_fragments(frame, fragments)
            elif batch:
                requester.offer_all(batch)

        return step

    if timing.gap and len(frames) > 1:
        for n, frame in enumerate(frames):
            requester.later(timing.delay + n * timing.gap, send([frame]))
        end = timing.delay + (len(frames) - 1) * timing.gap
    else:
        requester.later(timing.delay, send(frames))
        end = timing.delay
    if close is not None:
        requester.later(end, lambda: _close(close, requester))
