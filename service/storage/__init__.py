"""Order store implementations: in memory (the default) and PostgreSQL."""

from __future__ import annotations

from service.orders.store import OrderStore
from service.settings import StoreSettings
from service.storage.memory import InMemoryOrderStore


def open_store(settings: StoreSettings) -> OrderStore:
    """The store the settings ask for: PostgreSQL when ``DATABASE_URL`` is set, else memory."""
    if settings.database_url:
        # Imported here so that the default, embedded setup never loads the database driver.
        from service.storage.postgres import PostgresOrderStore

        return PostgresOrderStore(settings)
    return InMemoryOrderStore()
