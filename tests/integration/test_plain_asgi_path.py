"""The same behaviour with direct writes off (``WS_DIRECT_WRITE=0``): every frame through ASGI ``send``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import rawws
from tests.support.client import ContractClient, types_of
from tests.support.live import LiveService, running_service


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {"WS_DIRECT_WRITE": "0", "WS_OUTBOX_FRAMES": "64", "WS_PING_INTERVAL": "0"}
    with running_service(Path(tmp_path_factory.mktemp("plain")) / "service.log", env) as service:
        yield service


async def test_answers_and_broadcasts_keep_their_order(plain: LiveService) -> None:
    async with (
        ContractClient.connect(plain.ws, channel="p") as one,
        ContractClient.connect(plain.ws, channel="p") as two,
    ):
        for n in range(20):
            assert types_of(await one.request("triplet_demo", {}, request_id=f"t-{n}")) == [
                "ack",
                "step 1",
                "step 2",
                "event ws.triplet_demo",
            ]
        answers = await one.request("broadcast", {"message": "plain"}, request_id="b")
        assert types_of(answers) == ["ack", "broadcast", "event ws.broadcast"]
        frame = await two.recv()
        assert (frame["type"], frame["message"]) == ("broadcast", "plain")


async def test_a_client_that_stops_reading_is_still_dropped(plain: LiveService) -> None:
    slow = await asyncio.to_thread(rawws.handshake, plain.port, channel="slow", rcvbuf=4096)
    async with httpx.AsyncClient(base_url=plain.http) as http:
        for _ in range(3000):
            await http.post("/broadcast", params={"message": "x" * 4000, "channel": "slow"})
        for _ in range(100):
            if "slow" not in (await http.get("/stats")).json()["channels"]:
                break
            await asyncio.sleep(0.05)
        assert "slow" not in (await http.get("/stats")).json()["channels"]
    slow.close()
