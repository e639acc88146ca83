"""``GET /trace/{request_id}`` over real sockets: what a request's trace shows is what the clients
really got, and every trace conforms to the OpenAPI ``Trace``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.support.client import ContractClient
from tests.support.live import LiveService, running_service
from tools.specs import check_openapi_schema

Trace = dict[str, Any]


def trace_of(service: LiveService, request_id: str) -> Trace:
    response = httpx.get(f"{service.http}/trace/{request_id}", timeout=5)
    assert response.status_code == 200, response.text
    body: Trace = response.json()
    check_openapi_schema("Trace", body, what=f"GET /trace/{request_id}")
    return body


def last_request(service: LiveService, request_id: str) -> dict[str, Any]:
    request: dict[str, Any] = trace_of(service, request_id)["requests"][-1]
    return request


def steps(request: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [step for step in request["steps"] if step["kind"] == kind]


def kinds(request: dict[str, Any]) -> list[str]:
    return [step["kind"] for step in request["steps"]]


async def test_an_echo_trace_holds_the_frame_received_and_the_frames_the_client_got(
    live: LiveService,
) -> None:
    async with ContractClient.connect(live.ws, channel="trace-echo") as client:
        answers = await client.request("echo", {"text": "hello"}, request_id="t-echo-1")
    request = last_request(live, "t-echo-1")
    assert (request["transport"], request["channel"], request["action"]) == ("ws", "trace-echo", "echo")
    assert request["client_id"].startswith("c-")
    assert kinds(request) == ["received", "log", "sent", "sent", "sent", "event"]
    (received,) = steps(request, "received")
    assert received["frame"] == {"action": "echo", "payload": {"text": "hello"}, "request_id": "t-echo-1"}
    assert [step["frame"] for step in steps(request, "sent")] == answers
    assert [step["summary"] for step in steps(request, "sent")] == [
        "sent ack",
        "sent echo",
        "sent event ws.echo",
    ]
    (event,) = steps(request, "event")
    assert (event["event"], event["key"], event["delivery"]) == (
        "ws.echo",
        "trace-echo",
        {"status": "no_broker"},
    )
    at = [step["at_ms"] for step in request["steps"]]
    assert at == sorted(at)


async def test_a_reused_request_id_lists_every_request_that_carried_it(live: LiveService) -> None:
    async with (
        ContractClient.connect(live.ws, channel="trace-a") as first,
        ContractClient.connect(live.ws, channel="trace-b") as second,
    ):
        await first.request("ping", {}, request_id="t-same")
        await second.request("echo", {"n": 2}, request_id="t-same")
    requests = trace_of(live, "t-same")["requests"]
    assert [(r["channel"], r["action"]) for r in requests] == [("trace-a", "ping"), ("trace-b", "echo")]
    assert requests[0]["client_id"] != requests[1]["client_id"]


async def test_a_broadcast_trace_names_the_fan_out_and_the_frame_the_others_got(live: LiveService) -> None:
    async with (
        ContractClient.connect(live.ws, channel="trace-room") as sender,
        ContractClient.connect(live.ws, channel="trace-room") as peer_one,
        ContractClient.connect(live.ws, channel="trace-room") as peer_two,
        ContractClient.connect(live.ws, channel="trace-elsewhere"),
    ):
        await sender.request("broadcast", {"message": "hi all"}, request_id="t-bc-1")
        got = [await peer_one.recv(), await peer_two.recv()]
    request = last_request(live, "t-bc-1")
    (fan_out,) = steps(request, "fan_out")
    assert (fan_out["channel"], fan_out["recipients"]) == ("trace-room", 2)
    assert fan_out["frame"] == got[0] == got[1]
    assert fan_out["summary"] == "fan-out to 2 other client(s), channel trace-room"


async def test_an_order_trace_shows_the_store_operation_on_each_store(orders_live: LiveService) -> None:
    async with ContractClient.connect(orders_live.ws, channel="trace-orders") as client:
        answers = await client.request(
            "create_order",
            {"customer": "Ann", "product": "Kettle", "quantity": 1, "amount": "10.00"},
            request_id="t-create-1",
        )
        order_id = answers[1]["data"]["id"]
        await client.request("change_status", {"id": order_id, "status": "paid"}, request_id="t-pay-1")
        await client.request("change_status", {"id": order_id, "status": "created"}, request_id="t-back-1")
    (create,) = steps(last_request(orders_live, "t-create-1"), "store")
    assert (create["operation"], create["result"]) == ("create", f"order {order_id} (created)")
    assert create["duration_ms"] >= 0
    (pay,) = steps(last_request(orders_live, "t-pay-1"), "store")
    assert pay["arguments"] == {"order_id": order_id, "status": "paid"}
    assert pay["result"] == f"order {order_id}: created → paid"
    (back,) = steps(last_request(orders_live, "t-back-1"), "store")
    assert back["result"].startswith("error: InvalidTransition")


async def test_a_delayed_answer_is_traced_when_it_really_went_out(live: LiveService) -> None:
    async with ContractClient.connect(live.ws, channel="trace-faults") as client:
        await client.send(
            {"action": "echo", "payload": {}, "request_id": "t-slow", "simulate": {"delay_ms": 300}}
        )
        await client.request("ping", {}, request_id="t-fast")
        await client.answers("t-slow")
    request = last_request(live, "t-slow")
    (fault,) = steps(request, "fault")
    assert fault["faults"] == {"delay_ms": 300}
    sent = steps(request, "sent")
    assert len(sent) == 3
    # The event loop's timers have millisecond granularity (libuv's): one may fire a little early.
    assert all(step["at_ms"] >= 299 for step in sent)
    # The records are not delayed: only the requester's answer is.
    assert all(step["at_ms"] < 300 for step in steps(request, "event"))


async def test_a_close_asked_for_is_traced_with_its_code(live: LiveService) -> None:
    async with ContractClient.connect(live.ws, channel="trace-close") as client:
        await client.send(
            {"action": "echo", "payload": {}, "request_id": "t-close", "simulate": {"close": {"code": 4001}}}
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await client.connection.recv()
    assert closed.value.rcvd is not None
    seen = (closed.value.rcvd.code, closed.value.rcvd.reason)
    (close,) = steps(last_request(live, "t-close"), "close")
    assert (close["code"], close["reason"]) == seen
    assert close["code"] == 4001


async def test_a_frame_that_cannot_be_read_is_traced_with_its_error(live: LiveService) -> None:
    async with ContractClient.connect(live.ws, channel="trace-bad") as client:
        answers = await client.raw_request('{"action": "nope", "request_id": "t-bad"}', request_id="t-bad")
    request = last_request(live, "t-bad")
    assert request["action"] is None
    assert [step["frame"] for step in steps(request, "sent")] == answers
    assert steps(request, "log")[0]["event"] == "frame.rejected"


def test_a_rest_call_with_x_request_id_is_traced_and_answered_with_it(live: LiveService) -> None:
    with httpx.Client(base_url=live.http, timeout=5) as http:
        created = http.post(
            "/orders",
            json={"customer": "Bo", "product": "Mug", "quantity": 1},
            headers={"X-Request-ID": "t-rest-1"},
        )
        missing = http.get("/orders/999", headers={"X-Request-ID": "t-rest-2"})
    assert created.status_code == 201
    assert created.headers["x-request-id"] == "t-rest-1"
    assert missing.headers["x-request-id"] == "t-rest-2"
    request = last_request(live, "t-rest-1")
    assert (request["transport"], request["action"], request["client_id"]) == ("rest", "POST /orders", None)
    assert kinds(request)[:4] == ["received", "store", "fan_out", "event"]
    (response,) = steps(request, "response")
    assert response["status"] == 201
    assert steps(request, "store")[0]["result"] == f"order {created.json()['id']} (created)"
    assert [step["status"] for step in steps(last_request(live, "t-rest-2"), "response")] == [404]


@pytest.mark.parametrize("value", ["has space", "x" * 129, "tab\there"])
def test_a_malformed_x_request_id_is_answered_400_naming_the_header(live: LiveService, value: str) -> None:
    response = httpx.get(f"{live.http}/orders", headers={"X-Request-ID": value}, timeout=5)
    assert response.status_code == 400
    problem = response.json()
    check_openapi_schema("Problem", problem)
    assert problem["errors"][0]["pointer"] == "/header/X-Request-ID"


def test_an_id_nobody_used_is_404_trace_not_found(live: LiveService) -> None:
    response = httpx.get(f"{live.http}/trace/t-never", timeout=5)
    assert response.status_code == 404
    problem = response.json()
    check_openapi_schema("Problem", problem)
    assert problem["code"] == "trace_not_found"
    assert "t-never" in problem["detail"]


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    log = Path(tmp_path_factory.mktemp("trace-bounds")) / "service.log"
    with running_service(log, {"TRACE_REQUESTS": "2"}) as service:
        yield service


async def test_past_trace_requests_the_oldest_trace_is_gone(small_book: LiveService) -> None:
    async with ContractClient.connect(small_book.ws, channel="trace-bounds") as client:
        for n in range(3):
            await client.request("ping", {}, request_id=f"t-bound-{n}")
    assert httpx.get(f"{small_book.http}/trace/t-bound-0", timeout=5).status_code == 404
    assert [len(trace_of(small_book, f"t-bound-{n}")["requests"]) for n in (1, 2)] == [1, 1]


async def test_past_trace_per_second_requests_are_answered_but_not_traced(tmp_path: Path) -> None:
    with running_service(tmp_path / "service.log", {"TRACE_PER_SECOND": "1"}) as service:
        async with ContractClient.connect(service.ws, channel="trace-sampled") as client:
            for n in range(6):
                assert len(await client.request("ping", {}, request_id=f"t-rate-{n}")) == 2
        kept = [httpx.get(f"{service.http}/trace/t-rate-{n}", timeout=5).status_code == 200 for n in range(6)]
    # Six pings within a second or two: the first of each second is traced, the others are not.
    assert kept[0]
    assert 1 <= sum(kept) <= 2


async def test_trace_requests_0_keeps_nothing(tmp_path: Path) -> None:
    with running_service(tmp_path / "service.log", {"TRACE_REQUESTS": "0"}) as service:
        async with ContractClient.connect(service.ws, channel="trace-off") as client:
            await client.request("echo", {}, request_id="t-off")
        assert httpx.get(f"{service.http}/trace/t-off", timeout=5).status_code == 404
