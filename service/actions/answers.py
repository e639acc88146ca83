"""The answer to each action: a decoded request → an :class:`Outcome`, in the contract's order.

Every accepted request is answered ``ack`` first and an ``event`` last (or ``error`` after the
``ack`` when the action fails). Reading and changing orders awaits the store; nothing else is
touched — the fan-out and the event records are returned, not sent.
"""

from __future__ import annotations

import typing
from decimal import Decimal
from typing import Any

import msgspec

from generated import ws_messages as wire
from service.actions.context import RequestContext
from service.actions.frames import error_frame, event_frame, event_record, wire_order
from service.actions.journal import ActionJournal
from service.actions.notices import channel_broadcast, order_changed
from service.actions.order_desk import OrderDesk
from service.actions.outcome import Outcome
from service.errors import ServiceError
from service.orders.model import NewOrder, OrderStatus
from service.spec import DEFAULT_CHANNEL, HISTORY_LIMIT_DEFAULT, ORDERS_LIMIT_DEFAULT
from service.streams.history import PAGE_BYTES, ChannelHistory
from service.streams.presence import Roster

ACTION_OF: dict[type, wire.ActionName] = {
    request_type: wire.ActionName(str(request_type.__struct_config__.tag))
    for request_type in typing.get_args(typing.get_args(wire.ClientFrame)[0])
}
"""The ``action`` name of each generated request struct."""


