"""The order store contract: the same tests on every implementation, through one fixture.

``memory`` is the embedded default; ``postgres`` runs on a database of this session's own
(see ``tests/support/postgres.py``), emptied before each test so every test starts from the
demo orders alone.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections import Counter, deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import msgspec
import pytest

from generated import rest_models as rest
from service.actions.decode import BODY, InputDecoder, RejectedFrame, decode_request
from service.errors import InvalidTransition, OrderNotFound, ValidationFailed
from service.orders.demo import DEMO_ORDERS
from service.orders.model import NewOrder, Order, OrderStatus, StatusChange
from service.orders.status import NEXT
from service.orders.store import OrderStore
from service.settings import StoreSettings
from service.storage.memory import InMemoryOrderStore
from service.storage.postgres import PostgresOrderStore
from tests.support.orders import assert_legal_chain

ALL_PAIRS = [(current, requested) for current in OrderStatus for requested in OrderStatus]


async def _empty_orders(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        if await connection.fetchval("SELECT to_regclass('orders') IS NOT NULL"):
            await connection.execute("TRUNCATE orders RESTART IDENTITY")
    finally:
        await connection.close()


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[OrderStore]:
    made: OrderStore
    if request.param == "memory":
        made = InMemoryOrderStore()
    else:
        dsn = request.getfixturevalue("session_database")
        await _empty_orders(dsn)
        made = PostgresOrderStore(StoreSettings(database_url=dsn))
    await made.start()
    try:
        yield made
    finally:
        await made.close()


def path_to(status: OrderStatus) -> list[OrderStatus]:
    """The legal changes that take a new order to ``status`` (shortest)."""
    paths: dict[OrderStatus, list[OrderStatus]] = {OrderStatus.CREATED: []}
    queue = deque([OrderStatus.CREATED])
    while queue:
        current = queue.popleft()
        for following in NEXT[current]:
            if following not in paths:
                paths[following] = [*paths[current], following]
                queue.append(following)
    return paths[status]


async def order_in(store: OrderStore, status: OrderStatus) -> Order:
    order = await store.create(NewOrder(customer="Contract Tester", product="Widget", quantity=2))
    for step in path_to(status):
        order = (await store.change_status(order.id, step)).order
    return order


def assert_utc(moment: datetime) -> None:
    assert moment.tzinfo is not None, moment
    assert moment.utcoffset() == timedelta(0), moment
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=1), moment


async def test_backend_is_named_and_healthy(store: OrderStore) -> None:
    assert store.backend in {"memory", "postgres"}
    assert await store.check() is None


async def test_a_new_store_holds_each_demo_order_once_with_its_status(store: OrderStore) -> None:
    orders = await store.list_recent(100)
    assert Counter(order.customer for order in orders) == Counter(new.customer for new, _ in DEMO_ORDERS)
    for order_id, (new, status) in enumerate(DEMO_ORDERS, start=1):
        got = await store.get(order_id)
        assert got is not None
        assert (got.customer, got.product, got.quantity, got.amount, got.status) == (
            new.customer,
            new.product,
            new.quantity,
            new.amount,
            status,
        )


async def test_starting_again_does_not_seed_again(store: OrderStore) -> None:
    await store.start()
    orders = await store.list_recent(100)
    assert len(orders) == len(DEMO_ORDERS)


async def test_get_returns_none_for_an_id_no_order_has(store: OrderStore) -> None:
    assert await store.get(987_654) is None
    assert await store.get(2**31) is None  # beyond any order id the API accepts


async def test_create_stores_a_new_order_in_status_created(store: OrderStore) -> None:
    new = NewOrder(customer="Anna Volkova", product="Desk lamp", quantity=3, amount=Decimal("1234567890.99"))
    order = await store.create(new)
    assert order.id > len(DEMO_ORDERS)
    assert (order.customer, order.product, order.quantity, order.status) == (
        "Anna Volkova",
        "Desk lamp",
        3,
        OrderStatus.CREATED,
    )
    assert await store.get(order.id) == order


async def test_amounts_are_exact_decimals(store: OrderStore) -> None:
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("9999999999.99")]
    created = [await store.create(NewOrder(customer="c", product="p", quantity=1, amount=a)) for a in amounts]
    default = await store.create(NewOrder(customer="c", product="p", quantity=1))
    for order, amount in zip(created, amounts, strict=True):
        stored = await store.get(order.id)
        assert stored is not None
        assert isinstance(stored.amount, Decimal)
        assert stored.amount == amount
    assert sum((o.amount for o in created[:2]), Decimal(0)) == Decimal("0.30")  # not 0.30000000000000004
    assert default.amount == Decimal("0.00")


async def test_timestamps_are_aware_utc(store: OrderStore) -> None:
    order = await store.create(NewOrder(customer="c", product="p", quantity=1))
    assert_utc(order.created_at)
    assert_utc(order.updated_at)
    assert order.updated_at == order.created_at
    for demo in await store.list_recent(100):
        assert_utc(demo.created_at)


async def test_list_is_newest_first_and_limited(store: OrderStore) -> None:
    made = [await store.create(NewOrder(customer=f"c{i}", product="p", quantity=1)) for i in range(3)]
    newest_two = await store.list_recent(2)
    assert [o.id for o in newest_two] == [made[2].id, made[1].id]
    everything = await store.list_recent(100)
    assert [o.id for o in everything[:3]] == [m.id for m in reversed(made)]
    assert len(everything) == 3 + len(DEMO_ORDERS)
    assert everything == sorted(everything, key=lambda o: (o.created_at, o.id), reverse=True)
    assert [o.id for o in await store.list_recent(1)] == [made[2].id]


@pytest.mark.parametrize(("current", "requested"), ALL_PAIRS, ids=[f"{c}->{r}" for c, r in ALL_PAIRS])
async def test_every_transition_is_allowed_or_refused_as_the_machine_says(
    store: OrderStore, current: OrderStatus, requested: OrderStatus
) -> None:
    order = await order_in(store, current)
    if requested in NEXT[current]:
        change = await store.change_status(order.id, requested)
        assert change.previous == current
        assert change.order.status == requested
        assert change.order.created_at == order.created_at
        assert change.order.updated_at >= order.updated_at
        assert_utc(change.order.updated_at)
        assert await store.get(order.id) == change.order
    else:
        with pytest.raises(InvalidTransition) as refused:
            await store.change_status(order.id, requested)
        assert refused.value.code == "invalid_transition"
        assert refused.value.details is not None
        assert refused.value.details["from"] == current.value
        assert await store.get(order.id) == order  # nothing changed, not even updated_at


async def test_changing_a_missing_order_raises_order_not_found(store: OrderStore) -> None:
    with pytest.raises(OrderNotFound) as missing:
        await store.change_status(987_654, OrderStatus.PAID)
    assert missing.value.order_id == 987_654
    with pytest.raises(OrderNotFound):
        await store.change_status(2**31, OrderStatus.PAID)


async def test_of_identical_concurrent_changes_exactly_one_wins(store: OrderStore) -> None:
    order = await order_in(store, OrderStatus.CREATED)
    results = await asyncio.gather(
        *(store.change_status(order.id, OrderStatus.PAID) for _ in range(10)), return_exceptions=True
    )
    won = [r for r in results if isinstance(r, StatusChange)]
    refused = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(won) == 1, results
    assert len(refused) == 9, results
    assert won[0].previous == OrderStatus.CREATED


async def test_concurrent_mixed_changes_make_one_legal_chain(store: OrderStore) -> None:
    orders = [await order_in(store, OrderStatus.CREATED) for _ in range(5)]
    wanted = [OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.SHIPPED, OrderStatus.DELIVERED] * 3
    calls = [(order.id, status) for order in orders for status in wanted]
    results = await asyncio.gather(*(store.change_status(i, s) for i, s in calls), return_exceptions=True)
    assert all(isinstance(r, StatusChange | InvalidTransition) for r in results), results
    for order in orders:
        changes = [
            r
            for (i, _), r in zip(calls, results, strict=True)
            if i == order.id and isinstance(r, StatusChange)
        ]
        final = await store.get(order.id)
        assert final is not None
        assert_legal_chain([(c.previous, c.order.status) for c in changes], final.status)


NAME_PROBES = [
    *(chr(code) for code in range(0x100)),
    *"\u2028\u2029\u200b\u200d\ufeff\ufffd\uffff\U0001f600\U0010ffff",
    "e\u0301",
    "'; DROP TABLE orders; --",
    "%s $1 \\x00 \\0",
    "\U0001f600" * 100,
]
"""Strings for ``customer`` and ``product``: every character up to U+00FF, the edges of Unicode,
and text that has troubled databases; each is offered at the door first."""
_CREATE_BODY: InputDecoder[rest.CreateOrder] = InputDecoder(rest.CreateOrder, source=BODY)


def admitted(text: str) -> bool:
    """Whether the contract lets ``text`` in as a name, by POST /orders and by create_order alike."""
    payload = {"customer": text, "product": text, "quantity": 1}
    frame = msgspec.json.encode({"action": "create_order", "payload": payload})
    try:
        _CREATE_BODY.decode(msgspec.json.encode(payload))
    except ValidationFailed:
        by_rest = False
    else:
        by_rest = True
    try:
        decode_request(frame)
    except RejectedFrame:
        by_ws = False
    else:
        by_ws = True
    assert by_rest == by_ws, f"REST and WebSocket disagree on {text!r}"
    return by_rest


async def test_every_name_the_contract_admits_is_kept_exactly(store: OrderStore) -> None:
    names = [probe for probe in NAME_PROBES if admitted(probe)]
    for name in names:
        order = await store.create(NewOrder(customer=name, product=name[::-1], quantity=1))
        assert (order.customer, order.product) == (name, name[::-1])
        assert await store.get(order.id) == order
    refused = [probe for probe in NAME_PROBES if probe not in names]
    # What the door refuses is exactly the control characters, so no store ever meets NUL.
    assert refused == [probe for probe in NAME_PROBES if unicodedata.category(probe[0]) == "Cc"]
