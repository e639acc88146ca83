"""Strings with control characters, over real sockets, on both stores (issue 12, "Hostile input").

An order's ``customer`` and ``product`` are stored: PostgreSQL cannot hold NUL, so a name with
any control character (``OrderText`` in both specs) is refused at the door, the same way on
both stores: 400 ``validation_error`` naming ``/body/<field>`` over REST, one ``error
validation_error`` naming ``/payload/<field>`` over WebSocket, and no order. Strings that are
only carried back (``request_id``, a broadcast's ``message``, an echo payload) are JSON strings
like any other and come back exactly, control characters included.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.support.client import ContractClient, types_of
from tests.support.live import LiveService

CONTROL_NAMES = ["a\u0000b", "\u0000", "tab\there", "two\nlines", "ends\n", "del\u007f", "c1\u0085"]
VALID = {"customer": "Alice", "product": "Keyboard", "quantity": 1, "amount": "1.00"}


async def names_in_store(http: httpx.AsyncClient) -> set[str]:
    response = await http.get("/orders", params={"limit": 100})
    assert response.status_code == 200, response.text
    return {order[field] for order in response.json() for field in ("customer", "product")}


@pytest.mark.parametrize("field", ["customer", "product"])
@pytest.mark.parametrize("name", CONTROL_NAMES)
async def test_rest_refuses_a_name_with_a_control_character_on_every_store(
    orders_live: LiveService, field: str, name: str
) -> None:
    async with httpx.AsyncClient(base_url=orders_live.http, timeout=10) as http:
        response = await http.post("/orders", json={**VALID, field: name})
        assert response.status_code == 400, response.text[:300]
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "validation_error"
        assert [error["pointer"] for error in problem["errors"]] == [f"/body/{field}"]
        assert name not in await names_in_store(http)
        assert (await http.post("/orders", json=VALID)).status_code == 201


@pytest.mark.parametrize("field", ["customer", "product"])
async def test_ws_refuses_a_name_with_a_control_character_on_every_store(
    orders_live: LiveService, field: str
) -> None:
    async with ContractClient.connect(orders_live.ws) as client:
        for n, name in enumerate(CONTROL_NAMES):
            request_id = f"r-ctl-{field}-{n}"
            frame = {"action": "create_order", "payload": {**VALID, field: name}, "request_id": request_id}
            answers = await client.raw_request(json.dumps(frame), request_id=request_id)
            assert types_of(answers) == ["error validation_error"], (name, answers)
            assert answers[0]["details"] == {"pointer": f"/payload/{field}"}
        created = await client.request("create_order", VALID, request_id="r-ctl-after")
        assert types_of(created) == ["ack", "order", "event order.created"]
    async with httpx.AsyncClient(base_url=orders_live.http, timeout=10) as http:
        assert not set(CONTROL_NAMES) & await names_in_store(http)


async def test_strings_that_are_only_carried_back_keep_their_control_characters(live: LiveService) -> None:
    request_id = f"r\u0000\t\n\u0085-{uuid.uuid4().hex[:8]}"
    message = "a\u0000b\nc\u007f"
    async with ContractClient.connect(live.ws, channel="hostile-strings") as client:
        broadcast = await client.request("broadcast", {"message": message}, request_id=request_id)
        assert types_of(broadcast) == ["ack", "broadcast", "event ws.broadcast"]
        assert broadcast[1]["message"] == broadcast[2]["data"]["message"] == message
        echo = await client.request("echo", {"\u0000": message}, request_id=request_id)
        assert echo[1]["data"] == {"\u0000": message}
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        response = await http.get("/events", params={"request_id": request_id})
    assert response.status_code == 200, response.text[:300]
    assert [record["event"] for record in response.json()] == ["ws.echo", "ws.broadcast"]
