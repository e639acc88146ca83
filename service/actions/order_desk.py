"""Order use cases shared by WebSocket and REST: read, create and change orders.

A change returns what happened — the order, its previous status and the event record that
tells of it — not frames: who hears of it is decided by ``service.actions.notices`` and done
by ``service.delivery``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generated import ws_messages as wire
from service.actions.context import RequestContext
from service.actions.frames import event_record, wire_order
from service.actions.outcome import Publication
from service.orders.model import NewOrder, Order, OrderStatus
from service.orders.store import OrderStore


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderChange:
    """An order that was created or changed, and the event record of it."""

    order: Order
    previous: OrderStatus | None
    """The status before a status change; ``None`` for a new order."""
    wire_order: wire.Order
    """``order`` in its wire form, converted once for the answer, the notification and the record."""
    records: list[Publication]

    @property
    def event(self) -> wire.EventName:
        return self.records[0][1].event

    @property
    def data(self) -> dict[str, Any]:
        return self.records[0][1].data


class OrderDesk:
    """Reads and changes orders in the store; says what changed."""

    def __init__(self, *, store: OrderStore) -> None:
        self.store = store

    async def get(self, order_id: int) -> Order | None:
        return await self.store.get(order_id)

    async def list_recent(self, limit: int) -> list[Order]:
        return await self.store.list_recent(limit)

    async def create(self, new: NewOrder, context: RequestContext) -> OrderChange:
        """Store a new order (``order.created``)."""
        order = await self.store.create(new)
        as_wire = wire_order(order)
        return _change(order, None, as_wire, wire.EventName.order_created, {"order": as_wire}, context)

    async def change_status(self, order_id: int, status: OrderStatus, context: RequestContext) -> OrderChange:
        """Move an order to ``status`` (``order.status_changed``); the store refuses illegal moves."""
        change = await self.store.change_status(order_id, status)
        as_wire = wire_order(change.order)
        data = {"order": as_wire, "previous_status": change.previous.value}
        return _change(
            change.order, change.previous, as_wire, wire.EventName.order_status_changed, data, context
        )


def _change(
    order: Order,
    previous: OrderStatus | None,
    as_wire: wire.Order,
    name: wire.EventName,
    data: dict[str, Any],
    context: RequestContext,
) -> OrderChange:
    record = event_record(name, data, request_id=context.request_id, channel=context.channel, ts=context.ts)
    return OrderChange(
        order=order, previous=previous, wire_order=as_wire, records=[(f"order-{order.id}", record)]
    )
