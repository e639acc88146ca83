"""A client that floods costs the others nothing, and its close is logged once.

One client sends frames as fast as loopback takes them (far over its rate) and reconnects each
time the service closes it; meanwhile another client's echo round trips are timed. The service
stops reading a client it closes (its bytes wait in the kernel), so the other client's p99 stays
low. This is an isolation property, asserted with a wide margin for a busy 2-core machine.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from tests.support.live import ROOT, LiveService, running_service

FLOOD_SECONDS = 5.0
P99_BOUND_MS = 50.0


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {"WS_PING_INTERVAL": "0", "LOG_ACTIONS": "off"}
    with running_service(Path(tmp_path_factory.mktemp("flood")) / "service.log", env) as live:
        yield live


async def echo_latencies(url: str, seconds: float) -> list[float]:
    """Echo round trips, one after another, each kept under the client's rate limit."""
    latencies = []
    async with websockets.connect(f"{url}?channel=calm") as client:
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            n += 1
            started = time.perf_counter()
            await client.send(json.dumps({"action": "echo", "payload": {"n": n}, "request_id": f"c-{n}"}))
            for _ in range(3):
                await asyncio.wait_for(client.recv(), 5)
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.025)  # ~35 a second: under the 50/s rate
    return latencies


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def test_a_flooding_client_that_reconnects_does_not_slow_the_others(service: LiveService) -> None:
    flooder = subprocess.Popen(
        [sys.executable, "-m", "tests.support.flood", str(service.port), str(FLOOD_SECONDS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        latencies = await echo_latencies(service.ws, FLOOD_SECONDS)
        out, _ = await asyncio.to_thread(flooder.communicate, timeout=30)
    finally:
        flooder.kill()
    flood = json.loads(out.strip().splitlines()[-1])
    assert flood["connections"] >= 3, flood  # it was closed and came back, several times
    assert set(flood["close_codes"]) == {1008}, flood
    assert len(latencies) > 100
    assert p99(latencies) < P99_BOUND_MS, f"p99 {p99(latencies):.1f} ms during the flood; flood: {flood}"

    await asyncio.sleep(0.5)
    lines = [json.loads(line) for line in service.log_lines() if line.startswith("{")]
    flood_lines = [line for line in lines if line.get("event", {}).get("action") == "ws.flood_closed"]
    # One line per closed client, not one per frame it kept sending.
    assert len(flood["close_codes"]) <= len(flood_lines) <= flood["connections"], (len(flood_lines), flood)
