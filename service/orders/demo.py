"""The demo orders every fresh store starts with, so a new user has data to read."""

from __future__ import annotations

from decimal import Decimal

from service.orders.model import NewOrder, OrderStatus

DEMO_ORDERS: tuple[tuple[NewOrder, OrderStatus], ...] = (
    (
        NewOrder(customer="Ivan Petrov", product="Mechanical keyboard", quantity=1, amount=Decimal("89.90")),
        OrderStatus.CREATED,
    ),
    (
        NewOrder(customer="Maria Ivanova", product="USB-C hub", quantity=2, amount=Decimal("45.00")),
        OrderStatus.PAID,
    ),
    (
        NewOrder(customer="Alexey Smirnov", product="27-inch monitor", quantity=1, amount=Decimal("249.00")),
        OrderStatus.SHIPPED,
    ),
    (
        NewOrder(customer="Olga Kuznetsova", product="Wireless mouse", quantity=3, amount=Decimal("59.70")),
        OrderStatus.DELIVERED,
    ),
    (
        NewOrder(customer="Dmitry Sokolov", product="Laptop stand", quantity=1, amount=Decimal("35.50")),
        OrderStatus.CANCELLED,
    ),
)
"""(order, status it is in): one order in each status, so every transition can be tried."""
