"""Fan-out outcomes shared by WebSocket and REST: order notifications and channel broadcasts.

There is one path for every notification: a WebSocket action and a REST call build the same
:class:`~service.actions.outcome.Outcome` here, and ``service.delivery`` applies it. Everyone but
the requester gets the fan-out frame, with ``request_id: null``; the requester's own copy (with
its ``request_id``) is among its replies.
"""

from __future__ import annotations

import msgspec

from generated import ws_messages as wire
from service.actions.context import RequestContext
from service.actions.frames import encode, event_frame, event_record
from service.actions.order_desk import OrderChange
from service.actions.outcome import FanOut, Outcome
from service.streams.history import ChannelHistory


def order_changed(
    change: OrderChange, context: RequestContext, *, replies: list[wire.ServerFrame]
) -> Outcome:
    """An order change: for a WebSocket requester ``replies`` + ``order`` + ``event``; for every
    other client the ``event`` notification; one event record."""
    data = change.data
    if context.channel is not None:
        replies.append(wire.OrderFrame(ts=context.ts, request_id=context.request_id, data=change.wire_order))
        replies.append(event_frame(change.event, data, context.request_id, ts=context.ts))
    notification = encode(event_frame(change.event, data, None, ts=context.ts))
    return Outcome(replies, change.records, fan_out=FanOut(None, notification))


def channel_broadcast(
    message: str,
    channel: str,
    context: RequestContext,
    *,
    replies: list[wire.ServerFrame],
    history: ChannelHistory,
) -> Outcome:
    """A message to every client of ``channel``: it takes the channel's next offset and is kept
    in its history, as the frame the other clients get (``request_id: null``).

    From a WebSocket client: its replies get its own ``broadcast`` frame and ``event
    ws.broadcast`` (whose ``delivered`` is the channel's audience, the sender included), and
    one event record. From REST (``context.channel`` is ``None``): the fan-out only; its tally
    (``channel``, ``delivered``, ``offset``, ``epoch``) is the REST answer.
    """
    source = wire.Source.ws if context.channel is not None else wire.Source.rest
    ts = context.ts

    made: list[wire.BroadcastFrame] = []

    def build(epoch: str, offset: int) -> bytes:
        frame = wire.BroadcastFrame(
            ts=ts,
            request_id=None,
            channel=channel,
            message=message,
            source=source,
            offset=offset,
            epoch=epoch,
        )
        made.append(frame)
        return encode(frame)

    position, others = history.publish(channel, build)
    if context.channel is None:
        tally = {"channel": channel, "delivered": 0, "offset": position.offset, "epoch": position.epoch}
        return Outcome(replies, fan_out=FanOut(channel, others, tally))
    # The sender's own copy: the same frame with its request_id.
    replies.append(msgspec.structs.replace(made[0], request_id=context.request_id))
    data = {
        "channel": channel,
        "message": message,
        "delivered": 0,
        "offset": position.offset,
        "epoch": position.epoch,
    }
    name = wire.EventName.ws_broadcast
    replies.append(event_frame(name, data, context.request_id, ts=ts))
    record = event_record(name, data, request_id=context.request_id, channel=channel, ts=ts)
    return Outcome(replies, [(channel, record)], fan_out=FanOut(channel, others, data))


def presence_changed(
    name: wire.EventName, channel: str, client_id: str, shown_as: str, *, ts: str
) -> Outcome:
    """``event channel.joined`` or ``channel.left`` for the channel's presence clients (the one
    that came or went excluded by the delivery), and its record."""
    data = {"channel": channel, "client_id": client_id, "name": shown_as}
    frame = encode(event_frame(name, data, None, ts=ts))
    record = event_record(name, data, request_id=None, channel=channel, ts=ts)
    return Outcome([], [(channel, record)], fan_out=FanOut(channel, frame, present_only=True))
