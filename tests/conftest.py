"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import LiveService, running_service

# PostgreSQL fixtures (a fresh database per test run) and the loud "not tested" summary; pytester
# runs the scenario plugin on scenario files a test writes (tests/scenarios).
pytest_plugins = ["tests.support.postgres", "pytester"]


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """The service as the README runs it (in-memory store, no broker), on a free port."""
    log_path = Path(tmp_path_factory.mktemp("live")) / "service.log"
    with running_service(log_path) as service:
        yield service


@pytest.fixture
def fresh_service(tmp_path: Path) -> Iterator[LiveService]:
    """A service of this test's own, as freshly started (demo orders untouched, no history)."""
    with running_service(tmp_path / "fresh-service.log") as service:
        yield service
