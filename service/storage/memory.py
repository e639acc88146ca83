"""The embedded order store: in memory, seeded with the demo orders, lost on restart."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime

from service.errors import OrderNotFound
from service.orders.demo import DEMO_ORDERS
from service.orders.model import NewOrder, Order, OrderStatus, StatusChange
from service.orders.status import check_transition


class InMemoryOrderStore:
    """An :class:`~service.orders.store.OrderStore` in a dict. Safe under concurrent tasks."""

    backend = "memory"

    def __init__(self, *, seed: bool = True) -> None:
        self._orders: dict[int, Order] = {}
        self._next_id = 1
        self._lock = asyncio.Lock()
        self._seed = seed

    async def start(self) -> None:
        if self._seed and not self._orders:
            for new, status in DEMO_ORDERS:
                order = self._insert(new)
                self._orders[order.id] = dataclasses.replace(order, status=status)

    async def close(self) -> None:
        return None

    async def get(self, order_id: int) -> Order | None:
        return self._orders.get(order_id)

    async def list_recent(self, limit: int) -> list[Order]:
        newest_first = sorted(self._orders.values(), key=lambda o: (o.created_at, o.id), reverse=True)
        return newest_first[:limit]

    async def create(self, new: NewOrder) -> Order:
        return self._insert(new)

    async def change_status(self, order_id: int, status: OrderStatus) -> StatusChange:
        async with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                raise OrderNotFound(order_id)
            check_transition(order_id, order.status, status)
            changed = dataclasses.replace(order, status=status, updated_at=datetime.now(UTC))
            self._orders[order_id] = changed
            return StatusChange(order=changed, previous=order.status)

    async def check(self) -> str | None:
        return None

    def _insert(self, new: NewOrder) -> Order:
        now = datetime.now(UTC)
        order = Order(
            id=self._next_id,
            customer=new.customer,
            product=new.product,
            quantity=new.quantity,
            amount=new.amount,
            status=OrderStatus.CREATED,
            created_at=now,
            updated_at=now,
        )
        self._next_id += 1
        self._orders[order.id] = order
        return order
