"""The fast path stays taken: frames are written straight into uvicorn's connection.

Direct writes rely on attributes of uvicorn's websockets-sansio protocol. An upgrade that
renames one would make every connection fall back to (slower) ASGI sends; these tests fail
then, instead of the benchmark quietly getting worse.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import uvicorn
import websockets

from service.__main__ import uvicorn_config, write_path
from service.app import ServiceApp, create_app
from service.settings import Settings
from service.transport.connection import Connection
from tests.support.live import LiveService, free_port


def settings_for(port: int, **env: str) -> Settings:
    return Settings.from_env({"HOST": "127.0.0.1", "PORT": str(port), "WS_PING_INTERVAL": "0", **env})


def test_the_pinned_uvicorn_allows_direct_writes() -> None:
    settings = settings_for(free_port())
    assert write_path(uvicorn_config(settings, create_app(settings)), settings) is None


def test_turning_direct_writes_off_is_reported() -> None:
    settings = settings_for(free_port(), WS_DIRECT_WRITE="0")
    assert write_path(uvicorn_config(settings, create_app(settings)), settings) == "WS_DIRECT_WRITE=0"


def test_the_service_says_at_start_up_which_write_path_is_active(live: LiveService) -> None:
    lines = [json.loads(line) for line in live.log_lines() if line.startswith("{")]
    (said,) = [line for line in lines if line.get("event", {}).get("action") == "ws.write_path"]
    assert said["write_path"] == "direct"


@pytest.fixture
async def served() -> AsyncIterator[tuple[ServiceApp, int]]:
    """The service in this process, served by uvicorn exactly as ``python -m service`` configures it."""
    port = free_port()
    settings = settings_for(port)
    app = create_app(settings)
    config = uvicorn_config(settings, app)
    config.loop = "none"  # this test's own event loop
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.02)
    try:
        yield app, port
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_real_connections_write_directly(served: tuple[ServiceApp, int]) -> None:
    app, port = served
    async with (
        websockets.connect(f"ws://127.0.0.1:{port}/ws?channel=fast") as one,
        websockets.connect(f"ws://127.0.0.1:{port}/ws?channel=fast") as two,
    ):
        await one.send('{"action":"echo","payload":{},"request_id":"e"}')
        answers = [json.loads(await one.recv()) for _ in range(3)]
        assert [a["type"] for a in answers] == ["ack", "echo", "event"]
        connections = app.runtime.hub.everyone()
        assert len(connections) == 2
        assert all(isinstance(c, Connection) and c.writes_directly for c in connections)
        await two.send('{"action":"ping","request_id":"p"}')
        assert json.loads(await two.recv())["type"] == "ack"
