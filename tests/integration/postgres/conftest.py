"""Services and proxies on PostgreSQL for the tests of this folder.

The server and the fresh databases come from ``tests/support/postgres.py``, a plugin that each
module here loads with ``pytest_plugins`` (a conftest below the root may not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.live import LiveService, start_service
from tests.support.postgres import address_of
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

StartService = Callable[..., LiveService]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[StartService]:
    """``services(dsn, **env)`` starts the service on ``dsn``; every one is stopped at the end."""
    started: list[LiveService] = []

    def start(dsn: str, **env: str) -> LiveService:
        log_path = tmp_path / f"service-{len(started)}.log"
        service = start_service(log_path, env={"DATABASE_URL": dsn, **env})
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


@pytest.fixture
def proxy(postgres_server: str) -> Iterator[TcpProxy]:
    """A cuttable TCP proxy in front of the PostgreSQL server."""
    with tcp_proxy(*address_of(postgres_server)) as made:
        yield made