class ActionAnswers:
    """Answers decoded requests; shared by every connection (it keeps no per-client state)."""

    def __init__(
        self,
        *,
        orders: OrderDesk,
        history: ChannelHistory | None = None,
        roster: Roster | None = None,
        journal: ActionJournal | None = None,
    ) -> None:
        self._orders = orders
        self._history = history if history is not None else ChannelHistory()
        self._roster = roster if roster is not None else Roster()
        self._journal = journal if journal is not None else ActionJournal(mode="off")

    async def answer(self, request: wire.ClientFrame, context: RequestContext) -> Outcome:
        """``ack``, the action's frames, then ``event`` (or ``error``)."""
        action = ACTION_OF[type(request)]
        replies: list[wire.ServerFrame] = [
            wire.AckFrame(ts=context.ts, request_id=context.request_id, action=action)
        ]
        try:
            outcome = await self._perform(request, context, replies)
        except ServiceError as error:
            del replies[1:]
            replies.append(error_frame(error, context.request_id))
            outcome = Outcome(replies)
        last = replies[-1]
        if isinstance(last, wire.EventFrame):
            event, result = last.event.value, "answered"
        else:
            event, result = "action.failed", f"failed ({last.code.value})"  # type: ignore[union-attr]
        self._journal.record(
            event,
            action=action.value,
            channel=context.channel,
            request_id=context.request_id,
            message=f"{action.value} {result} with {len(replies)} frames",
        )
        return outcome

    async def _perform(
        self, request: wire.ClientFrame, context: RequestContext, replies: list[wire.ServerFrame]
    ) -> Outcome:
        rid, ts = context.request_id, context.ts
        key = context.channel or "rest"
        match request:
            case wire.EchoRequest(payload=payload):
                data = payload if isinstance(payload, dict) else {}
                replies.append(wire.EchoFrame(ts=ts, request_id=rid, data=data))
                return _with_event(replies, wire.EventName.ws_echo, data, context, key)
            case wire.TripletDemoRequest():
                replies.append(wire.StepFrame(ts=ts, request_id=rid, step=1))
                replies.append(wire.StepFrame(ts=ts, request_id=rid, step=2))
                return _with_event(replies, wire.EventName.ws_triplet_demo, {"steps": 2}, context, key)
            case wire.PingRequest():
                return _with_event(replies, wire.EventName.ws_pong, {}, context, key)
            case wire.BroadcastRequest(payload=wire.BroadcastPayload(message=message)):
                return channel_broadcast(
                    message,
                    context.channel or DEFAULT_CHANNEL,
                    context,
                    replies=replies,
                    history=self._history,
                )
            case wire.HistoryRequest(payload=payload):
                return self._channel_history(payload, context, replies)
            case wire.PresenceRequest(payload=payload):
                channel = _target_channel(payload, context)
                members = self._roster.members(channel)
                replies.append(
                    wire.PresenceFrame(
                        ts=ts,
                        request_id=rid,
                        channel=channel,
                        members=[wire.PresenceMember(client_id=c, name=n) for c, n in members],
                    )
                )
                data = {"channel": channel, "count": len(members)}
                return _with_event(replies, wire.EventName.channel_presence, data, context, channel)
            case wire.GetOrderRequest(payload=wire.GetOrderPayload(id=order_id)):
                order = await self._orders.get(order_id)
                replies.append(
                    wire.OrderFrame(ts=ts, request_id=rid, data=wire_order(order) if order else None)
                )
                data = {"id": order_id, "found": order is not None}
                return _with_event(replies, wire.EventName.order_viewed, data, context, f"order-{order_id}")
            case wire.ListOrdersRequest(payload=payload):
                limit = payload.limit if isinstance(payload, wire.ListOrdersPayload) else ORDERS_LIMIT_DEFAULT
                limit = limit if isinstance(limit, int) else ORDERS_LIMIT_DEFAULT
                orders = await self._orders.list_recent(limit)
                replies.append(wire.OrdersFrame(ts=ts, request_id=rid, data=[wire_order(o) for o in orders]))
                data = {"count": len(orders), "limit": limit}
                return _with_event(replies, wire.EventName.order_listed, data, context, key)
            case wire.CreateOrderRequest(payload=payload):
                amount = payload.amount if isinstance(payload.amount, str) else "0"
                new = NewOrder(
                    customer=payload.customer,
                    product=payload.product,
                    quantity=payload.quantity,
                    amount=Decimal(amount),
                )
                return order_changed(await self._orders.create(new, context), context, replies=replies)
            case wire.ChangeStatusRequest(payload=wire.ChangeStatusPayload(id=order_id, status=status)):
                change = await self._orders.change_status(order_id, OrderStatus(status.value), context)
                return order_changed(change, context, replies=replies)
        raise AssertionError(f"unhandled request {request!r}")  # pragma: no cover - the union is closed

    def _channel_history(
        self,
        payload: wire.HistoryPayload | msgspec.UnsetType,
        context: RequestContext,
        replies: list[wire.ServerFrame],
    ) -> Outcome:
        channel = _target_channel(payload, context)
        since, limit = 0, HISTORY_LIMIT_DEFAULT
        if isinstance(payload, wire.HistoryPayload):
            since = payload.since if isinstance(payload.since, int) else 0
            limit = payload.limit if isinstance(payload.limit, int) else HISTORY_LIMIT_DEFAULT
        page = self._history.after(channel, since, limit=limit, max_bytes=PAGE_BYTES)
        replies.append(
            wire.HistoryFrame(
                ts=context.ts,
                request_id=context.request_id,
                channel=channel,
                epoch=page.epoch,
                offset=page.offset,
                complete=page.complete,
                # The frames as kept, already encoded: msgspec writes a Raw as it is.
                frames=[msgspec.Raw(frame) for frame in page.frames],  # type: ignore[misc]
            )
        )
        data = {"channel": channel, "since": since, "count": len(page.frames)}
        return _with_event(replies, wire.EventName.channel_history, data, context, channel)


def _target_channel(payload: object, context: RequestContext) -> str:
    """The payload's ``channel``, else the requester's own."""
    channel = getattr(payload, "channel", msgspec.UNSET)
    if isinstance(channel, str):
        return channel
    return context.channel or DEFAULT_CHANNEL


def _with_event(
    replies: list[wire.ServerFrame],
    name: wire.EventName,
    data: dict[str, Any],
    context: RequestContext,
    key: str,
) -> Outcome:
    """Close the answer with ``event name`` and publish its record under ``key``."""
    replies.append(event_frame(name, data, context.request_id, ts=context.ts))
    record = event_record(name, data, request_id=context.request_id, channel=context.channel, ts=context.ts)
    return Outcome(replies, [(key, record)])
