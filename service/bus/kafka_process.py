"""Event records to Kafka through a child process, so the service's event loop pays ~1 us a record.

Publishing with aiokafka costs the event loop several microseconds per record (the backlog, the
batches, the produce requests and their responses), which a busy single-threaded service feels
(see bench/: echo with Kafka on). This publisher only appends ``key<TAB>json<LF>`` to a buffer
that goes down a pipe once per loop turn; a child process (``python -m service.bus.kafka_child``)
runs :class:`~service.bus.kafka.KafkaPublisher` — the backlog, the retries, the outage handling —
on the other core, and reports its counts back a few times a second for ``/health``.

The child ignores SIGINT/SIGTERM and ends when the pipe closes, after flushing within
``KAFKA_FLUSH_SECONDS``: whichever way the service stops, buffered records still get their
chance. A child that dies is started again; records in the pipe at that moment are counted as
dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

import msgspec

from generated.ws_messages import EventRecord
from service.events.publisher import PublisherHealth
from service.settings import KafkaSettings

log = logging.getLogger("service.bus.kafka")

PIPE_BYTES_LIMIT = 64 * 1024 * 1024
"""Bytes waiting for a child that does not read; past it records are dropped and counted."""
RESTART_SECONDS = (0.2, 5.0)

_encoder = msgspec.json.Encoder()


class ChildReport(msgspec.Struct):
    """What the child says of itself, one JSON line at a time."""

    status: str
    received: int
    published: int
    buffered: int
    dropped: int
    topic: str | None = None
    error: str | None = None


class KafkaProcessPublisher:
    """An :class:`~service.events.publisher.EventPublisher` whose Kafka work runs in a child process."""

    def __init__(self, settings: KafkaSettings) -> None:
        if not settings.bootstrap_servers:
            raise ValueError("KafkaProcessPublisher needs KAFKA_BOOTSTRAP_SERVERS")
        self._settings = settings
        self._pending = bytearray()
        self._flush_scheduled = False
        self._child: asyncio.subprocess.Process | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._sent = 0
        self._dropped = 0
        self._lost = 0
        self._report = ChildReport(
            status="down",
            received=0,
            published=0,
            buffered=0,
            dropped=0,
            topic=settings.topic,
            error="not connected yet",
        )
        self._published_before = 0
        self._closing = False

    def publish(self, record: EventRecord, *, key: str) -> None:
        child = self._child
        if child is None or child.stdin is None or child.stdin.is_closing():
            self._dropped += 1
            return
        transport = child.stdin.transport
        if transport.get_write_buffer_size() + len(self._pending) > PIPE_BYTES_LIMIT:
            self._dropped += 1
            return
        pending = self._pending
        pending += key.encode()
        pending += b"\t"
        pending += _encoder.encode(record)
        pending += b"\n"
        self._sent += 1
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        child = self._child
        if not self._pending:
            return
        if child is None or child.stdin is None or child.stdin.is_closing():
            return
        child.stdin.write(bytes(self._pending))
        self._pending.clear()

    async def start(self) -> None:
        """Start the child and return at once: an unreachable broker only means ``down``."""
        await self._spawn()
        self._supervisor = asyncio.create_task(self._supervise(), name="kafka-forwarder")

    async def close(self) -> None:
        """Close the pipe: the child delivers what it holds within ``KAFKA_FLUSH_SECONDS`` and ends."""
        self._closing = True
        self._flush()
        child = self._child
        if child is None:
            return
        if child.stdin is not None:
            child.stdin.close()
        try:
            await asyncio.wait_for(child.wait(), self._settings.flush_seconds + 3)
        except TimeoutError:
            child.kill()
        if self._supervisor is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._supervisor, 3)

    def health(self) -> PublisherHealth:
        report = self._report
        in_pipe = max(0, self._sent - self._lost - report.received)
        return PublisherHealth(
            status="up" if report.status == "up" else "down",
            published=self._published_before + report.published,
            buffered=report.buffered + in_pipe,
            dropped=report.dropped + self._dropped + self._lost,
            topic=report.topic,
            error=None if report.status == "up" else report.error,
        )

    async def _spawn(self) -> None:
        self._child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "service.bus.kafka_child",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=self._child_env(),
        )

    def _child_env(self) -> dict[str, str]:
        settings = self._settings
        assert settings.bootstrap_servers is not None
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
            "KAFKA_TOPIC": settings.topic,
            "KAFKA_BUFFER_EVENTS": str(settings.buffer_events),
            "KAFKA_FLUSH_SECONDS": str(settings.flush_seconds),
            "KAFKA_COMPRESSION": settings.compression,
        }

    async def _supervise(self) -> None:
        restart = RESTART_SECONDS[0]
        while True:
            child = self._child
            assert child is not None
            assert child.stdout is not None
            while line := await child.stdout.readline():
                with contextlib.suppress(msgspec.DecodeError):
                    self._report = msgspec.json.decode(line, type=ChildReport)
                    restart = RESTART_SECONDS[0]
            await child.wait()
            if self._closing:
                return
            # Whatever the child had not delivered is gone with it: count it, start a new one.
            report = self._report
            self._lost += max(0, self._sent - self._lost - report.received) + report.buffered
            self._published_before += report.published
            self._sent -= report.received
            self._report = ChildReport(
                status="down",
                received=0,
                published=0,
                buffered=0,
                dropped=report.dropped,
                topic=report.topic,
                error=f"the Kafka forwarder exited with {child.returncode}; restarting",
            )
            log.warning(
                "kafka forwarder exited with %s; restarting",
                child.returncode,
                extra={"event.action": "kafka.forwarder_restart"},
            )
            await asyncio.sleep(restart)
            restart = min(restart * 2, RESTART_SECONDS[1])
            await self._spawn()
