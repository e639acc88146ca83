"""The orders schema in PostgreSQL: migrated with pogo, then seeded with the demo orders once.

Migrations are plain SQL files in ``migrations/`` (pogo's format: ``-- migrate: apply`` and
``-- migrate: rollback`` sections); pogo records each one it applied in ``public._pogo_migration``
and never applies it twice. Every start of the service runs :func:`prepare`; when nothing is
new it costs a few queries.
"""

from __future__ import annotations

import logging
from pathlib import Path

import asyncpg
from pogo_core.util import migrate

from service.orders.demo import DEMO_ORDERS

MIGRATIONS = Path(__file__).with_name("migrations")
"""The SQL migrations, applied in the order their ``-- depends:`` lines give."""

# Several service processes may start at once against one database; pogo itself does not lock,
# so they take turns. The key is arbitrary but fixed ("QAKit" in ASCII).
_MIGRATION_LOCK = 0x51414B6974

log = logging.getLogger("service.storage.migrations")


async def prepare(connection: asyncpg.Connection) -> None:
    """Migrate the schema and seed the demo orders into a database that has no orders.

    Idempotent, and safe to run from several processes at once. The advisory lock is a session
    lock: it goes away with ``connection``, so a process that dies while holding it frees it.
    """
    await connection.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await migrate.apply(connection, MIGRATIONS, schema_name="public", logger=log)
        await _seed_demo_orders(connection)
    finally:
        if not connection.is_closed():
            await connection.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)


async def _seed_demo_orders(connection: asyncpg.Connection) -> None:
    # Only an empty table is seeded: a database with orders of its own keeps exactly those,
    # and a restart never adds the demo orders a second time.
    async with connection.transaction():
        if await connection.fetchval("SELECT EXISTS (SELECT 1 FROM orders)"):
            return
        await connection.executemany(
            "INSERT INTO orders (customer, product, quantity, amount, status) VALUES ($1, $2, $3, $4, $5)",
            [
                (new.customer, new.product, new.quantity, new.amount, status.value)
                for new, status in DEMO_ORDERS
            ],
        )
    log.info("seeded %d demo orders", len(DEMO_ORDERS), extra={"event.action": "store.seeded"})
