"""Abrupt disconnects leave nothing behind: 10,000 connect/disconnect cycles of every kind."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx

from tests.support import rawws
from tests.support.live import LiveService

CYCLES = 10_000
PARALLEL = 16


def one_cycle(port: int, kind: int) -> None:
    sock = rawws.handshake(port, channel="churn")
    if kind == 0:  # a clean close frame from the client
        sock.sendall(b"\x88\x82" + b"\x00\x00\x00\x00" + b"\x03\xe8")
        sock.close()
    elif kind == 1:  # TCP reset, no close frame
        rawws.reset(sock)
    elif kind == 2:  # cut in the middle of a frame
        sock.sendall(rawws.text_frame('{"action": "echo", "payload": {"text": "half"}}')[:9])
        rawws.reset(sock)
    else:  # half a request, then just the socket closing
        sock.sendall(rawws.text_frame('{"action": "ping"}', fin=False))
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()


async def process_state(http: httpx.AsyncClient) -> tuple[int, int, int]:
    health = (await http.get("/health")).json()["process"]
    return health["rss_bytes"], health["tasks"], health["connections"]


async def settled(http: httpx.AsyncClient) -> tuple[int, int, int]:
    deadline = time.monotonic() + 15
    while True:
        state = await process_state(http)
        if state[2] == 0 or time.monotonic() > deadline:
            return state
        await asyncio.sleep(0.05)


async def test_connect_disconnect_cycles_leak_no_connection_task_or_memory(live: LiveService) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        # warm up, so allocator pools and caches are in place before measuring
        await asyncio.gather(*(asyncio.to_thread(one_cycle, live.port, n % 4) for n in range(200)))
        rss_before, tasks_before, _ = await settled(http)
        started = time.monotonic()
        semaphore = asyncio.Semaphore(PARALLEL)

        async def cycle(n: int) -> None:
            async with semaphore:
                await asyncio.to_thread(one_cycle, live.port, n % 4)

        await asyncio.gather(*(cycle(n) for n in range(CYCLES)))
        elapsed = time.monotonic() - started
        rss_after, tasks_after, connections = await settled(http)
        stats = (await http.get("/stats")).json()
    print(
        f"\n{CYCLES} connect/disconnect cycles in {elapsed:.1f}s: RSS {rss_before / 2**20:.1f} → "
        f"{rss_after / 2**20:.1f} MiB, tasks {tasks_before} → {tasks_after}, live connections {connections}"
    )
    assert connections == 0
    assert "churn" not in stats["channels"]
    assert tasks_after <= tasks_before + 2
    assert rss_after - rss_before < 16 * 2**20
