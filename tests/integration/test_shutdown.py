"""Graceful shutdown of the real process: stop accepting, close 1001 to everyone, exit 0."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from tests.support.client import ContractClient, types_of
from tests.support.live import start_service


async def test_sigterm_closes_every_client_with_1001_and_exits_0(tmp_path: Path) -> None:
    service = start_service(tmp_path / "service.log")
    try:
        async with (
            ContractClient.connect(service.ws, channel="a") as one,
            ContractClient.connect(service.ws, channel="b") as two,
            ContractClient.connect(service.ws) as three,
        ):
            for client in (one, two, three):
                assert types_of(await client.request("ping", {}, request_id="before")) == [
                    "ack",
                    "event ws.pong",
                ]
            started = time.monotonic()
            service.process.send_signal(signal.SIGTERM)
            codes = []
            for client in (one, two, three):
                with pytest.raises(ConnectionClosed) as closed:
                    await client.recv(10)
                assert closed.value.rcvd is not None
                codes.append(closed.value.rcvd.code)
            assert codes == [1001, 1001, 1001]
            exit_code = await asyncio.to_thread(service.process.wait, 15)
            elapsed = time.monotonic() - started
    finally:
        service.stop()
    assert exit_code == 0
    print(f"\nSIGTERM → every client closed with 1001 → exit 0 in {elapsed:.2f}s")
    with pytest.raises(ConnectionRefusedError):
        async with websockets.connect(service.ws, open_timeout=2):
            pass
    log = "\n".join(service.log_lines())
    assert "Traceback" not in log
