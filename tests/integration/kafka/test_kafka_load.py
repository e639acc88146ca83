"""A measurement, not a speed assertion: events/s published to Kafka while 20 WebSocket clients
echo as fast as they can for 5 s, next to the same load with no broker configured.

Run with ``-s`` to see the figures. What is asserted is that nothing is lost under load.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped, unused-ignore]
import pytest
import websockets

from tests.support.live import LiveService, start_service
from tests.support.tansu import NO_RATE_LIMIT, KafkaTarget, kafka_health, wait_for_kafka

pytestmark = pytest.mark.kafka

CLIENTS = 20
SECONDS = 5.0


async def echo_client(url: str, number: int, until: float) -> int:
    """Echo in a loop until ``until``; returns how many echoes completed (one event each)."""
    done = 0
    async with websockets.connect(f"{url}?channel=load-{number % 4}") as connection:
        while time.monotonic() < until:
            request_id = f"load-{number}-{done}"
            await connection.send(
                json.dumps({"action": "echo", "payload": {"n": done}, "request_id": request_id})
            )
            while True:
                frame = json.loads(await asyncio.wait_for(connection.recv(), 10))
                if frame["request_id"] == request_id and frame["type"] in ("event", "error"):
                    assert frame["type"] == "event", frame
                    break
            done += 1
    return done


async def watch_buffer(service: LiveService, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak.append((await kafka_health(service))["buffered"])
        await asyncio.sleep(0.25)


@dataclass(frozen=True)
class LoadRun:
    echoes: int
    seconds: float
    service_cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.echoes / self.seconds

    @property
    def cpu_us_per_event(self) -> float:
        return self.service_cpu_seconds / self.echoes * 1e6


def cpu_seconds(service: LiveService) -> float:
    times = psutil.Process(service.process.pid).cpu_times()
    return float(times.user + times.system)


async def load(service: LiveService) -> LoadRun:
    """Run the clients for ``SECONDS``; each echo is one event."""
    cpu, began = cpu_seconds(service), time.monotonic()
    counts = await asyncio.gather(*(echo_client(service.ws, n, began + SECONDS) for n in range(CLIENTS)))
    return LoadRun(sum(counts), time.monotonic() - began, cpu_seconds(service) - cpu)


async def test_events_per_second_published_under_websocket_load(kafka: KafkaTarget, tmp_path: Path) -> None:
    baseline_service = start_service(tmp_path / "baseline.log", env=NO_RATE_LIMIT)
    try:
        baseline = await load(baseline_service)
    finally:
        baseline_service.stop()

    service = start_service(tmp_path / "service.log", env=kafka.service_env(**NO_RATE_LIMIT))
    try:
        before: dict[str, Any] = await wait_for_kafka(service, lambda state: state["status"] == "up")
        peak: list[int] = []
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_buffer(service, peak, stop))
        began = time.monotonic()
        run = await load(service)
        after = await wait_for_kafka(service, lambda state: state["buffered"] == 0, timeout=60)
        drained = time.monotonic() - began
        stop.set()
        await watcher
    finally:
        service.stop()

    published = after["published"] - before["published"]
    print(
        f"\n{CLIENTS} clients, {SECONDS:.0f} s of echo, one event each:"
        f"\n  without Kafka: {baseline.per_second:,.0f} events/s, service CPU {baseline.cpu_us_per_event:.0f} us/event"
        f"\n  with Kafka:    {run.per_second:,.0f} events/s, service CPU {run.cpu_us_per_event:.0f} us/event;"
        f" {published / drained:,.0f} events/s published (all {published:,} on the topic {drained:.2f} s"
        f" after the start), buffer peak {max(peak, default=0):,}"
    )
    assert published == run.echoes, "under load every event still reaches the topic"
    assert (after["status"], after["dropped"]) == ("up", 0)
