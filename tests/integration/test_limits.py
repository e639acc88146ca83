"""Every limit of the spec against a live server with small limits, through real sockets."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from tests.support import rawws
from tests.support.client import ContractClient, types_of
from tests.support.live import LiveService, running_service

LIMITS = {
    "WS_MAX_CONNECTIONS": "8",
    "WS_MAX_PER_CHANNEL": "3",
    "WS_RATE_PER_SECOND": "5",
    "WS_RATE_BURST": "10",
    "ALLOWED_ORIGINS": "http://good.test",
    "WS_PING_INTERVAL": "0",
    "WS_OUTBOX_FRAMES": "64",
}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    with running_service(Path(tmp_path_factory.mktemp("limited")) / "service.log", LIMITS) as service:
        yield service


@pytest.fixture(scope="module")
def pinging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {"WS_PING_INTERVAL": "0.3", "WS_PING_TIMEOUT": "0.3"}
    with running_service(Path(tmp_path_factory.mktemp("pinging")) / "service.log", env) as service:
        yield service


async def stats(service: LiveService) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=service.http) as http:
        return (await http.get("/stats")).json()  # type: ignore[no-any-return]


async def settle(service: LiveService, total: int, timeout: float = 5.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        current = await stats(service)
        if current["total"] == total or time.monotonic() > deadline:
            return current
        await asyncio.sleep(0.02)


async def refused_status(url: str, origin: Origin | None = None) -> tuple[int, dict[str, object]]:
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(url, origin=origin):
            pass
    response = refused.value.response
    return response.status_code, json.loads(response.body or b"{}")


async def test_connection_caps_refuse_with_503_and_are_counted(limited: LiveService) -> None:
    await settle(limited, 0)
    before = (await stats(limited))["refused"]
    assert isinstance(before, dict)
    async with (
        ContractClient.connect(limited.ws, channel="full"),
        ContractClient.connect(limited.ws, channel="full"),
        ContractClient.connect(limited.ws, channel="full"),
    ):
        status, body = await refused_status(f"{limited.ws}?channel=full")
        assert (status, body["code"]) == (503, "channel_full")
        async with (
            ContractClient.connect(limited.ws, channel="a"),
            ContractClient.connect(limited.ws, channel="a"),
            ContractClient.connect(limited.ws, channel="b"),
            ContractClient.connect(limited.ws, channel="b"),
            ContractClient.connect(limited.ws, channel="c"),
        ):
            status, body = await refused_status(f"{limited.ws}?channel=d")
            assert (status, body["code"]) == (503, "too_many_connections")
    after = (await settle(limited, 0))["refused"]
    assert isinstance(after, dict)
    assert after["channel_full"] == before["channel_full"] + 1
    assert after["too_many_connections"] == before["too_many_connections"] + 1
    async with ContractClient.connect(limited.ws, channel="full") as again:
        assert types_of(await again.request("ping", {}, request_id="p")) == ["ack", "event ws.pong"]


async def test_origin_allow_list(limited: LiveService) -> None:
    status, body = await refused_status(limited.ws, origin=Origin("http://evil.test"))
    assert (status, body["code"]) == (403, "origin_not_allowed")
    async with websockets.connect(limited.ws, origin=Origin("http://good.test")) as allowed:
        await allowed.send('{"action": "ping", "request_id": "o"}')
        assert json.loads(await allowed.recv())["type"] == "ack"
    async with websockets.connect(limited.ws) as no_origin:
        await no_origin.send('{"action": "ping", "request_id": "n"}')
        assert json.loads(await no_origin.recv())["type"] == "ack"


async def test_rate_limit_answers_rate_limited_then_recovers(limited: LiveService) -> None:
    async with ContractClient.connect(limited.ws, channel="rate") as client:
        for n in range(14):
            await client.send({"action": "ping", "request_id": f"q-{n}"})
        answers = [await client.recv() for _ in range(10 * 2 + 4)]
        limited_frames = [f for f in answers if f["type"] == "error"]
        assert len(limited_frames) == 4, types_of(answers)
        assert all(f["code"] == "rate_limited" for f in limited_frames)
        assert {f["request_id"] for f in limited_frames} == {"q-10", "q-11", "q-12", "q-13"}
        assert all(f["details"]["retry_after_ms"] > 0 for f in limited_frames)
        await asyncio.sleep(0.5)
        assert types_of(await client.request("ping", {}, request_id="later")) == ["ack", "event ws.pong"]


async def drain_until_closed(connection: websockets.ClientConnection) -> None:
    while True:
        await asyncio.wait_for(connection.recv(), 5)


async def test_a_client_that_keeps_flooding_is_closed_with_1008(limited: LiveService) -> None:
    async with websockets.connect(f"{limited.ws}?channel=flood") as raw:
        for n in range(200):
            await raw.send(f'{{"action": "ping", "request_id": "f-{n}"}}')
        with pytest.raises(ConnectionClosed) as closed:
            await drain_until_closed(raw)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008


async def test_a_peer_that_does_not_answer_pings_is_closed(pinging: LiveService) -> None:
    await settle(pinging, 0)
    silent = await asyncio.to_thread(rawws.handshake, pinging.port, channel="silent")
    started = time.monotonic()
    assert await asyncio.to_thread(rawws.closed_by_server, silent, 5.0)
    print(f"\nsilent peer closed after {time.monotonic() - started:.2f}s (ping interval 0.3s, timeout 0.3s)")
    async with ContractClient.connect(pinging.ws, channel="silent") as answering:
        await asyncio.sleep(1.2)
        assert types_of(await answering.request("ping", {}, request_id="alive")) == ["ack", "event ws.pong"]
    assert (await settle(pinging, 0))["total"] == 0


async def test_a_client_that_stops_reading_is_closed_and_does_not_slow_the_others(
    limited: LiveService,
) -> None:
    await settle(limited, 0)
    slow = await asyncio.to_thread(rawws.handshake, limited.port, channel="slow", rcvbuf=4096)
    message = "x" * 4000
    count = 3000
    async with (
        ContractClient.connect(limited.ws, channel="slow") as reader,
        httpx.AsyncClient(base_url=limited.http) as http,
    ):
        got = 0

        async def read_all() -> None:
            nonlocal got
            while got < count:
                frame = await reader.recv(10)
                if frame["type"] == "broadcast":
                    got += 1

        reading = asyncio.create_task(read_all())
        for _ in range(count):
            response = await http.post("/broadcast", params={"message": message, "channel": "slow"})
            assert response.status_code == 200
        await asyncio.wait_for(reading, 30)
        assert got == count
        current = await stats(limited)
        assert current["channels"] == {"slow": 1}, "the client that stopped reading was closed"
    slow.close()
    service_log = "\n".join(limited.log_lines())
    assert "ws.outbox_overflow" in service_log


async def test_a_frame_over_the_limit_is_logged(limited: LiveService) -> None:
    async with websockets.connect(limited.ws, max_size=None) as raw:
        await raw.send("x" * (64 * 1024 + 1))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(raw.recv(), 5)
    deadline = time.monotonic() + 5
    while "ws.frame_too_large" not in "\n".join(limited.log_lines()):
        assert time.monotonic() < deadline, "the 1009 refusal was not logged"
        await asyncio.sleep(0.05)


async def test_oversized_rest_input_is_refused_never_a_500(live: LiveService) -> None:
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        big_body = b'{"customer": "' + b"x" * (1024 * 1024) + b'", "product": "p", "quantity": 1}'
        response = await http.post("/orders", content=big_body, headers={"content-type": "application/json"})
        assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
        response = await http.get("/orders", params={"limit": "1", "pad": "x" * 9000})
        assert (response.status_code, response.json()["code"]) == (414, "uri_too_long")
        response = await http.post("/broadcast", params={"message": "m" * 4097})
        assert (response.status_code, response.json()["code"]) == (400, "validation_error")
        assert response.headers["content-type"] == "application/problem+json"
    raw = await asyncio.to_thread(
        _raw_http, live.port, b"GET /orders?x=" + b"a" * 300_000 + b" HTTP/1.1\r\nHost: t\r\n\r\n"
    )
    assert raw.startswith((b"HTTP/1.1 400", b"HTTP/1.1 414", b"HTTP/1.1 431")), raw[:100]


BODY_ENDPOINTS = [("POST", "/orders"), ("PATCH", "/orders/1/status")]


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (b"[" * 600 + b"]" * 600, "/body" + "/0" * 64),
        (b'{"customer": ' + b'{"a": ' * 600 + b"1" + b"}" * 600 + b"}", "/body/customer" + "/a" * 63),
        (b"[" * 20_000 + b"]" * 20_000, "/body"),  # too deep to read at all
    ],
    ids=["arrays", "objects-in-a-field", "unreadably-deep"],
)
async def test_a_body_nested_too_deeply_is_a_400_never_a_500(
    live: LiveService, method: str, path: str, body: bytes, pointer: str
) -> None:
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        response = await http.request(
            method, path, content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert "deeper than 64 levels" in problem["detail"]
    assert [error["pointer"] for error in problem["errors"]] == [pointer]


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
@pytest.mark.parametrize(
    "body",
    [b'{"customer": "caf\xe9", "product": "p", "quantity": 1}', b'{"status": "pa\xffid"}', b'{"\xc3": 1}'],
    ids=["latin-1-in-a-value", "stray-byte-in-a-value", "cut-sequence-in-a-key"],
)
async def test_a_body_that_is_not_utf8_is_a_400_never_a_500(
    live: LiveService, method: str, path: str, body: bytes
) -> None:
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        response = await http.request(
            method, path, content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_json"
    assert problem["detail"].startswith("The body is not valid JSON: its text is not UTF-8")


def _raw_http(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(200)
