"""Building and encoding server frames from the generated structs."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec

from generated import ws_messages as wire
from service.errors import ServiceError
from service.orders.model import Order

_encoder = msgspec.json.Encoder()


_second = -1
_second_text = ""


def now() -> str:
    """The current time, RFC 3339 in UTC with microseconds and a ``Z``.

    Every frame carries one, so the formatted second is reused until the clock moves on.
    """
    global _second, _second_text
    stamp = time.time()
    second = int(stamp)
    if second != _second:
        _second, _second_text = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{_second_text}.{int((stamp - second) * 1_000_000):06d}Z"


def encode(frame: msgspec.Struct) -> bytes:
    """One frame as the UTF-8 text of a WebSocket message."""
    return _encoder.encode(frame)


def amount_text(amount: Decimal) -> str:
    """An amount as the spec's ``Money``: two decimal places."""
    return f"{amount:.2f}"


def timestamp_text(moment: datetime) -> str:
    """An aware UTC time as RFC 3339 with microseconds and a ``Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def wire_order(order: Order) -> wire.Order:
    """A domain order as the AsyncAPI ``Order``."""
    return wire.Order(
        id=order.id,
        customer=order.customer,
        product=order.product,
        quantity=order.quantity,
        amount=amount_text(order.amount),
        status=wire.OrderStatus(order.status.value),
        created_at=timestamp_text(order.created_at),
        updated_at=timestamp_text(order.updated_at),
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


def event_frame(
    name: wire.EventName, data: dict[str, Any], request_id: str | None, *, ts: str = ""
) -> wire.EventFrame:
    """An ``event`` frame made at ``ts`` (now when not given)."""
    return wire.EventFrame(ts=ts or now(), request_id=request_id, event=name, data=data)


def event_record(
    name: wire.EventName, data: dict[str, Any], *, request_id: str | None, channel: str | None, ts: str
) -> wire.EventRecord:
    """The record that carries an ``event`` frame's content to the publishers."""
    return wire.EventRecord(event=name, ts=ts, request_id=request_id, channel=channel, data=data)
