"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import LiveService, running_service


@pytest.fixture(scope="module", params=["memory", "postgres"])
def orders_live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveService]:
    """The order tests run on both stores: the embedded one and PostgreSQL (a fresh database)."""
    if request.param == "memory":
        yield request.getfixturevalue("live")
        return
    databases = request.getfixturevalue("databases")
    with running_service(
        Path(tmp_path_factory.mktemp("orders-pg")) / "service.log", {"DATABASE_URL": databases.create()}
    ) as service:
        yield service
