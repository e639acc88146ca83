"""The PostgreSQL order store, through an asyncpg connection pool.

The database may be down when the service starts or go away while it runs: the service stays
up either way. Every call is bounded by ``DB_TIMEOUT_SECONDS`` (connecting, waiting for a free
connection and the query together) and fails with :class:`StorageUnavailable`; the schema is
migrated and seeded on the first call that reaches the database, and the pool reconnects on
its own once PostgreSQL is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import asyncpg

from service.errors import OrderNotFound, StorageUnavailable
from service.orders.model import NewOrder, Order, OrderStatus, StatusChange
from service.orders.status import check_transition, sources_of
from service.settings import StoreSettings
from service.storage import postgres_queries as sql
from service.storage.postgres_outage import describe, outage_reason, schema_missing
from service.storage.postgres_schema import prepare

log = logging.getLogger("service.storage")
# The pool logs a stack trace each time it fails to restore its idle connections; the store
# already says once, in its own words, that the database is away.
logging.getLogger("asyncpg.pool").setLevel(logging.ERROR)

_DOWN = {"event.action": "store.down"}
_UP = {"event.action": "store.up"}

MAX_ORDER_ID = 2_147_483_647
"""The column is ``integer``: a larger id names no order (and cannot be sent as a parameter)."""


class PostgresOrderStore:
    """An :class:`~service.orders.store.OrderStore` in PostgreSQL (``DATABASE_URL``)."""

    backend = "postgres"

    def __init__(self, settings: StoreSettings) -> None:
        if not settings.database_url:
            raise ValueError("the PostgreSQL store needs settings.database_url")
        self._dsn = settings.database_url
        self._settings = settings
        self._timeout = float(settings.timeout_seconds)
        self._pool: asyncpg.Pool[asyncpg.Record] | None = None
        self._prepared = False
        self._preparing: asyncio.Task[None] | None = None
        self._down: str | None = None

    async def start(self) -> None:
        # A database that is away is no reason to crash: the outage is logged, /health says
        # "down", and the next call tries again.
        with contextlib.suppress(StorageUnavailable):
            async with self._connection():
                pass

    async def close(self) -> None:
        if self._preparing is not None:
            self._preparing.cancel()
        if self._pool is not None:
            try:
                await asyncio.wait_for(self._pool.close(), self._timeout)
            except TimeoutError:
                self._pool.terminate()

    async def get(self, order_id: int) -> Order | None:
        if not 0 < order_id <= MAX_ORDER_ID:
            return None
        async with self._connection() as connection:
            row = await connection.fetchrow(sql.GET, order_id)
        return None if row is None else _order(row)

    async def list_recent(self, limit: int) -> list[Order]:
        async with self._connection() as connection:
            rows = await connection.fetch(sql.LIST, max(limit, 0))
        return [_order(row) for row in rows]

    async def create(self, new: NewOrder) -> Order:
        async with self._connection() as connection:
            row = await connection.fetchrow(sql.CREATE, new.customer, new.product, new.quantity, new.amount)
        assert row is not None  # INSERT ... RETURNING returns the row it inserted
        return _order(row)

    async def change_status(self, order_id: int, status: OrderStatus) -> StatusChange:
        if not 0 < order_id <= MAX_ORDER_ID:
            raise OrderNotFound(order_id)
        sources = [source.value for source in sources_of(status)]
        async with self._connection() as connection:
            row = await connection.fetchrow(sql.CHANGE_STATUS, order_id, status.value, sources)
        if row is None:
            raise OrderNotFound(order_id)
        previous = OrderStatus(row["previous"])
        if row["id"] is None:
            # Refused: the status it had, read under the row lock, does not lead to ``status``.
            check_transition(order_id, previous, status)
            raise AssertionError(f"{previous} -> {status} is allowed, yet not among sources_of({status})")
        return StatusChange(order=_order(row), previous=previous)

    async def check(self) -> str | None:
        try:
            async with self._connection() as connection:
                await connection.fetchval("SELECT 1")
        except StorageUnavailable:
            return self._down or "PostgreSQL is unavailable"
        return None

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.pool.PoolConnectionProxy[Any]]:
        """A pooled connection to a migrated database, all within the time bound."""
        try:
            async with asyncio.timeout(self._timeout):
                if not self._prepared or self._pool is None:
                    await asyncio.shield(self._preparation())
                assert self._pool is not None  # made by the preparation
                async with self._pool.acquire() as connection:
                    self._mark_up()
                    try:
                        yield connection
                    except (asyncio.CancelledError, TimeoutError):
                        # Cut short mid-query: drop the connection rather than wait, past the
                        # deadline, for PostgreSQL to confirm a cancel before it goes back to the pool.
                        connection.terminate()
                        raise
        except Exception as error:
            reason = outage_reason(error)
            if reason is None:
                raise
            if schema_missing(error):
                self._prepared = False
            self._mark_down(reason, error)
            raise StorageUnavailable(f"The order store is unavailable: {reason}; try again later") from None

    def _preparation(self) -> asyncio.Task[None]:
        # One attempt at a time, shared by every call that waits for it; a failed attempt is
        # followed by a new one on the next call.
        if self._preparing is None or self._preparing.done():
            self._preparing = asyncio.create_task(self._prepare())
        return self._preparing

    async def _prepare(self) -> None:
        # Its own connection, not a pooled one: closing it frees the migration lock for sure.
        connection = await asyncpg.connect(self._dsn, **self._connect_options())
        try:
            await prepare(connection)
        finally:
            with contextlib.suppress(Exception):  # a connection that broke is dropped all the same
                await connection.close(timeout=self._timeout)
        if self._pool is None:
            # Made once, after the first success: from then on the pool reconnects by itself.
            self._pool = await asyncpg.create_pool(
                self._dsn,
                min_size=self._settings.pool_min,
                max_size=self._settings.pool_max,
                **self._connect_options(),
            )
        self._prepared = True

    def _connect_options(self) -> dict[str, Any]:
        # connect and command timeouts bound what runs outside a call's own deadline: the
        # pool's background reconnects and the migrations.
        return {
            "timeout": self._timeout,
            "command_timeout": self._timeout,
            "server_settings": {"application_name": "qa-kit-ws"},
        }

    def _mark_down(self, reason: str, error: Exception) -> None:
        if reason != self._down:
            # No exc_info: the driver's messages and stack frames may carry the DSN.
            log.warning("order store unavailable: %s (%s)", reason, describe(error), extra=_DOWN)
        self._down = reason

    def _mark_up(self) -> None:
        if self._down is not None:
            log.info("order store available again", extra=_UP)
            self._down = None


def _order(row: Mapping[str, Any]) -> Order:
    return Order(
        id=row["id"],
        customer=row["customer"],
        product=row["product"],
        quantity=row["quantity"],
        amount=row["amount"],
        status=OrderStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
