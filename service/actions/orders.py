"""Order use cases shared by WebSocket and REST: the store, plus lifecycle notifications.

A change (``order.created``, ``order.status_changed``) reaches every connected client whatever
its channel, with ``request_id: null`` for everyone but the requester, whether it came over
WebSocket or REST, and is published once as an event record.
"""

from __future__ import annotations

from typing import Any

from generated import ws_messages as wire
from service.actions.events import emit
from service.actions.frames import encode, event_frame, wire_order
from service.actions.session import Origin
from service.channels.hub import ChannelHub
from service.events.publisher import EventSink
from service.orders.model import NewOrder, Order, OrderStatus, StatusChange
from service.orders.store import OrderStore


class OrderDesk:
    """Reads and changes orders; announces every change."""

    def __init__(self, *, store: OrderStore, hub: ChannelHub, events: EventSink) -> None:
        self.store = store
        self._hub = hub
        self._events = events

    async def get(self, order_id: int) -> Order | None:
        return await self.store.get(order_id)

    async def list_recent(self, limit: int) -> list[Order]:
        return await self.store.list_recent(limit)

    async def create(self, new: NewOrder, origin: Origin) -> tuple[Order, wire.EventFrame]:
        """Create an order; returns it and the requester's ``event order.created`` frame."""
        order = await self.store.create(new)
        data = {"order": wire_order(order)}
        return order, self._announce(wire.EventName.order_created, data, order.id, origin)

    async def change_status(
        self, order_id: int, status: OrderStatus, origin: Origin
    ) -> tuple[StatusChange, wire.EventFrame]:
        """Change an order's status; returns the change and the requester's event frame."""
        change = await self.store.change_status(order_id, status)
        data = {"order": wire_order(change.order), "previous_status": change.previous.value}
        return change, self._announce(wire.EventName.order_status_changed, data, order_id, origin)

    def _announce(
        self, name: wire.EventName, data: dict[str, Any], order_id: int, origin: Origin
    ) -> wire.EventFrame:
        own = emit(self._events, name, data, origin, key=f"order-{order_id}")
        notification = encode(event_frame(name, data, None))
        self._hub.to_everyone(notification, exclude=origin.recipient)
        return own
