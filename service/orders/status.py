"""The order status machine: ``created → paid | cancelled``, ``paid → shipped | cancelled``,
``shipped → delivered``. Every other change is refused and changes nothing."""

from __future__ import annotations

from service.errors import InvalidTransition
from service.orders.model import OrderStatus

NEXT: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    OrderStatus.CREATED: (OrderStatus.PAID, OrderStatus.CANCELLED),
    OrderStatus.PAID: (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    OrderStatus.SHIPPED: (OrderStatus.DELIVERED,),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (),
}


def sources_of(target: OrderStatus) -> tuple[OrderStatus, ...]:
    """The statuses from which ``target`` may be reached."""
    return tuple(source for source, targets in NEXT.items() if target in targets)


def check_transition(order_id: int, current: OrderStatus, requested: OrderStatus) -> None:
    """Raise :class:`InvalidTransition` unless ``current → requested`` is allowed."""
    if requested not in NEXT[current]:
        raise InvalidTransition(
            order_id,
            current=current.value,
            requested=requested.value,
            allowed=[status.value for status in NEXT[current]],
        )
