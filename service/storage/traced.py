"""The order store, as the trace of the request that called it sees it: each operation with its
arguments, how long it took and what came of it."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from service.orders.model import NewOrder, Order, OrderStatus, StatusChange
from service.orders.store import OrderStore
from service.traces.book import CURRENT, RequestTrace

T = TypeVar("T")


class TracedStore:
    """An :class:`OrderStore` that adds a ``store`` step to the current request's trace."""

    def __init__(self, store: OrderStore) -> None:
        self._store = store
        self.backend = store.backend

    async def start(self) -> None:
        await self._store.start()

    async def close(self) -> None:
        await self._store.close()

    async def check(self) -> str | None:
        return await self._store.check()

    async def get(self, order_id: int) -> Order | None:
        return await _timed("get", {"order_id": order_id}, self._store.get(order_id))

    async def list_recent(self, limit: int) -> list[Order]:
        return await _timed("list_recent", {"limit": limit}, self._store.list_recent(limit))

    async def create(self, new: NewOrder) -> Order:
        return await _timed(
            "create", {"customer": new.customer, "product": new.product}, self._store.create(new)
        )

    async def change_status(self, order_id: int, status: OrderStatus) -> StatusChange:
        arguments = {"order_id": order_id, "status": status.value}
        return await _timed("change_status", arguments, self._store.change_status(order_id, status))


async def _timed(operation: str, arguments: dict[str, Any], call: Awaitable[T]) -> T:
    trace = CURRENT.get()
    if trace is None:
        return await call
    began = time.perf_counter()
    try:
        result = await call
    except Exception as error:
        _step(trace, operation, arguments, began, f"error: {type(error).__name__}: {error}")
        raise
    _step(trace, operation, arguments, began, _result(result))
    return result


def _step(trace: RequestTrace, operation: str, arguments: dict[str, Any], began: float, result: str) -> None:
    took = round((time.perf_counter() - began) * 1000, 3)
    fields = {"operation": operation, "arguments": arguments, "duration_ms": took, "result": result}
    trace.add("store", f"store.{operation}: {result}", fields)


def _result(result: object) -> str:
    if result is None:
        return "not found"
    if isinstance(result, list):
        return f"{len(result)} order(s)"
    if isinstance(result, Order):
        return f"order {result.id} ({result.status.value})"
    if isinstance(result, StatusChange):
        return f"order {result.order.id}: {result.previous.value} → {result.order.status.value}"
    return "ok"
