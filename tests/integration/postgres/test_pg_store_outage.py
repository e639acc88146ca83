"""The PostgreSQL store when the database goes away, never came, or hangs: every call fails with
StorageUnavailable within the bound, says why without the DSN, and heals by itself."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterator

import pytest

from service.errors import StorageUnavailable
from service.orders.model import NewOrder, OrderStatus
from service.settings import StoreSettings
from service.storage.postgres import PostgresOrderStore
from tests.support.postgres import through_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

BOUND = 3.0  # seconds: DB_TIMEOUT_SECONDS (2) and slack
HEAL_WITHIN = 10.0


def calls(store: PostgresOrderStore) -> dict[str, Callable[[], Awaitable[object]]]:
    return {
        "get": lambda: store.get(1),
        "list_recent": lambda: store.list_recent(10),
        "create": lambda: store.create(NewOrder(customer="c", product="p", quantity=1)),
        "change_status": lambda: store.change_status(1, OrderStatus.PAID),
    }


async def assert_unavailable_within_bound(store: PostgresOrderStore, dsn: str, label: str) -> None:
    for name, call in calls(store).items():
        began = time.monotonic()
        with pytest.raises(StorageUnavailable) as raised:
            await call()
        took = time.monotonic() - began
        print(f"[{label}] {name}: storage_unavailable after {took * 1000:.0f} ms")
        assert took < BOUND, f"{name} took {took:.2f}s"
        assert_no_secrets(raised.value.message, dsn)
    reason = await store.check()
    assert reason is not None
    assert_no_secrets(reason, dsn)


def assert_no_secrets(text: str, dsn: str) -> None:
    for secret in (dsn, "postgresql://", "postgres@", "SELECT", "orders WHERE", "Traceback", 'File "'):
        assert secret not in text, f"{secret!r} leaked in {text!r}"


async def heals(store: PostgresOrderStore) -> float:
    """Seconds until the store answers again (fails after HEAL_WITHIN)."""
    began = time.monotonic()
    while await store.check() is not None:
        assert time.monotonic() - began < HEAL_WITHIN, "the store did not heal"
        await asyncio.sleep(0.1)
    return time.monotonic() - began


async def test_a_cut_mid_run_fails_fast_and_heals(proxy: TcpProxy, session_database: str) -> None:
    dsn = through_port(session_database, proxy.port)
    store = PostgresOrderStore(StoreSettings(database_url=dsn))
    await store.start()
    try:
        assert await store.get(1) is not None
        proxy.cut()
        await assert_unavailable_within_bound(store, dsn, "cut")
        proxy.restore()
        print(f"[cut] healed {await heals(store) * 1000:.0f} ms after restore")
        order = await store.create(NewOrder(customer="After", product="outage", quantity=1))
        assert (await store.get(order.id)) == order
    finally:
        await store.close()


async def test_a_database_away_at_start_up_does_not_stop_the_store(
    proxy: TcpProxy, fresh_database: Callable[[], str]
) -> None:
    dsn = through_port(fresh_database(), proxy.port)
    proxy.cut()
    store = PostgresOrderStore(StoreSettings(database_url=dsn))
    began = time.monotonic()
    await store.start()  # must not raise
    assert time.monotonic() - began < BOUND
    try:
        assert await store.check() == "PostgreSQL refused the connection"
        await assert_unavailable_within_bound(store, dsn, "away at start-up")
        proxy.restore()
        print(f"[away at start-up] healed {await heals(store) * 1000:.0f} ms after restore")
        assert len(await store.list_recent(100)) == 5  # migrated and seeded once it could
    finally:
        await store.close()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port whose listener accepts TCP connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


async def test_a_database_that_never_answers_fails_within_the_timeout(silent_server: int) -> None:
    dsn = f"postgresql://postgres@127.0.0.1:{silent_server}/postgres"
    settings = StoreSettings(database_url=dsn, timeout_seconds=1)
    starting = PostgresOrderStore(settings)
    began = time.monotonic()
    await starting.start()  # gives up after the timeout, does not raise
    assert 0.9 < time.monotonic() - began < 1.5
    await starting.close()

    store = PostgresOrderStore(settings)  # no attempt in flight: the call waits its whole bound
    try:
        began = time.monotonic()
        with pytest.raises(StorageUnavailable, match="did not answer in time"):
            await store.get(1)
        took = time.monotonic() - began
        print(f"[silent server] storage_unavailable after {took * 1000:.0f} ms (DB_TIMEOUT_SECONDS=1)")
        assert 0.9 < took < 1.5
        began = time.monotonic()
        assert await store.check() == "PostgreSQL did not answer in time"
        assert time.monotonic() - began < 1.5
    finally:
        await store.close()


async def test_a_hung_database_fails_within_the_timeout_and_heals(
    proxy: TcpProxy, session_database: str
) -> None:
    dsn = through_port(session_database, proxy.port)
    store = PostgresOrderStore(StoreSettings(database_url=dsn, timeout_seconds=1))
    await store.start()
    try:
        assert await store.get(1) is not None
        proxy.stall()  # the pooled connection stays open; queries get no answer
        for attempt in range(2):  # the second call must not wait on the first one's leftovers
            began = time.monotonic()
            with pytest.raises(StorageUnavailable, match="did not answer in time"):
                await store.get(1)
            took = time.monotonic() - began
            print(
                f"[hung] get #{attempt + 1}: storage_unavailable after {took * 1000:.0f} ms (DB_TIMEOUT_SECONDS=1)"
            )
            assert took < 1.5
        proxy.resume()
        print(f"[hung] healed {await heals(store) * 1000:.0f} ms after resume")
        assert await store.get(1) is not None
    finally:
        await store.close()
