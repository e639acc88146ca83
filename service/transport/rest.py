"""REST handlers: read the request, call the domain, write the response."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from litestar import HttpMethod, Request, Response, get, patch, post, route
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from generated import rest_models as rest
from service import spec
from service.actions.context import RequestContext
from service.actions.frames import amount_text, timestamp_text
from service.actions.money import amount_of
from service.actions.notices import order_changed
from service.errors import OrderNotFound, UpgradeRequired, ValidationFailed
from service.orders.model import NewOrder, Order, OrderStatus
from service.runtime import Runtime
from service.transport import channels_rest, playground, traces_rest
from service.transport.params import int_param, json_body, single, str_param

SPECS = Path(__file__).resolve().parents[2] / "api_specs"


def _order(order: Order) -> rest.Order:
    return rest.Order(
        id=order.id,
        customer=order.customer,
        product=order.product,
        quantity=order.quantity,
        amount=amount_text(order.amount),
        status=rest.OrderStatus(order.status.value),
        created_at=timestamp_text(order.created_at),
        updated_at=timestamp_text(order.updated_at),
    )


def _order_id(raw: str) -> int:
    return int_param(raw, pointer="/path/id", bounds=spec.ORDER_ID)


@get("/health")
async def health(runtime: NamedDependency[Runtime]) -> rest.Health:
    return await runtime.health()


@get("/stats")
async def stats(runtime: NamedDependency[Runtime]) -> rest.Stats:
    return rest.Stats(
        total=runtime.hub.total, channels=runtime.hub.counts(), refused=rest.Refused(**runtime.hub.refused)
    )


@get("/orders")
async def list_orders(request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> list[rest.Order]:
    limit = int_param(
        single(request, "limit"),
        pointer="/query/limit",
        bounds=spec.ORDERS_LIMIT,
        default=spec.ORDERS_LIMIT_DEFAULT,
    )
    return [_order(order) for order in await runtime.orders.list_recent(limit)]


@post("/orders", status_code=201)
async def create_order(request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> rest.Order:
    body = await json_body(request, rest.CreateOrder)
    amount = amount_of(body.amount, pointer="/body/amount") if isinstance(body.amount, str) else Decimal("0")
    new = NewOrder(customer=body.customer, product=body.product, quantity=body.quantity, amount=amount)
    context = RequestContext.rest()
    change = await runtime.orders.create(new, context)
    runtime.delivery.deliver(order_changed(change, context, replies=[]))
    return _order(change.order)


@get("/orders/{order_id:str}")
async def get_order(order_id: FromPath[str], runtime: NamedDependency[Runtime]) -> rest.Order:
    number = _order_id(order_id)
    order = await runtime.orders.get(number)
    if order is None:
        raise OrderNotFound(number)
    return _order(order)


@patch("/orders/{order_id:str}/status")
async def change_order_status(
    order_id: FromPath[str], request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> rest.Order:
    number = _order_id(order_id)
    body = await json_body(request, rest.StatusChange)
    context = RequestContext.rest()
    change = await runtime.orders.change_status(number, OrderStatus(body.status.value), context)
    runtime.delivery.deliver(order_changed(change, context, replies=[]))
    return _order(change.order)


@get("/events")
async def list_events(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> list[rest.EventRecord]:
    limit = int_param(
        single(request, "limit"),
        pointer="/query/limit",
        bounds=spec.EVENTS_LIMIT,
        default=spec.EVENTS_LIMIT_DEFAULT,
    )
    event = single(request, "event")
    if event is not None and event not in spec.EVENT_NAMES:
        raise ValidationFailed(
            f"Parameter /query/event must be an event name, got {event[:40]!r}", pointer="/query/event"
        )
    request_id = str_param(
        single(request, "request_id"),
        pointer="/query/request_id",
        length=spec.REQUEST_ID_FILTER,
        required=False,
    )
    records = runtime.recent_events.query(limit=limit, event=event, request_id=request_id)
    return [
        rest.EventRecord(
            event=rest.EventName(r.event.value),
            ts=r.ts,
            request_id=r.request_id,
            channel=r.channel,
            data=r.data,
        )
        for r in records
    ]


@get("/ws", sync_to_thread=False)
def ws_without_upgrade() -> None:
    raise UpgradeRequired("/ws")


@get("/specs/openapi.yaml", sync_to_thread=False)
def openapi_spec() -> Response[bytes]:
    return Response((SPECS / "openapi.yaml").read_bytes(), media_type="application/yaml")


@get("/specs/asyncapi.yaml", sync_to_thread=False)
def asyncapi_spec() -> Response[bytes]:
    return Response((SPECS / "asyncapi.yaml").read_bytes(), media_type="application/yaml")


def _allow(path: str, methods: str) -> HTTPRouteHandler:
    # Litestar's own OPTIONS handler reports the methods of the first handler on a path only
    # (``Allow: GET, OPTIONS`` for ``/orders``), so every path gets its own, from the table.
    @route(path, http_method=[HttpMethod.OPTIONS], status_code=204, sync_to_thread=False)
    def options() -> Response[None]:
        return Response(None, status_code=204, headers={"Allow": methods})

    return options


_HANDLERS = [
    health,
    stats,
    *channels_rest.HANDLERS,
    list_orders,
    create_order,
    get_order,
    change_order_status,
    list_events,
    traces_rest.trace,
    ws_without_upgrade,
    openapi_spec,
    asyncapi_spec,
    *playground.HANDLERS,
]
_METHODS: dict[str, set[str]] = {}
for _handler in _HANDLERS:
    for _path in _handler.paths:
        _METHODS.setdefault(_path, {"OPTIONS"}).update(_handler.http_methods)

# The OPTIONS handlers go first: a path registered without one gets Litestar's own.
ROUTES = [*(_allow(path, ", ".join(sorted(methods))) for path, methods in _METHODS.items()), *_HANDLERS]
