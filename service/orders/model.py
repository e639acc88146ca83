"""What an order is."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


class OrderStatus(enum.StrEnum):
    """Where an order is in its life."""

    CREATED = "created"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOrder:
    """What a client gives to create an order."""

    customer: str
    product: str
    quantity: int
    amount: Decimal = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """A stored order. Timestamps are aware and in UTC; ``amount`` is exact."""

    id: int
    customer: str
    product: str
    quantity: int
    amount: Decimal
    status: OrderStatus
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """The result of a status change that happened."""

    order: Order
    previous: OrderStatus
