"""The one place that applies an :class:`~service.actions.outcome.Outcome`, for WebSocket and REST.

In this order: the requester's frames (so it hears its own answer before anyone hears the
fan-out), its close if the protocol asked for one, the fan-out to the other clients (the frame
was encoded once), then the event records to the publishers. Nothing here waits.
"""

from __future__ import annotations

import logging
from typing import Protocol

from service.actions.frames import encode
from service.actions.outcome import Outcome
from service.channels.hub import ChannelHub, Recipient
from service.events.publisher import EventSink

log = logging.getLogger("service.ws")


class Requester(Recipient, Protocol):
    """The connection a request came from."""

    def offer_all(self, frames: list[bytes]) -> None:
        """Send or queue several frames, in order, without waiting."""


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
            replies = outcome.replies
            if replies:
                requester.offer_all([encode(frame) for frame in replies])
            close = outcome.close
            if close is not None:
                log.warning(
                    "closing a client: %s",
                    close.reason,
                    extra={"event.action": close.log_event, "channel": requester.channel},
                )
                requester.close(close.code, close.reason)
        if fan_out is not None:
            if fan_out.channel is None:
                self._hub.to_everyone(fan_out.frame, exclude=requester)
            else:
                self._hub.to_channel(fan_out.channel, fan_out.frame, exclude=requester)
        records = outcome.records
        if records:
            events = self._events
            for key, record in records:
                events.publish(record, key=key)
        return audience
