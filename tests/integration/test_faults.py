"""Faults a tester asks for, over real sockets: every frame still checked against the AsyncAPI.

Per request (``simulate``) and per connection (the handshake's fault parameters); each fault is
also an event record ``fault.injected``; the same ``seed`` gives the same faults; ``FAULTS=off``
refuses them all.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.support import rawws
from tests.support.client import ContractClient, Frame, types_of
from tests.support.live import LiveService, running_service

Env = dict[str, str]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {"WS_PING_INTERVAL": "0"}
    with running_service(Path(tmp_path_factory.mktemp("faults")) / "service.log", env) as live:
        yield live


def frame(action: str, request_id: str, simulate: dict[str, Any], payload: Frame | None = None) -> Frame:
    sent: Frame = {"action": action, "request_id": request_id, "simulate": simulate}
    if payload is not None:
        sent["payload"] = payload
    return sent


async def fault_records(service: LiveService, request_id: str | None = None) -> list[Frame]:
    params = {"event": "fault.injected", **({"request_id": request_id} if request_id else {})}
    async with httpx.AsyncClient(base_url=service.http) as http:
        records: list[Frame] = (await http.get("/events", params=params)).json()
    return records


async def test_a_delayed_answer_comes_after_a_later_request_s_answer(service: LiveService) -> None:
    async with ContractClient.connect(service.ws, channel="f-delay") as client:
        started = time.monotonic()
        await client.send(frame("triplet_demo", "slow", {"delay_ms": 400}))
        await client.send({"action": "echo", "payload": {}, "request_id": "fast"})
        order = [(await client.recv())["request_id"] for _ in range(7)]
        assert order == ["fast"] * 3 + ["slow"] * 4
        assert time.monotonic() - started >= 0.4
    (record,) = await fault_records(service, "slow")
    assert record["data"] == {"target": "request", "action": "triplet_demo", "faults": {"delay_ms": 400}}


async def test_a_gap_spaces_the_frames_of_an_answer(service: LiveService) -> None:
    async with ContractClient.connect(service.ws, channel="f-gap") as client:
        await client.send(frame("triplet_demo", "g", {"gap_ms": 150}))
        stamps = []
        for _ in range(4):
            await client.recv()
            stamps.append(time.monotonic())
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.12, gaps


async def test_drop_and_duplicate_change_which_frames_come(service: LiveService) -> None:
    async with ContractClient.connect(service.ws, channel="f-drop") as client:
        await client.send(frame("triplet_demo", "d", {"drop": ["event"], "duplicate": ["step"]}))
        got = [await client.recv() for _ in range(5)]
        assert types_of(got) == ["ack", "step 1", "step 1", "step 2", "step 2"]
        assert await client.silent_for(0.3)  # the event never comes


async def test_fail_answers_ack_then_the_error_and_changes_nothing(service: LiveService) -> None:
    async with ContractClient.connect(service.ws, channel="f-fail") as client:
        before = await client.request("get_order", {"id": 2}, request_id="before")
        await client.send(
            frame("change_status", "f", {"fail": "storage_unavailable"}, {"id": 2, "status": "shipped"})
        )
        answer = await client.answers("f")
        assert types_of(answer) == ["ack", "error storage_unavailable"]
        after = await client.request("get_order", {"id": 2}, request_id="after")
        assert after[1]["data"] == before[1]["data"]


async def test_close_ends_the_connection_with_the_code_after_the_frames_asked_for(
    service: LiveService,
) -> None:
    async with websockets.connect(f"{service.ws}?channel=f-close") as ws:
        await ws.send(
            json.dumps(frame("echo", "c", {"close": {"code": 4321, "reason": "bye", "after_frames": 2}}))
        )
        got = [json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] for _ in range(2)]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert got == ["ack", "echo"]
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4321, "bye")


def test_fragment_sends_each_frame_in_pieces(service: LiveService) -> None:
    sock = rawws.handshake(service.port, channel="f-fragment")
    try:
        sock.sendall(rawws.text_frame(json.dumps(frame("echo", "fr", {"fragment": 3}, {"text": "x" * 60}))))
        messages = rawws.read_messages(sock, 3)
    finally:
        sock.close()
    assert [len(pieces) for _, pieces in messages] == [3, 3, 3]
    assert [json.loads(text)["type"] for text, _ in messages] == ["ack", "echo", "event"]


async def test_a_bad_simulate_is_a_validation_error_and_nothing_is_applied(service: LiveService) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"delay_ms": 30001}, "/simulate/delay_ms"),
        ({"drop": ["nonsense"]}, "/simulate/drop/0"),
        ({"close": {"code": 1005}}, "/simulate/close/code"),
        ({"fragment": 1}, "/simulate/fragment"),
        ({"surprise": True}, "/simulate/surprise"),
        ({"shuffle": "yes"}, "/simulate/shuffle"),
    ]
    async with ContractClient.connect(service.ws, channel="f-bad") as client:
        for n, (simulate, pointer) in enumerate(cases):
            answer = await client.raw_request(
                json.dumps(frame("echo", f"b{n}", simulate)), request_id=f"b{n}"
            )
            assert types_of(answer) == ["error validation_error"], (simulate, answer)
            assert answer[0]["details"]["pointer"] == pointer, (simulate, answer)
    assert not [r for r in await fault_records(service) if str(r["request_id"]).startswith("b")]


async def test_at_most_100_delayed_answers_wait(service: LiveService) -> None:
    async with ContractClient.connect(service.ws, channel="f-many") as client:
        for n in range(100):
            await client.send(frame("ping", f"w{n}", {"delay_ms": 20000}))
        answer = await client.raw_request(
            json.dumps(frame("ping", "one-too-many", {"delay_ms": 10})), request_id="one-too-many"
        )
        assert types_of(answer) == ["error rate_limited"]


async def test_a_client_that_leaves_while_answers_wait_leaves_nothing_behind(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.http) as http:
        before = (await http.get("/health")).json()["process"]
        async with ContractClient.connect(service.ws, channel="f-leave") as client:
            for n in range(50):
                await client.send(frame("echo", f"l{n}", {"delay_ms": 2000, "gap_ms": 100}))
        await asyncio.sleep(0.5)
        after = (await http.get("/health")).json()["process"]
    assert after["connections"] == before["connections"]
    assert after["tasks"] <= before["tasks"]


async def test_handshake_latency_delays_every_frame_and_keeps_the_order(service: LiveService) -> None:
    async with ContractClient.connect(
        f"{service.ws}?latency_ms=250&jitter_ms=100&seed=3&channel=f-latency"
    ) as client:
        started = time.monotonic()
        await client.send({"action": "triplet_demo", "request_id": "t"})
        answer = await client.answers("t")
        assert time.monotonic() - started >= 0.25
        assert types_of(answer) == ["ack", "step 1", "step 2", "event ws.triplet_demo"]


async def test_drop_rate_leaves_out_notifications_and_reports_each(service: LiveService) -> None:
    async with (
        ContractClient.connect(f"{service.ws}?drop_rate=1&channel=f-rate") as lossy,
        ContractClient.connect(service.ws, channel="f-rate") as sender,
    ):
        await sender.request("broadcast", {"message": "lost"}, request_id="br")
        assert await lossy.silent_for(0.4)
    records = await fault_records(service)
    assert any(r["data"]["faults"] == {"dropped": "broadcast", "drop_rate": 1.0} for r in records)


async def test_disconnect_after_closes_with_the_code_asked_for(service: LiveService) -> None:
    started = time.monotonic()
    async with websockets.connect(
        f"{service.ws}?channel=f-bye&disconnect_after_ms=300&disconnect_code=1013"
    ) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1013
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ("latency_ms=-1", "/query/latency_ms"),
        ("drop_rate=2", "/query/drop_rate"),
        ("disconnect_code=1005", "/query/disconnect_code"),
        ("seed=x", "/query/seed"),
    ],
)
async def test_a_bad_fault_parameter_refuses_the_handshake_with_400(
    service: LiveService, query: str, pointer: str
) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(f"{service.ws}?{query}"):
            pass
    response = refused.value.response
    assert response.status_code == 400
    problem = json.loads(response.body or b"{}")
    assert problem["code"] == "validation_error"
    assert problem["errors"][0]["pointer"] == pointer


async def recorded_run(service: LiveService, channel: str) -> list[tuple[str, Any]]:
    """What a client sees for the same requests on a seeded connection: types, steps, timing order."""
    async with ContractClient.connect(f"{service.ws}?seed=42&jitter_ms=30&channel={channel}") as client:
        for n in range(4):
            await client.send(frame("triplet_demo", f"s{n}", {"shuffle": True, "duplicate": ["step"]}))
        seen = [await client.recv() for _ in range(4 * 6)]
    return [(f["request_id"], f.get("step", f["type"])) for f in seen]


async def test_the_same_seed_gives_the_same_faults(service: LiveService) -> None:
    first = await recorded_run(service, "f-seed-1")
    second = await recorded_run(service, "f-seed-2")
    assert first == second
    steps = [tuple(kind for rid, kind in first if rid == f"s{n}") for n in range(4)]
    assert len(set(steps)) > 1, steps  # the shuffles differ from one request to the next


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {"WS_PING_INTERVAL": "0", "FAULTS": "off"}
    with running_service(Path(tmp_path_factory.mktemp("pristine")) / "service.log", env) as live:
        yield live


async def test_faults_off_refuses_simulate_and_fault_parameters(pristine: LiveService) -> None:
    async with ContractClient.connect(pristine.ws, channel="p") as client:
        answer = await client.raw_request(json.dumps(frame("echo", "x", {"delay_ms": 10})), request_id="x")
        assert types_of(answer) == ["error faults_disabled"]
        assert types_of(await client.request("echo", {}, request_id="plain")) == [
            "ack",
            "echo",
            "event ws.echo",
        ]
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(f"{pristine.ws}?latency_ms=10"):
            pass
    assert refused.value.response.status_code == 400
    assert json.loads(refused.value.response.body or b"{}")["code"] == "faults_disabled"
