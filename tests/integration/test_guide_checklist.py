"""The tester guide's whole checklist, against a live server through real WebSocket clients.

Every frame received is checked against the AsyncAPI document by ``ContractClient``.
"""

from __future__ import annotations

import asyncio
import time
import tomllib
import uuid

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.client import ContractClient, types_of
from tests.support.live import LiveService


def room() -> str:
    return f"room-{uuid.uuid4().hex[:8]}"


async def stats(live: LiveService) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=live.http) as http:
        response = await http.get("/stats")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


async def wait_for_channel_count(live: LiveService, channel: str, expected: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        channels = (await stats(live))["channels"]
        assert isinstance(channels, dict)
        if channels.get(channel, 0) == expected:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"/stats never showed {expected} in {channel!r}: {await stats(live)}")


# --- handshake and channels ---------------------------------------------------------------


async def test_handshake_without_channel_joins_general(live: LiveService) -> None:
    before = (await stats(live))["channels"]
    assert isinstance(before, dict)
    async with ContractClient.connect(live.ws) as client:
        await wait_for_channel_count(live, "general", before.get("general", 0) + 1)
        answers = await client.request("echo", {"text": "hi"}, request_id="h-1")
        assert types_of(answers) == ["ack", "echo", "event ws.echo"]


async def test_handshake_with_channel_joins_it(live: LiveService) -> None:
    channel = room()
    async with ContractClient.connect(live.ws, channel=channel):
        await wait_for_channel_count(live, channel, 1)


