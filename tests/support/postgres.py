"""PostgreSQL for tests: a pytest plugin (``pytest_plugins = ["tests.support.postgres"]``).

Where the server is: ``TEST_DATABASE_URL``, else ``DATABASE_URL``, else the local server at
127.0.0.1:5432 (trust auth, user ``postgres``, database ``postgres`` or ``test``) that this
machine and CI run. Every test that needs it gets a database of its own making, named
``qakit_<random hex>``, dropped at the end of the session, so runs never meet and a "fresh
database" is really fresh. When no server answers, those tests are skipped and the terminal
summary says so loudly: a green run that never touched PostgreSQL must not pass unnoticed.

PYTEST_DONT_REWRITE: the module holds no assertions, and test modules import its helpers before
pytest loads it as a plugin (rewriting it then would only warn).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
import secrets
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

_T = TypeVar("_T")
LOCAL_SERVERS = (
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://postgres@127.0.0.1:5432/test",
)


@dataclass
class ServerProbe:
    """Which admin DSN answered, or why none did."""

    dsn: str | None
    tried: list[str]
    reason: str = ""


def run_sync(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` to the end on a loop of its own (callable from sync fixtures and hooks)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def with_database(dsn: str, name: str) -> str:
    """``dsn`` naming database ``name`` instead."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


def with_address(dsn: str, host: str, port: int) -> str:
    """``dsn`` pointing at ``host:port`` instead (user, password and database kept)."""
    parts = urlsplit(dsn)
    userinfo = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{host}:{port}" if userinfo else f"{host}:{port}"))


def through_port(dsn: str, port: int) -> str:
    """``dsn`` reaching its database through a proxy on ``127.0.0.1:port``."""
    return with_address(dsn, "127.0.0.1", port)


def address_of(dsn: str) -> tuple[str, int]:
    parts = urlsplit(dsn)
    return parts.hostname or "127.0.0.1", parts.port or 5432


@functools.cache
def probe() -> ServerProbe:
    """The first configured or local server that accepts a connection (asked once per session)."""
    configured = [dsn for dsn in (os.environ.get("TEST_DATABASE_URL"), os.environ.get("DATABASE_URL")) if dsn]
    candidates = configured or list(LOCAL_SERVERS)
    reasons = []
    for dsn in candidates:
        try:
            run_sync(_ping(dsn))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            reasons.append(f"{_safe(dsn)}: {type(error).__name__}: {error}")
            continue
        return ServerProbe(dsn=dsn, tried=candidates)
    return ServerProbe(dsn=None, tried=candidates, reason="; ".join(reasons))


async def _ping(dsn: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=3)
    await connection.close()


def _safe(dsn: str) -> str:
    parts = urlsplit(dsn)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


class Databases:
    """Creates ``qakit_<hex>`` databases on one server and drops them all at the end."""

    def __init__(self, admin_dsn: str) -> None:
        self.admin_dsn = admin_dsn
        self.names: list[str] = []

    def create(self) -> str:
        """A new, empty database; its DSN."""
        name = f"qakit_{secrets.token_hex(6)}"
        run_sync(self._execute(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return with_database(self.admin_dsn, name)

    def drop_all(self) -> None:
        # All at once: one after another, each DROP waits for its own checkpoint.
        # FORCE: a service a failed test left running must not keep its database alive.
        statements = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in self.names]
        run_sync(self._execute_all(statements))
        self.names.clear()

    async def _execute_all(self, statements: list[str]) -> None:
        await asyncio.gather(*(self._execute(statement) for statement in statements))

    async def _execute(self, statement: str) -> None:
        connection = await asyncpg.connect(self.admin_dsn, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin DSN of a reachable server; skips (loudly, see the summary) when there is none."""
    found = probe()
    if found.dsn is None:
        pytest.skip(f"no PostgreSQL server reachable ({found.reason})")
    return found.dsn


@pytest.fixture(scope="session")
def databases(postgres_server: str) -> Iterator[Databases]:
    made = Databases(postgres_server)
    try:
        yield made
    finally:
        made.drop_all()


@pytest.fixture
def fresh_database(databases: Databases) -> Callable[[], str]:
    """Make a new empty database per call: ``dsn = fresh_database()``."""
    return databases.create


@pytest.fixture(scope="session")
def session_database(databases: Databases) -> str:
    """One empty database shared by the session's tests that clean up after themselves."""
    return databases.create()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if probe.cache_info().currsize == 0:
        return  # no test asked for PostgreSQL in this run
    found = probe()
    if found.dsn is not None:
        return
    terminalreporter.section("POSTGRESQL WAS NOT TESTED", sep="!", red=True, bold=True)
    terminalreporter.write_line(
        "No PostgreSQL server answered, so every test that needs one was SKIPPED.", red=True, bold=True
    )
    terminalreporter.write_line(f"Tried: {', '.join(_safe(dsn) for dsn in found.tried)}", red=True)
    terminalreporter.write_line(f"Why: {found.reason}", red=True)
    terminalreporter.write_line(
        "Start one (e.g. `service postgresql start`) or set TEST_DATABASE_URL, then run again.", red=True
    )
