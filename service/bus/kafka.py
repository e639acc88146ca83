"""Event records to a Kafka topic, off the request path, surviving broker outages.

``publish`` encodes the record and appends it to a bounded :class:`Backlog`; one sender task
connects (creating the topic if missing), delivers the backlog in rounds and, when the broker
goes away, keeps the records and retries with backoff. The WebSocket side never waits for it.
Delivery is at-least-once and in order per key (see :meth:`Backlog.settle`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import msgspec

from generated.ws_messages import EventRecord
from service.bus.backlog import Backlog
from service.bus.kafka_topic import MAX_RECORD_BYTES, TopicWriter
from service.events.publisher import PublisherHealth
from service.settings import KafkaSettings

log = logging.getLogger("service.bus.kafka")

ROUND_RECORDS = 5000
# While records trickle in, wait this long before a round so it carries more of them: a
# round's fixed cost (aiokafka's produce request and its response, timers, syscalls) is then
# shared, and no client waits on it. In-process at ~18k events/s (scratch figures, same run):
# ~6.7 us of CPU per event at 10 ms, ~3.6 us at 50 ms, ~3.2 us at 100 ms.
LINGER_SECONDS = 0.05
IDLE_CHECK_SECONDS = 1.0
BACKOFF_SECONDS = (0.1, 2.0)
DROP_LOG_SECONDS = 5.0

_encoder = msgspec.json.Encoder()


class KafkaPublisher:
    """Publishes event records to ``settings.topic`` on ``settings.bootstrap_servers``."""

    def __init__(self, settings: KafkaSettings) -> None:
        if not settings.bootstrap_servers:
            raise ValueError("KafkaPublisher needs KAFKA_BOOTSTRAP_SERVERS")
        self._writer = TopicWriter(
            servers=settings.bootstrap_servers, topic=settings.topic, compression=settings.compression
        )
        self._flush_seconds = settings.flush_seconds
        self._backlog = Backlog(limit=settings.buffer_events, max_record_bytes=MAX_RECORD_BYTES)
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._up = False
        self._error = "not connected yet"
        self._down_logged = False
        self._drops_reported = 0
        self._drops_logged_at = -DROP_LOG_SECONDS

    def publish(self, record: EventRecord, *, key: str) -> None:
        if self._backlog.add(key.encode(), _encoder.encode(record)):
            self._wakeup.set()
        elif time.monotonic() - self._drops_logged_at >= DROP_LOG_SECONDS:
            self._report_drops()

    async def start(self) -> None:
        """Start the sender and return at once: an unreachable broker only means ``down``."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="kafka-publisher")

    async def close(self) -> None:
        """Deliver the backlog for up to ``KAFKA_FLUSH_SECONDS``, then stop."""
        if self._task is None:
            return
        self._closing = True
        self._wakeup.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self._flush_seconds)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._writer.close()
        self._report_drops()
        if self._backlog:
            log.warning(
                "closed with %d event record(s) undelivered",
                len(self._backlog),
                extra={"event.action": "kafka.undelivered", "kafka_topic": self._writer.topic},
            )

    def health(self) -> PublisherHealth:
        return PublisherHealth(
            status="up" if self._up else "down",
            published=self._backlog.published,
            buffered=len(self._backlog),
            dropped=self._backlog.dropped,
            topic=self._writer.topic,
            error=None if self._up else self._error,
        )

    async def _run(self) -> None:
        backoff = BACKOFF_SECONDS[0]
        while True:
            try:
                await self._writer.open()
                self._went_up()
                backoff = BACKOFF_SECONDS[0]
                await self._deliver()
                return
            except Exception as error:  # whatever went wrong, keep the records and retry
                self._went_down(error)
                self._report_drops()
            await self._writer.close()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_SECONDS[1])

    async def _deliver(self) -> None:
        """Send rounds until closing with nothing left; raise when the broker fails a round."""
        while True:
            self._report_drops()
            if self._backlog.waiting:
                if self._backlog.waiting < ROUND_RECORDS and not self._closing:
                    await asyncio.sleep(LINGER_SECONDS)
                delivered, failure = await self._writer.write(self._backlog.take(ROUND_RECORDS))
                self._backlog.settle(delivered)
                if failure is not None:
                    raise failure
                continue
            if self._closing:
                return
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), IDLE_CHECK_SECONDS)
            except TimeoutError:
                # Idle: ask the broker anyway, so /health notices an outage with no traffic.
                await self._writer.ensure_topic()

    def _went_up(self) -> None:
        self._up, self._down_logged = True, False
        log.info(
            "kafka up, %d event record(s) to deliver",
            len(self._backlog),
            extra={"event.action": "kafka.up", "kafka_topic": self._writer.topic},
        )

    def _went_down(self, error: BaseException) -> None:
        self._up, self._error = False, str(error) or type(error).__name__
        if not self._down_logged:  # once per outage, not once per retry
            self._down_logged = True
            log.warning(
                "kafka down (%s), buffering event records",
                self._error,
                extra={"event.action": "kafka.down", "kafka_topic": self._writer.topic},
            )

    def _report_drops(self) -> None:
        """Log records dropped since the last report, at most once per ``DROP_LOG_SECONDS``."""
        fresh = self._backlog.dropped - self._drops_reported
        now = time.monotonic()
        if fresh and (now - self._drops_logged_at >= DROP_LOG_SECONDS or self._closing):
            log.warning(
                "dropped %d event record(s) (buffer full or record too large), %d in all",
                fresh,
                self._backlog.dropped,
                extra={"event.action": "kafka.dropped", "kafka_topic": self._writer.topic},
            )
            self._drops_reported, self._drops_logged_at = self._backlog.dropped, now
