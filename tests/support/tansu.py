"""Ways to see what the service sent a Kafka-protocol broker, for tests.

The broker itself (``TansuBroker``, ``running_tansu``) lives in ``tools/live/tansu.py``, shared
with ``bench/``. ``KafkaTarget`` is a broker plus the topic the service publishes to: it reads the
topic back from the beginning. ``kafka_health``/``wait_for_kafka`` read ``dependencies.kafka`` of
``/health``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from tools.live.service import LiveService
from tools.live.tansu import TansuBroker, running_tansu

__all__ = [
    "NO_RATE_LIMIT",
    "KafkaTarget",
    "TansuBroker",
    "TopicRecord",
    "kafka_health",
    "running_tansu",
    "wait_for_kafka",
]


#: These tests send as fast as they can; the per-client rate limit would answer ``rate_limited``.
NO_RATE_LIMIT = {"WS_RATE_PER_SECOND": "1000000", "WS_RATE_BURST": "1000000"}


@dataclass(frozen=True)
class TopicRecord:
    """One record read back from the topic."""

    key: str
    value: dict[str, Any]
    partition: int
    offset: int


@dataclass
class KafkaTarget:
    """The broker a test talks to, and the topic the service is to publish to."""

    bootstrap: str
    topic: str
    broker: TansuBroker | None
    """The Tansu broker when the test owns it (so it may kill it); ``None`` for an external one."""

    def service_env(self, **extra: str) -> dict[str, str]:
        """Environment for ``start_service``; ``KAFKA_TOPIC`` only when it is not the default."""
        env = {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap, **extra}
        if self.topic != "ws_events":
            env["KAFKA_TOPIC"] = self.topic
        return env

    async def partitions(self) -> int:
        """How many partitions the topic has (0 when the broker does not know it)."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None)
        await consumer.start()
        try:
            # topics() asks for every topic: naming ours could make the broker auto-create it.
            known = await consumer.topics()
            return len(consumer.partitions_for_topic(self.topic) or ()) if self.topic in known else 0
        finally:
            await consumer.stop()

    async def read(
        self, until: Callable[[list[TopicRecord]], bool], timeout: float = 15
    ) -> list[TopicRecord]:
        """Every record of the topic from the beginning, read until ``until(records)`` or ``timeout``."""
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        records: list[TopicRecord] = []
        try:
            deadline = time.monotonic() + timeout
            while not until(records) and time.monotonic() < deadline:
                batches = await consumer.getmany(timeout_ms=200)
                for messages in batches.values():
                    records.extend(
                        TopicRecord(m.key.decode(), json.loads(m.value), m.partition, m.offset)
                        for m in messages
                    )
        finally:
            await consumer.stop()
        return records


async def kafka_health(service: LiveService) -> dict[str, Any]:
    """``dependencies.kafka`` of ``GET /health`` (which answers 200 whatever the broker does)."""
    async with httpx.AsyncClient(base_url=service.http, timeout=5) as http:
        response = await http.get("/health")
    assert response.status_code == 200, response.text
    kafka: dict[str, Any] = response.json()["dependencies"]["kafka"]
    return kafka


async def wait_for_kafka(
    service: LiveService, condition: Callable[[dict[str, Any]], bool], timeout: float = 15
) -> dict[str, Any]:
    """Poll ``/health`` until ``condition(dependencies.kafka)`` holds; fail with the last state."""
    deadline = time.monotonic() + timeout
    while True:
        state = await kafka_health(service)
        if condition(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"/health never got there in {timeout}s; last dependencies.kafka: {state}")
        await asyncio.sleep(0.05)
