"""What only the PostgreSQL store has: a schema, migrations, a seed that survives restarts."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import pytest
from pogo_core.error import BadMigrationError

from service.errors import StorageUnavailable
from service.orders.demo import DEMO_ORDERS
from service.orders.model import NewOrder
from service.settings import Settings, SettingsError, StoreSettings
from service.storage import open_store
from service.storage.postgres import PostgresOrderStore
from service.storage.postgres_outage import outage_reason
from service.storage.postgres_schema import MIGRATIONS

pytestmark = pytest.mark.postgres

MIGRATION_IDS = sorted(path.stem for path in MIGRATIONS.glob("*.sql"))
DEMO_CUSTOMERS = Counter(new.customer for new, _ in DEMO_ORDERS)


@asynccontextmanager
async def started(dsn: str) -> AsyncIterator[PostgresOrderStore]:
    store = PostgresOrderStore(StoreSettings(database_url=dsn))
    await store.start()
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def sql(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(dsn)
    try:
        yield connection
    finally:
        await connection.close()


async def customers(dsn: str) -> Counter[str]:
    async with sql(dsn) as connection:
        return Counter(row["customer"] for row in await connection.fetch("SELECT customer FROM orders"))


async def applied_migrations(dsn: str) -> list[str]:
    async with sql(dsn) as connection:
        rows = await connection.fetch("SELECT migration_id FROM _pogo_migration ORDER BY migration_id")
    return [row["migration_id"] for row in rows]


def test_database_url_selects_the_postgres_store() -> None:
    store = open_store(StoreSettings(database_url="postgresql://qa@db.invalid/orders"))
    assert isinstance(store, PostgresOrderStore)
    assert store.backend == "postgres"


def _migration_failed(cause: BaseException) -> BadMigrationError:
    try:
        raise BadMigrationError("Failed to apply 20261130_01_create-orders") from cause
    except BadMigrationError as error:
        return error


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            ConnectionRefusedError(111, "Connect call failed ('10.0.0.5', 5432)"),
            "PostgreSQL refused the connection",
        ),
        (TimeoutError(), "PostgreSQL did not answer in time"),
        (
            asyncpg.InvalidPasswordError("password authentication failed for user qa"),
            "rejected the credentials",
        ),
        (asyncpg.InvalidCatalogNameError('database "orders" does not exist'), "the database does not exist"),
        (_migration_failed(ConnectionResetError()), "PostgreSQL cannot be reached"),
        (
            _migration_failed(asyncpg.PostgresSyntaxError("syntax error")),
            "the database schema could not be migrated",
        ),
        (asyncpg.UniqueViolationError("duplicate key"), None),  # a bug, not an outage: it must surface as one
        (ValueError("bad argument"), None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else None,
)
def test_outage_reasons_are_short_and_never_quote_the_driver(
    error: BaseException, reason: str | None
) -> None:
    found = outage_reason(error)
    if reason is None:
        assert found is None
    else:
        assert found is not None
        assert reason in found
        assert str(error) not in found or not str(error)


def test_pool_and_timeout_settings_come_from_the_environment() -> None:
    env = {
        "DATABASE_URL": "postgresql://qa@db/orders",
        "DB_POOL_MIN": "2",
        "DB_POOL_MAX": "5",
        "DB_TIMEOUT_SECONDS": "3",
    }
    assert Settings.from_env(env).store == StoreSettings(
        database_url="postgresql://qa@db/orders", pool_min=2, pool_max=5, timeout_seconds=3
    )
    assert Settings.from_env({}).store == StoreSettings(
        database_url=None, pool_min=1, pool_max=10, timeout_seconds=2
    )
    with pytest.raises(SettingsError, match="DB_POOL_MIN"):
        Settings.from_env({"DB_POOL_MIN": "11"})
    with pytest.raises(SettingsError, match="DB_TIMEOUT_SECONDS"):
        Settings.from_env({"DB_TIMEOUT_SECONDS": "0"})


async def test_a_fresh_database_is_migrated_and_seeded_once(fresh_database: Callable[[], str]) -> None:
    dsn = fresh_database()
    async with started(dsn):
        pass
    assert await applied_migrations(dsn) == MIGRATION_IDS
    assert await customers(dsn) == DEMO_CUSTOMERS
    async with started(dsn) as again:  # a restart: migrations and seed are not repeated
        assert len(await again.list_recent(100)) == len(DEMO_ORDERS)
    assert await applied_migrations(dsn) == MIGRATION_IDS
    assert await customers(dsn) == DEMO_CUSTOMERS


async def test_two_stores_starting_at_once_migrate_and_seed_once(fresh_database: Callable[[], str]) -> None:
    dsn = fresh_database()
    first = PostgresOrderStore(StoreSettings(database_url=dsn))
    second = PostgresOrderStore(StoreSettings(database_url=dsn))
    await asyncio.gather(first.start(), second.start())
    try:
        assert await first.check() is None
        assert await second.check() is None
    finally:
        await asyncio.gather(first.close(), second.close())
    assert await applied_migrations(dsn) == MIGRATION_IDS
    assert await customers(dsn) == DEMO_CUSTOMERS


async def test_a_database_with_orders_of_its_own_is_not_seeded(fresh_database: Callable[[], str]) -> None:
    dsn = fresh_database()
    async with started(dsn) as store:
        own = await store.create(NewOrder(customer="Own Customer", product="Own product", quantity=1))
    async with sql(dsn) as connection:
        await connection.execute("DELETE FROM orders WHERE id <> $1", own.id)
    async with started(dsn) as store:
        assert [order.id for order in await store.list_recent(100)] == [own.id]


async def test_columns_are_exact_and_in_utc(session_database: str) -> None:
    async with started(session_database):
        pass
    async with sql(session_database) as connection:
        rows = await connection.fetch(
            "SELECT column_name, format_type(atttypid, atttypmod) FROM information_schema.columns"
            " JOIN pg_attribute ON attrelid = 'orders'::regclass AND attname = column_name"
            " WHERE table_name = 'orders'"
        )
    types: dict[str, str] = {name: kind for name, kind in rows}
    assert types["amount"] == "numeric(12,2)"
    assert types["created_at"] == types["updated_at"] == "timestamp with time zone"


async def test_a_database_that_lost_its_tables_is_migrated_again(fresh_database: Callable[[], str]) -> None:
    dsn = fresh_database()
    async with started(dsn) as store:
        async with sql(dsn) as connection:  # as if the database were dropped and made anew
            await connection.execute("DROP TABLE orders, _pogo_migration, _pogo_version")
        with pytest.raises(StorageUnavailable, match="orders table is missing"):
            await store.get(1)
        assert (await store.get(1)) is not None
    assert await customers(dsn) == DEMO_CUSTOMERS