@pytest.mark.parametrize("bad", ["", "a" * 65, "has%20space", "sl%2Fash", "%D0%BA%D0%B0%D0%BD%D0%B0%D0%BB"])
async def test_a_bad_channel_is_refused_at_the_handshake_with_400(live: LiveService, bad: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(f"{live.ws}?channel={bad}"):
            pass
    assert refused.value.response.status_code == 400
    assert b"validation_error" in refused.value.response.body


async def test_stats_go_up_and_down_with_connections(live: LiveService) -> None:
    channel = room()
    async with (
        ContractClient.connect(live.ws, channel=channel),
        ContractClient.connect(live.ws, channel=channel),
    ):
        await wait_for_channel_count(live, channel, 2)
        total = (await stats(live))["total"]
        assert isinstance(total, int)
        assert total >= 2
        async with ContractClient.connect(live.ws, channel=channel):
            await wait_for_channel_count(live, channel, 3)
        await wait_for_channel_count(live, channel, 2)
    await wait_for_channel_count(live, channel, 0)
    assert channel not in (await stats(live))["channels"]  # type: ignore[operator]


# --- actions --------------------------------------------------------------------------------


async def test_echo_returns_ack_echo_event(live: LiveService) -> None:
    async with ContractClient.connect(live.ws) as client:
        answers = await client.request(
            "echo", {"text": "hello", "nested": {"n": [1, 2]}}, request_id="r-echo-1"
        )
    assert types_of(answers) == ["ack", "echo", "event ws.echo"]
    assert answers[0]["action"] == "echo"
    assert answers[1]["data"] == answers[2]["data"] == {"text": "hello", "nested": {"n": [1, 2]}}
    assert {a["request_id"] for a in answers} == {"r-echo-1"}


async def test_triplet_demo_gives_three_answers_after_ack(live: LiveService) -> None:
    async with ContractClient.connect(live.ws) as client:
        answers = await client.request("triplet_demo", {}, request_id="r-triplet-1")
    assert types_of(answers) == ["ack", "step 1", "step 2", "event ws.triplet_demo"]


async def test_ping_answers_pong(live: LiveService) -> None:
    async with ContractClient.connect(live.ws) as client:
        answers = await client.request("ping", {}, request_id="r-ping-1")
    assert types_of(answers) == ["ack", "event ws.pong"]


async def test_a_request_without_request_id_is_answered_with_null(live: LiveService) -> None:
    async with ContractClient.connect(live.ws) as client:
        await client.send({"action": "ping"})
        answers = await client.answers(None)
    assert types_of(answers) == ["ack", "event ws.pong"]


async def test_ws_broadcast_is_seen_by_the_whole_channel_and_not_by_another(live: LiveService) -> None:
    channel = room()
    async with (
        ContractClient.connect(live.ws, channel=channel) as sender,
        ContractClient.connect(live.ws, channel=channel) as peer,
        ContractClient.connect(live.ws, channel=room()) as stranger,
    ):
        await wait_for_channel_count(live, channel, 2)
        answers = await sender.request("broadcast", {"message": "hi all"}, request_id="r-bc-1")
        assert types_of(answers) == ["ack", "broadcast", "event ws.broadcast"]
        assert answers[1]["message"] == "hi all"
        assert answers[1]["source"] == "ws"
        assert answers[2]["data"]["delivered"] == 2
        assert answers[1]["offset"] == answers[2]["data"]["offset"] == 1
        assert answers[1]["epoch"] == answers[2]["data"]["epoch"]
        seen = await peer.recv()
        assert (seen["type"], seen["message"], seen["channel"], seen["request_id"]) == (
            "broadcast",
            "hi all",
            channel,
            None,
        )
        assert await stranger.silent_for(0.3)


async def test_rest_broadcast_reaches_every_client_of_the_channel(live: LiveService) -> None:
    channel = room()
    async with (
        ContractClient.connect(live.ws, channel=channel) as one,
        ContractClient.connect(live.ws, channel=channel) as two,
        ContractClient.connect(live.ws, channel=room()) as stranger,
    ):
        await wait_for_channel_count(live, channel, 2)
        async with httpx.AsyncClient(base_url=live.http) as http:
            response = await http.post("/broadcast", params={"message": "hello", "channel": channel})
        assert response.status_code == 200
        tally = response.json()
        # A new channel: its stream's first frame.
        assert tally == {"channel": channel, "delivered": 2, "offset": 1, "epoch": tally["epoch"]}
        for client in (one, two):
            frame = await client.recv()
            assert (frame["type"], frame["message"], frame["source"], frame["request_id"]) == (
                "broadcast",
                "hello",
                "rest",
                None,
            )
            assert (frame["offset"], frame["epoch"]) == (1, tally["epoch"])
        assert await stranger.silent_for(0.3)


async def test_rest_broadcast_without_channel_goes_to_general(live: LiveService) -> None:
    async with ContractClient.connect(live.ws) as client, httpx.AsyncClient(base_url=live.http) as http:
        await wait_for_channel_count(live, "general", 1)
        response = await http.post("/broadcast", params={"message": "to general"})
        assert response.status_code == 200
        assert response.json()["channel"] == "general"
        frame = await client.recv()
        assert frame["message"] == "to general"


# --- orders ---------------------------------------------------------------------------------


async def test_get_order_returns_the_order_or_null(orders_live: LiveService) -> None:
    async with ContractClient.connect(orders_live.ws) as client:
        found = await client.request("get_order", {"id": 1}, request_id="r-order-1")
        missing = await client.request("get_order", {"id": 999_999}, request_id="r-order-2")
    assert types_of(found) == types_of(missing) == ["ack", "order", "event order.viewed"]
    assert found[1]["data"]["id"] == 1
    assert missing[1]["data"] is None


async def test_list_orders_is_newest_first(orders_live: LiveService) -> None:
    async with ContractClient.connect(orders_live.ws) as client:
        answers = await client.request("list_orders", {"limit": 3}, request_id="r-orders-1")
        default = await client.request("list_orders", None, request_id="r-orders-2")
    assert types_of(answers) == ["ack", "orders", "event order.listed"]
    orders = answers[1]["data"]
    assert len(orders) == 3
    assert [o["created_at"] for o in orders] == sorted((o["created_at"] for o in orders), reverse=True)
    assert default[2]["data"]["limit"] == 10


async def test_order_lifecycle_over_ws_notifies_every_channel(orders_live: LiveService) -> None:
    async with (
        ContractClient.connect(orders_live.ws) as requester,
        ContractClient.connect(orders_live.ws, channel=room()) as watcher,
    ):
        created = await requester.request(
            "create_order",
            {"customer": "Alice", "product": "Keyboard", "quantity": 2, "amount": "59.90"},
            request_id="r-create-1",
        )
        assert types_of(created) == ["ack", "order", "event order.created"]
        order = created[1]["data"]
        assert (order["status"], order["amount"], order["quantity"]) == ("created", "59.90", 2)
        note = await watcher.recv()
        assert (note["event"], note["request_id"], note["data"]["order"]["id"]) == (
            "order.created",
            None,
            order["id"],
        )

        for step, status in enumerate(["paid", "shipped", "delivered"]):
            answers = await requester.request(
                "change_status", {"id": order["id"], "status": status}, request_id=f"r-status-{step}"
            )
            assert types_of(answers) == ["ack", "order", "event order.status_changed"]
            assert answers[1]["data"]["status"] == status
            note = await watcher.recv()
            assert (note["event"], note["request_id"], note["data"]["order"]["status"]) == (
                "order.status_changed",
                None,
                status,
            )

        refused = await requester.request(
            "change_status", {"id": order["id"], "status": "paid"}, request_id="r-status-x"
        )
        assert types_of(refused) == ["ack", "error invalid_transition"]
        assert await watcher.silent_for(0.2)
        assert requester.unsolicited == []  # the requester never got its own notification twice


async def test_order_changes_over_rest_reach_ws_clients(orders_live: LiveService) -> None:
    async with (
        ContractClient.connect(orders_live.ws, channel=room()) as watcher,
        httpx.AsyncClient(base_url=orders_live.http) as http,
    ):
        created = await http.post("/orders", json={"customer": "Bob", "product": "Mouse", "quantity": 1})
        assert created.status_code == 201
        order = created.json()
        assert order["status"] == "created"
        assert order["amount"] == "0.00"
        note = await watcher.recv()
        assert (note["event"], note["request_id"]) == ("order.created", None)

        paid = await http.patch(f"/orders/{order['id']}/status", json={"status": "paid"})
        assert paid.status_code == 200
        assert paid.json()["status"] == "paid"
        note = await watcher.recv()
        assert (note["event"], note["data"]["previous_status"]) == ("order.status_changed", "created")

        illegal = await http.patch(f"/orders/{order['id']}/status", json={"status": "created"})
        assert illegal.status_code == 409
        assert illegal.headers["content-type"] == "application/problem+json"
        assert illegal.json()["code"] == "invalid_transition"
        assert (await http.get(f"/orders/{order['id']}")).json()["status"] == "paid"
        assert (await http.get("/orders/999999")).status_code == 404
        assert (await http.patch("/orders/999999/status", json={"status": "paid"})).status_code == 404
        assert await watcher.silent_for(0.2)


async def test_every_status_transition_of_the_machine(orders_live: LiveService) -> None:
    legal = {
        ("created", "paid"),
        ("created", "cancelled"),
        ("paid", "shipped"),
        ("paid", "cancelled"),
        ("shipped", "delivered"),
    }
    paths = {
        "created": [],
        "paid": ["paid"],
        "shipped": ["paid", "shipped"],
        "delivered": ["paid", "shipped", "delivered"],
        "cancelled": ["cancelled"],
    }
    statuses = list(paths)
    async with ContractClient.connect(orders_live.ws, channel=room()) as client:
        for n, (start, target) in enumerate((s, t) for s in statuses for t in statuses):
            created = await client.request(
                "create_order", {"customer": "T", "product": "P", "quantity": 1}, request_id=f"mk-{n}"
            )
            order_id = created[1]["data"]["id"]
            for step in paths[start]:
                await client.request(
                    "change_status", {"id": order_id, "status": step}, request_id=f"walk-{n}"
                )
            answers = await client.request(
                "change_status", {"id": order_id, "status": target}, request_id=f"try-{n}"
            )
            expected = (
                ["ack", "order", "event order.status_changed"]
                if (start, target) in legal
                else ["ack", "error invalid_transition"]
            )
            assert types_of(answers) == expected, (start, target)


# --- errors keep the connection open ---------------------------------------------------------


async def test_every_error_case_answers_error_and_keeps_the_connection(live: LiveService) -> None:
    cases: list[tuple[str | bytes, str | None, str]] = [
        ("not json at all", None, "invalid_json"),
        ("[1, 2, 3]", None, "invalid_frame"),
        (b'{"action": "echo"}', None, "invalid_frame"),
        ('{"payload": {}, "request_id": "e-1"}', "e-1", "validation_error"),
        ('{"action": 42, "request_id": "e-2"}', "e-2", "validation_error"),
        ('{"action": "fly", "request_id": "e-3"}', "e-3", "unknown_action"),
        ('{"action": "get_order", "payload": {"id": "one"}, "request_id": "e-4"}', "e-4", "validation_error"),
        (
            '{"action": "create_order", "payload": {"customer": "A"}, "request_id": "e-5"}',
            "e-5",
            "validation_error",
        ),
        (
            '{"action": "change_status", "payload": {"id": 1, "status": "lost"}, "request_id": "e-6"}',
            "e-6",
            "validation_error",
        ),
    ]
    async with ContractClient.connect(live.ws) as client:
        for data, request_id, code in cases:
            answers = await client.raw_request(data, request_id=request_id)
            assert types_of(answers) == [f"error {code}"], data
        unknown = client.received[5]
        assert "echo" in unknown["details"]["supported_actions"]
        assert client.received[6]["details"]["pointer"] == "/payload/id"
        still_open = await client.request("echo", {"after": "errors"}, request_id="e-ok")
        assert types_of(still_open) == ["ack", "echo", "event ws.echo"]


async def test_a_frame_over_the_limit_closes_with_1009(live: LiveService) -> None:
    async with websockets.connect(live.ws, max_size=None) as raw:
        await raw.send('{"action":"echo","payload":{"blob":"' + "x" * (64 * 1024) + '"}}')
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(raw.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


async def test_a_frame_just_under_the_limit_is_served(live: LiveService) -> None:
    async with ContractClient.connect(live.ws) as client:
        blob = "x" * (60 * 1024)
        answers = await client.request("echo", {"blob": blob}, request_id="big")
    assert answers[1]["data"]["blob"] == blob


# --- REST extras ---------------------------------------------------------------------------


async def test_health_reports_the_store_in_use(orders_live: LiveService) -> None:
    backend = "postgres" if "DATABASE_URL" in orders_live.env else "memory"
    async with httpx.AsyncClient(base_url=orders_live.http) as http:
        body = (await http.get("/health")).json()
    assert body["status"] == "ok"
    assert body["dependencies"]["store"] == {"backend": backend, "status": "up"}


async def test_health_reports_the_embedded_store(live: LiveService) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        body = (await http.get("/health")).json()
    assert body["status"] == "ok"
    assert body["dependencies"]["store"] == {"backend": "memory", "status": "up"}
    assert body["dependencies"]["kafka"]["status"] == "disabled"


async def test_health_reports_the_version_of_pyproject(live: LiveService) -> None:
    from tests.support.live import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    async with httpx.AsyncClient(base_url=live.http) as http:
        body = (await http.get("/health")).json()
    assert body["version"] == project["version"]


async def test_the_source_specs_are_served_as_written(live: LiveService) -> None:
    from tests.support.live import ROOT

    async with httpx.AsyncClient(base_url=live.http) as http:
        for name in ("openapi.yaml", "asyncapi.yaml"):
            response = await http.get(f"/specs/{name}")
            assert response.status_code == 200
            assert response.content == (ROOT / "api_specs" / name).read_bytes()


async def test_events_follow_one_request_to_its_records(live: LiveService) -> None:
    async with ContractClient.connect(live.ws) as client:
        await client.request("echo", {"text": "trace me"}, request_id="trace-1")
    async with httpx.AsyncClient(base_url=live.http) as http:
        records = (await http.get("/events", params={"request_id": "trace-1"})).json()
        assert [(r["event"], r["data"]) for r in records] == [("ws.echo", {"text": "trace me"})]
        listed = (await http.get("/events", params={"event": "ws.echo", "limit": 1})).json()
        assert len(listed) == 1
        assert listed[0]["event"] == "ws.echo"
