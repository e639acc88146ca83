"""The running service on PostgreSQL: orders outlive the process, the demo orders stay single."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from service.orders.demo import DEMO_ORDERS
from tests.support.client import ContractClient
from tests.support.live import LiveService

pytestmark = pytest.mark.postgres


async def test_an_order_survives_a_restart_and_demo_orders_are_not_duplicated(
    services: Callable[..., LiveService], fresh_database: Callable[[], str]
) -> None:
    dsn = fresh_database()
    first = services(dsn)
    async with httpx.AsyncClient(base_url=first.http, timeout=10) as http:
        store = (await http.get("/health")).json()["dependencies"]["store"]
        assert store == {"backend": "postgres", "status": "up"}
        response = await http.post(
            "/orders",
            json={"customer": "Restart Tester", "product": "Kettle", "quantity": 2, "amount": "19.99"},
        )
        assert response.status_code == 201, response.text
        created = response.json()
    first.stop()

    second = services(dsn)
    async with httpx.AsyncClient(base_url=second.http, timeout=10) as http:
        assert (await http.get(f"/orders/{created['id']}")).json() == created
        orders = (await http.get("/orders", params={"limit": 100})).json()
    wanted = Counter(new.customer for new, _ in DEMO_ORDERS) + Counter({"Restart Tester": 1})
    assert Counter(order["customer"] for order in orders) == wanted
    assert orders[0] == created  # newest first

    async with ContractClient.connect(second.ws) as client:  # the guide's get_order reads it too
        frames = await client.request("get_order", {"id": created["id"]}, request_id="after-restart")
    assert [f["type"] for f in frames] == ["ack", "order", "event"]
    assert frames[1]["data"] == created
