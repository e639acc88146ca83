"""Checks on orders shared by the store contract tests and the live concurrency tests."""

from __future__ import annotations

from service.orders.model import OrderStatus
from service.orders.status import NEXT


def assert_legal_chain(changes: list[tuple[OrderStatus, OrderStatus]], final: OrderStatus) -> None:
    """Each change starts where the one before ended, from ``created`` to ``final``: no lost update."""
    by_source = {}
    for previous, status in changes:
        assert status in NEXT[previous], f"illegal {previous} -> {status}"
        assert previous not in by_source, f"two changes from {previous}: a lost update ({changes})"
        by_source[previous] = status
    current = OrderStatus.CREATED
    while current in by_source:
        current = by_source.pop(current)
    assert not by_source, f"changes that do not follow one another: {changes}"
    assert current == final
