"""Building and encoding server frames from the generated structs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from generated import ws_messages as wire
from service.errors import ServiceError
from service.orders.model import Order

_encoder = msgspec.json.Encoder()


def now() -> str:
    """The current time, RFC 3339 in UTC with a ``Z``."""
    return datetime.now(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def encode(frame: msgspec.Struct) -> bytes:
    """One frame as the UTF-8 text of a WebSocket message."""
    return _encoder.encode(frame)


def wire_order(order: Order) -> wire.Order:
    """A domain order as the spec's ``Order``."""
    return wire.Order(
        id=order.id,
        customer=order.customer,
        product=order.product,
        quantity=order.quantity,
        amount=f"{order.amount:.2f}",
        status=wire.OrderStatus(order.status.value),
        created_at=order.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        updated_at=order.updated_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )


def error_frame(error: ServiceError, request_id: str | None) -> wire.ErrorFrame:
    """The ``error`` frame for any service error: the one WebSocket error mapping."""
    return wire.ErrorFrame(
        ts=now(),
        request_id=request_id,
        code=wire.ErrorCode(error.code),
        message=error.message,
        details=error.details if error.details is not None else msgspec.UNSET,
    )


def event_frame(name: wire.EventName, data: dict[str, Any], request_id: str | None) -> wire.EventFrame:
    return wire.EventFrame(ts=now(), request_id=request_id, event=name, data=data)
