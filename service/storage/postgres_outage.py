"""Which asyncpg failures mean "PostgreSQL cannot serve us now", in words a tester may read.

A reason never quotes the driver's message: those may carry the host, the user, the DSN or
SQL. It is picked from the failure's class, so it stays short and safe for ``/health`` and
for ``storage_unavailable`` answers.
"""

from __future__ import annotations

import socket

import asyncpg
from pogo_core.error import BadMigrationError

_BY_CLASS: tuple[tuple[type[BaseException], str], ...] = (
    (TimeoutError, "PostgreSQL did not answer in time"),
    (ConnectionRefusedError, "PostgreSQL refused the connection"),
    (socket.gaierror, "the PostgreSQL host name does not resolve"),
    (OSError, "PostgreSQL cannot be reached"),
    (asyncpg.PostgresConnectionError, "the connection to PostgreSQL was lost"),
    (asyncpg.InvalidCatalogNameError, "the database does not exist"),
    (asyncpg.InvalidAuthorizationSpecificationError, "PostgreSQL rejected the credentials"),
    (asyncpg.CannotConnectNowError, "PostgreSQL is starting up or shutting down"),
    (asyncpg.OperatorInterventionError, "PostgreSQL cancelled the query or ended the session"),
    (asyncpg.InsufficientResourcesError, "PostgreSQL has no free connections"),
    (asyncpg.UndefinedTableError, "the orders table is missing; it is created again on the next call"),
    (asyncpg.ClientConfigurationError, "DATABASE_URL is not a valid PostgreSQL URL"),
    (asyncpg.InterfaceError, "the connection to PostgreSQL is closed"),
)


def outage_reason(error: BaseException) -> str | None:
    """Why the store is unavailable, or ``None`` when ``error`` is no outage (a bug: let it rise)."""
    if isinstance(error, BadMigrationError):
        # The migration tool wraps whatever stopped it: a lost connection is an outage like any
        # other, and a migration PostgreSQL refuses leaves the store unusable all the same.
        cause = error.__cause__
        return (outage_reason(cause) if cause else None) or "the database schema could not be migrated"
    for kind, reason in _BY_CLASS:
        if isinstance(error, kind):
            return reason
    return None


def describe(error: BaseException) -> str:
    """For the log: the failure's class, and which migration failed; never the driver's message."""
    if isinstance(error, BadMigrationError):
        cause = f" ({type(error.__cause__).__name__})" if error.__cause__ else ""
        return f"{error}{cause}"  # "Failed to apply <migration id>"
    return type(error).__name__


def schema_missing(error: BaseException) -> bool:
    """Whether the database lost the tables (dropped, or a new database at the same URL)."""
    return isinstance(error, asyncpg.UndefinedTableError)
