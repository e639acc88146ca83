"""The nesting limit (``NestingDepth``, 64 levels), over real sockets (issue 12, "Hostile input").

What the protocol accepts must be servable by every reader of it: an echo payload ~980 levels
deep used to be accepted and then made every ``GET /events`` answer 500 until ~1,000 newer events
pushed it out. A frame or a body nested past the limit is refused at the door with
``validation_error`` and the pointer of the first object or array past it; one exactly at the
limit is answered, recorded and served back by ``GET /events``.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest

from tests.support.client import ContractClient, types_of
from tests.support.live import LiveService
from tools.specs import load_asyncapi, load_openapi

LIMIT: int = load_asyncapi()["components"]["schemas"]["NestingDepth"]["maximum"]


def objects(levels: int) -> Any:
    """``levels`` objects, each inside the one before: ``objects(2) == {"a": {"a": 0}}``."""
    value: Any = 0
    for _ in range(levels):
        value = {"a": value}
    return value


def echo_frame(payload_levels: int, request_id: str) -> str:
    # Spelt out: json.dumps itself recurses, and would give up around a thousand levels.
    payload = '{"a": ' * payload_levels + "0" + "}" * payload_levels
    return f'{{"action": "echo", "payload": {payload}, "request_id": {json.dumps(request_id)}}}'


async def events(live: LiveService, **params: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        return await http.get("/events", params=params)


def test_both_specs_name_the_same_limit() -> None:
    assert load_openapi()["components"]["schemas"]["NestingDepth"]["maximum"] == LIMIT


async def test_an_echo_exactly_at_the_limit_is_answered_and_served_by_get_events(live: LiveService) -> None:
    request_id = f"r-deepest-{uuid.uuid4().hex[:8]}"
    async with ContractClient.connect(live.ws) as client:
        answers = await client.raw_request(echo_frame(LIMIT - 1, request_id), request_id=request_id)
    assert types_of(answers) == ["ack", "echo", "event ws.echo"]
    assert answers[1]["data"] == objects(LIMIT - 1)
    response = await events(live, request_id=request_id)
    assert response.status_code == 200, response.text[:300]
    assert [record["data"] for record in response.json()] == [objects(LIMIT - 1)]


@pytest.mark.parametrize("payload_levels", [LIMIT, 980], ids=["one-past-the-limit", "980-levels"])
async def test_an_echo_past_the_limit_is_refused_and_get_events_keeps_working(
    live: LiveService, payload_levels: int
) -> None:
    request_id = f"r-too-deep-{uuid.uuid4().hex[:8]}"
    async with ContractClient.connect(live.ws) as client:
        await client.send_raw(echo_frame(payload_levels, request_id))
        # Read as text: an echo of 980 levels would be too deep for the test's own JSON reader.
        first = await asyncio.wait_for(client.connection.recv(), 5)
        assert isinstance(first, str)
        everything = await events(live, limit="1000")
        assert everything.status_code == 200, f"GET /events: {everything.status_code} {everything.text[:200]}"
        assert first.startswith('{"type":"error"'), first[:100]
        error = json.loads(first)
        client.contract.check_server_frame(error)
        assert (error["code"], error["request_id"]) == ("validation_error", request_id)
        # The frame is level 1 and the payload level 2: the first object past the limit is
        # LIMIT - 1 steps below the payload. JSON too deep to read at all is named at the root.
        named = {"/payload" + "/a" * (LIMIT - 1)} | ({"/"} if payload_levels > 2 * LIMIT else set())
        assert error["details"]["pointer"] in named
        assert types_of(await client.request("ping", request_id="r-still-open")) == ["ack", "event ws.pong"]
    assert (await events(live, request_id=request_id)).json() == []


@pytest.mark.parametrize(("method", "path"), [("POST", "/orders"), ("PATCH", "/orders/1/status")])
async def test_a_body_past_the_limit_is_a_400_naming_where_it_goes_too_deep(
    live: LiveService, method: str, path: str
) -> None:
    body = {"customer": objects(LIMIT), "product": "p", "quantity": 1}
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == 400, response.text[:300]
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert [error["pointer"] for error in problem["errors"]] == ["/body/customer" + "/a" * (LIMIT - 1)]
