"""The action protocol: (request, origin) → the frames that answer it, in order.

Every accepted request is answered ``ack`` first and an ``event`` last; bad input is answered
with one ``error`` frame. Nothing here touches a socket: fan-out goes through the hub's
non-blocking outboxes, events through the publisher.
"""

from __future__ import annotations

import typing
from decimal import Decimal

from generated import ws_messages as wire
from service.actions.decode import RejectedFrame, decode_request
from service.actions.events import emit
from service.actions.frames import encode, error_frame, now, wire_order
from service.actions.journal import ActionJournal
from service.actions.orders import OrderDesk
from service.actions.session import Origin
from service.channels.hub import ChannelHub
from service.errors import ServiceError
from service.events.publisher import EventSink
from service.orders.model import NewOrder, OrderStatus

_ACTION_OF: dict[type, wire.ActionName] = {
    request_type: wire.ActionName(str(request_type.__struct_config__.tag))
    for request_type in typing.get_args(typing.get_args(wire.ClientFrame)[0])
}
Frames = list[wire.ServerFrame]


class ActionProtocol:
    """Answers WebSocket requests."""

    def __init__(
        self, *, orders: OrderDesk, hub: ChannelHub, events: EventSink, journal: ActionJournal | None = None
    ) -> None:
        self._orders = orders
        self._hub = hub
        self._events = events
        self._journal = journal if journal is not None else ActionJournal(mode="off")

    async def handle_text(self, data: str | bytes, origin: Origin) -> Frames:
        """Answer one text frame from a client of ``origin.channel``."""
        try:
            request = decode_request(data)
        except RejectedFrame as rejected:
            self._journal.record(
                "frame.rejected",
                action=None,
                channel=origin.channel,
                request_id=rejected.request_id,
                message=f"frame rejected ({rejected.error.code}): {rejected.error.message}",
            )
            return [error_frame(rejected.error, rejected.request_id)]
        request_id = request.request_id if isinstance(request.request_id, str) else None
        origin = Origin(request_id=request_id, channel=origin.channel, recipient=origin.recipient, ts=now())
        return await self.handle(request, origin)

    async def handle(self, request: wire.ClientFrame, origin: Origin) -> Frames:
        """Answer a decoded request: ``ack``, the action's frames, then ``event`` (or ``error``)."""
        action = _ACTION_OF[type(request)]
        if not origin.ts:
            origin.ts = now()
        frames: Frames = [wire.AckFrame(ts=origin.ts, request_id=origin.request_id, action=action)]
        try:
            frames.extend(await self._perform(request, origin))
        except ServiceError as error:
            frames.append(error_frame(error, origin.request_id))
        last = frames[-1]
        if isinstance(last, wire.EventFrame):
            event, outcome = last.event.value, "answered"
        else:
            event, outcome = "action.failed", f"failed ({last.code.value})"  # type: ignore[union-attr]
        self._journal.record(
            event,
            action=action.value,
            channel=origin.channel,
            request_id=origin.request_id,
            message=f"{action.value} {outcome} with {len(frames)} frames",
        )
        return frames

    async def _perform(self, request: wire.ClientFrame, origin: Origin) -> Frames:
        rid, ts = origin.request_id, origin.ts
        key = origin.channel or "rest"
        match request:
            case wire.EchoRequest(payload=payload):
                data = payload if isinstance(payload, dict) else {}
                return [
                    wire.EchoFrame(ts=ts, request_id=rid, data=data),
                    emit(self._events, wire.EventName.ws_echo, data, origin, key=key),
                ]
            case wire.TripletDemoRequest():
                return [
                    wire.StepFrame(ts=ts, request_id=rid, step=1),
                    wire.StepFrame(ts=ts, request_id=rid, step=2),
                    emit(self._events, wire.EventName.ws_triplet_demo, {"steps": 2}, origin, key=key),
                ]
            case wire.PingRequest():
                return [emit(self._events, wire.EventName.ws_pong, {}, origin, key=key)]
            case wire.BroadcastRequest(payload=wire.BroadcastPayload(message=message)):
                return self._broadcast(message, origin)
            case wire.GetOrderRequest(payload=wire.GetOrderPayload(id=order_id)):
                order = await self._orders.get(order_id)
                data = {"id": order_id, "found": order is not None}
                return [
                    wire.OrderFrame(ts=ts, request_id=rid, data=wire_order(order) if order else None),
                    emit(self._events, wire.EventName.order_viewed, data, origin, key=f"order-{order_id}"),
                ]
            case wire.ListOrdersRequest(payload=payload):
                limit = payload.limit if isinstance(payload, wire.ListOrdersPayload) else 10
                limit = limit if isinstance(limit, int) else 10
                orders = await self._orders.list_recent(limit)
                return [
                    wire.OrdersFrame(ts=ts, request_id=rid, data=[wire_order(o) for o in orders]),
                    emit(
                        self._events,
                        wire.EventName.order_listed,
                        {"count": len(orders), "limit": limit},
                        origin,
                        key=key,
                    ),
                ]
            case wire.CreateOrderRequest(payload=payload):
                amount = payload.amount if isinstance(payload.amount, str) else "0"
                new = NewOrder(
                    customer=payload.customer,
                    product=payload.product,
                    quantity=payload.quantity,
                    amount=Decimal(amount),
                )
                order, event = await self._orders.create(new, origin)
                return [wire.OrderFrame(ts=ts, request_id=rid, data=wire_order(order)), event]
            case wire.ChangeStatusRequest(payload=wire.ChangeStatusPayload(id=order_id, status=status)):
                change, event = await self._orders.change_status(order_id, OrderStatus(status.value), origin)
                return [wire.OrderFrame(ts=ts, request_id=rid, data=wire_order(change.order)), event]
        raise AssertionError(f"unhandled request {request!r}")  # pragma: no cover - the union is closed

    def _broadcast(self, message: str, origin: Origin) -> Frames:
        channel = origin.channel or "general"
        ts = origin.ts or now()
        others = encode(
            wire.BroadcastFrame(
                ts=ts, request_id=None, channel=channel, message=message, source=wire.Source.ws
            )
        )
        delivered = self._hub.to_channel(channel, others, exclude=origin.recipient) + 1
        own = wire.BroadcastFrame(
            ts=ts, request_id=origin.request_id, channel=channel, message=message, source=wire.Source.ws
        )
        data = {"channel": channel, "message": message, "delivered": delivered}
        return [own, emit(self._events, wire.EventName.ws_broadcast, data, origin, key=channel)]


def broadcast_from_rest(hub: ChannelHub, channel: str, message: str) -> int:
    """``POST /broadcast``: one ``broadcast`` frame, encoded once, to every client of ``channel``."""
    frame = encode(
        wire.BroadcastFrame(
            ts=now(), request_id=None, channel=channel, message=message, source=wire.Source.rest
        )
    )
    return hub.to_channel(channel, frame)
