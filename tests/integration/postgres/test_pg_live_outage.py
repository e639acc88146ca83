"""The running service when PostgreSQL goes away or is not there yet: it stays up, answers
``storage_unavailable`` fast and without secrets, and heals by itself without a restart.

The service reaches PostgreSQL through a TCP proxy the test cuts (listener closed, live
connections reset) and restores.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support.client import ContractClient, types_of
from tests.support.live import LiveService
from tests.support.postgres import through_port
from tests.support.tcp_proxy import TcpProxy
from tools.specs import check_openapi_schema, load_openapi, openapi_schemas, resolve_pointer

pytestmark = pytest.mark.postgres

ANSWER_BOUND = 5.0  # seconds to the storage_unavailable answer (the store's own bound is 2 s)
HEAL_WITHIN = 10.0


def assert_no_secrets(text: str, dsn: str, proxy: TcpProxy) -> None:
    for secret in (dsn, "postgresql://", f":{proxy.port}", "SELECT", "FROM orders", "Traceback", 'File "'):
        assert secret not in text, f"{secret!r} leaked in {text!r}"


def assert_documented_503(response: httpx.Response) -> None:
    """The store's outage as openapi.yaml documents it: a problem, and ``Retry-After`` in seconds."""
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    check_openapi_schema("Problem", response.json())
    assert response.json()["code"] == "storage_unavailable"
    document = load_openapi()
    header = resolve_pointer(document, "#/components/responses/StorageUnavailable/headers/Retry-After")
    schema = resolve_pointer(document, header["$ref"])["schema"]
    retry_after = response.headers.get("retry-after", "")
    assert retry_after.isdigit(), response.headers
    openapi_schemas().validator_for(schema).validate(int(retry_after))


async def store_health(http: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    response = await http.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    return body["status"], body["dependencies"]["store"]


async def assert_serves_without_the_store(
    http: httpx.AsyncClient, client: ContractClient, label: str
) -> None:
    """WS echo answers and /health says degraded with the store down."""
    echo = await client.request("echo", {"text": "still here"}, request_id=f"{label}-echo")
    assert types_of(echo) == ["ack", "echo", "event ws.echo"]
    status, store = await store_health(http)
    assert (status, store["backend"], store["status"]) == ("degraded", "postgres", "down")
    assert store["error"]


async def seconds_until_orders_answer(http: httpx.AsyncClient) -> float:
    began = time.monotonic()
    while (await http.get("/orders/1")).status_code != 200:
        assert time.monotonic() - began < HEAL_WITHIN, "the service did not heal"
        await asyncio.sleep(0.1)
    return time.monotonic() - began


async def test_an_outage_mid_run_is_answered_fast_and_heals_without_a_restart(
    services: Callable[..., LiveService], proxy: TcpProxy, fresh_database: Callable[[], str]
) -> None:
    dsn = through_port(fresh_database(), proxy.port)
    service = services(dsn)
    async with (
        httpx.AsyncClient(base_url=service.http, timeout=10) as http,
        ContractClient.connect(service.ws) as client,
    ):
        assert await store_health(http) == ("ok", {"backend": "postgres", "status": "up"})
        assert proxy.accepted > 0  # the service reaches PostgreSQL through the proxy only
        assert types_of(await client.request("get_order", {"id": 1}, request_id="before")) == [
            "ack",
            "order",
            "event order.viewed",
        ]

        proxy.cut()
        began = time.monotonic()
        frames = await client.request("get_order", {"id": 1}, request_id="during", timeout=ANSWER_BOUND)
        took = time.monotonic() - began
        print(f"\n[outage] WS get_order answered storage_unavailable after {took * 1000:.0f} ms")
        assert types_of(frames) == ["ack", "error storage_unavailable"]
        assert took < ANSWER_BOUND
        assert_no_secrets(frames[-1]["message"], dsn, proxy)

        began = time.monotonic()
        response = await http.get("/orders/1")
        print(
            f"[outage] REST GET /orders/1 answered {response.status_code} after "
            f"{(time.monotonic() - began) * 1000:.0f} ms"
        )
        assert_documented_503(response)
        assert_no_secrets(response.text, dsn, proxy)
        await assert_serves_without_the_store(http, client, "during")
        _, store = await store_health(http)
        assert_no_secrets(store["error"], dsn, proxy)

        proxy.restore()
        healed = await seconds_until_orders_answer(http)
        print(f"[outage] service answered GET /orders/1 again {healed * 1000:.0f} ms after restore")
        assert await store_health(http) == ("ok", {"backend": "postgres", "status": "up"})
        frames = await client.request("get_order", {"id": 1}, request_id="after")
        assert types_of(frames) == ["ack", "order", "event order.viewed"]
        assert frames[1]["data"]["id"] == 1


async def test_the_service_starts_without_postgres_and_heals_when_it_appears(
    services: Callable[..., LiveService], proxy: TcpProxy, fresh_database: Callable[[], str]
) -> None:
    dsn = through_port(fresh_database(), proxy.port)
    proxy.cut()
    service = services(dsn)  # waits for /health to answer 200
    async with (
        httpx.AsyncClient(base_url=service.http, timeout=10) as http,
        ContractClient.connect(service.ws) as client,
    ):
        await assert_serves_without_the_store(http, client, "never-up")
        frames = await client.request("list_orders", {}, request_id="never-up-list", timeout=ANSWER_BOUND)
        assert types_of(frames) == ["ack", "error storage_unavailable"]

        proxy.restore()
        healed = await seconds_until_orders_answer(http)
        print(
            f"\n[late start] service answered GET /orders/1 {healed * 1000:.0f} ms after PostgreSQL appeared"
        )
        assert await store_health(http) == ("ok", {"backend": "postgres", "status": "up"})
        orders = (await http.get("/orders", params={"limit": 100})).json()
        assert len(orders) == 5  # migrated and seeded once it could


async def test_a_hung_database_is_answered_within_the_bound(
    services: Callable[..., LiveService], proxy: TcpProxy, fresh_database: Callable[[], str]
) -> None:
    dsn = through_port(fresh_database(), proxy.port)
    service = services(dsn)
    async with (
        httpx.AsyncClient(base_url=service.http, timeout=10) as http,
        ContractClient.connect(service.ws) as client,
    ):
        assert await store_health(http) == ("ok", {"backend": "postgres", "status": "up"})
        proxy.stall()  # connections stay open, queries and handshakes get no answer
        began = time.monotonic()
        frames = await client.request("get_order", {"id": 1}, request_id="hung", timeout=ANSWER_BOUND)
        took = time.monotonic() - began
        print(f"\n[hung] WS get_order answered storage_unavailable after {took * 1000:.0f} ms")
        assert types_of(frames) == ["ack", "error storage_unavailable"]
        assert took < ANSWER_BOUND
        assert_documented_503(
            await http.post("/orders", json={"customer": "A", "product": "B", "quantity": 1})
        )
        began = time.monotonic()
        await assert_serves_without_the_store(http, client, "hung")
        print(f"[hung] echo and degraded /health answered after {(time.monotonic() - began) * 1000:.0f} ms")

        proxy.resume()
        healed = await seconds_until_orders_answer(http)
        print(f"[hung] service answered GET /orders/1 again {healed * 1000:.0f} ms after resume")
        assert await store_health(http) == ("ok", {"backend": "postgres", "status": "up"})
