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
from service.actions.outcome import Close, FanOut, Outcome, Publication, Timing
from service.channels.hub import ChannelHub, Recipient
from service.events.publisher import EventSink, Receipt
from service.traces.book import CURRENT, RequestTrace

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

    def __init__(self, *, hub: ChannelHub, events: EventSink, broker: bool = False) -> None:
        self._hub = hub
        self._events = events
        self._broker = broker
        """Records also go to a broker (Kafka), so a traced record gets a receipt."""

    def deliver(self, outcome: Outcome, requester: Requester | None = None) -> int:
        """Apply ``outcome``; the fan-out's audience (clients of its channel, or all), else 0.

        ``requester`` is ``None`` for REST. It never gets the fan-out: its own copy, with its
        ``request_id``, is among its replies.
        """
        fan_out = outcome.fan_out
        audience = 0
        trace = outcome.trace
        if trace is None and requester is None:
            trace = CURRENT.get()  # a REST request: its trace was opened around the handler
        if fan_out is not None:
            hub = self._hub
            audience = hub.total if fan_out.channel is None else hub.size(fan_out.channel)
            if fan_out.tally is not None:
                fan_out.tally["delivered"] = audience
        if requester is not None:
            if outcome.timing is not None:
                _schedule(outcome, outcome.timing, requester, trace)
            else:
                replies = outcome.replies
                if replies:
                    frames = [encode(frame) for frame in replies]
                    requester.offer_all(frames)
                    if trace is not None:
                        trace.sent(frames)
                if outcome.close is not None:
                    _close(outcome.close, requester, trace)
        if fan_out is not None:
            if fan_out.channel is None:
                reached = self._hub.to_everyone(fan_out.frame, exclude=requester)
            elif fan_out.present_only:
                reached = self._hub.to_present(fan_out.channel, fan_out.frame, exclude=requester)
            else:
                reached = self._hub.to_channel(fan_out.channel, fan_out.frame, exclude=requester)
            if trace is not None:
                _fanned_out(trace, fan_out, reached)
        records = outcome.records
        if records:
            self._publish(records, trace)
        return audience

    def publish(self, records: list[Publication]) -> None:
        """Hand records to the publishers (``fault.injected`` records of a connection or a
        ``Prefer``), in the current request's trace when there is one."""
        self._publish(records, CURRENT.get())

    def _publish(self, records: list[Publication], trace: RequestTrace | None) -> None:
        events = self._events
        if trace is None:
            for key, record in records:
                events.publish(record, key=key)
            return
        for key, record in records:
            receipt = Receipt() if self._broker else None
            events.publish(record, key=key, receipt=receipt)
            trace.add("event", "", {"event": record.event, "key": key, "receipt": receipt})


def _fanned_out(trace: RequestTrace, fan_out: FanOut, reached: int) -> None:
    where = "all channels" if fan_out.channel is None else f"channel {fan_out.channel}"
    whom = "present client(s)" if fan_out.present_only else "client(s)"
    fields = {"channel": fan_out.channel, "recipients": reached}
    trace.add("fan_out", f"fan-out to {reached} other {whom}, {where}", fields, fan_out.frame)


def _close(close: Close, requester: Requester, trace: RequestTrace | None) -> None:
    if trace is not None:
        trace.add(
            "close",
            f"closed the connection: {close.code} {close.reason}",
            {"code": close.code, "reason": close.reason},
        )
    log.warning(
        "closing a client: %s",
        close.reason,
        extra={"event.action": close.log_event, "channel": requester.channel},
    )
    requester.close(close.code, close.reason)


def _schedule(outcome: Outcome, timing: Timing, requester: Requester, trace: RequestTrace | None) -> None:
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
            if trace is not None:
                trace.sent(batch, fragments=fragments)

        return step

    if timing.gap and len(frames) > 1:
        for n, frame in enumerate(frames):
            requester.later(timing.delay + n * timing.gap, send([frame]))
        end = timing.delay + (len(frames) - 1) * timing.gap
    else:
        requester.later(timing.delay, send(frames))
        end = timing.delay
    if close is not None:
        requester.later(end, lambda: _close(close, requester, trace))
