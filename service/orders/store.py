"""The order store interface. Implementations live in ``service.storage``."""

from __future__ import annotations

from typing import Protocol

from service.orders.model import NewOrder, Order, OrderStatus, StatusChange


class OrderStore(Protocol):
    """Where orders live.

    Every method raises :class:`service.errors.StorageUnavailable` when the store cannot be
    reached, within a bounded time.
    """

    backend: str
    """``memory`` or ``postgres``: what ``/health`` reports."""

    async def start(self) -> None:
        """Connect, migrate and seed the demo orders (once)."""

    async def close(self) -> None:
        """Release connections."""

    async def get(self, order_id: int) -> Order | None:
        """The order with that id, or ``None``."""

    async def list_recent(self, limit: int) -> list[Order]:
        """Up to ``limit`` orders, newest first."""

    async def create(self, new: NewOrder) -> Order:
        """Store a new order in status ``created``."""

    async def change_status(self, order_id: int, status: OrderStatus) -> StatusChange:
        """Move an order to ``status`` atomically.

        Raises :class:`service.errors.OrderNotFound` or :class:`service.errors.InvalidTransition`;
        of concurrent calls that are each legal alone, only the legal sequence succeeds.
        """

    async def check(self) -> str | None:
        """``None`` when the store answers, else why it does not (no DSN, no SQL)."""
