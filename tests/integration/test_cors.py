"""CORS: pages on this machine may call the REST API from a browser; other origins may not.

The browser enforces it: without ``Access-Control-Allow-Origin`` it hides the answer from the
page (Swagger UI's "Failed to fetch"). Clients that send no ``Origin`` (curl, Postman, the
tests) see no difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.live import LiveService, running_service

ALLOW = "access-control-allow-origin"
STAND = "http://stand.example:8000"


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8000", "http://localhost:8000", "http://localhost:5173"]
)
def test_a_page_on_this_machine_may_read_the_answer(live: LiveService, origin: str) -> None:
    response = httpx.get(f"{live.http}/health", headers={"Origin": origin}, timeout=5)
    assert response.status_code == 200
    assert response.headers[ALLOW] == origin
    assert response.headers["vary"] == "Origin"
    assert response.headers["access-control-expose-headers"] == "*"


def test_an_error_answer_is_readable_too(live: LiveService) -> None:
    response = httpx.get(f"{live.http}/orders/0", headers={"Origin": "http://localhost:8000"}, timeout=5)
    assert response.status_code == 400
    assert response.headers[ALLOW] == "http://localhost:8000"
    assert response.headers["content-type"] == "application/problem+json"


def test_a_json_body_passes_the_preflight(live: LiveService) -> None:
    response = httpx.options(
        f"{live.http}/orders",
        headers={
            "Origin": "http://127.0.0.1:8000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=5,
    )
    assert response.status_code == 204
    assert response.headers[ALLOW] == "http://127.0.0.1:8000"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("origin", ["http://example.test", "http://localhost.example.test:8000", "null"])
def test_a_page_of_another_origin_may_not(live: LiveService, origin: str) -> None:
    response = httpx.get(f"{live.http}/health", headers={"Origin": origin}, timeout=5)
    assert response.status_code == 200
    assert ALLOW not in response.headers


def test_without_an_origin_nothing_changes(live: LiveService) -> None:
    response = httpx.get(f"{live.http}/health", timeout=5)
    assert ALLOW not in response.headers


@pytest.fixture(scope="module")
def stand_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    log_path = Path(tmp_path_factory.mktemp("cors")) / "service.log"
    with running_service(log_path, {"CORS_ALLOW_ORIGINS": f"{STAND}/"}) as service:
        yield service


def test_cors_allow_origins_replaces_the_local_default(stand_only: LiveService) -> None:
    listed = httpx.get(f"{stand_only.http}/health", headers={"Origin": STAND}, timeout=5)
    local = httpx.get(f"{stand_only.http}/health", headers={"Origin": "http://localhost:8000"}, timeout=5)
    assert listed.headers[ALLOW] == STAND
    assert ALLOW not in local.headers
