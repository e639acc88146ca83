"""Event records to a Kafka topic, off the request path, surviving broker outages.

``publish`` encodes the record and appends it to a list, within the bound; everything else
happens in one sender task, a round at a time: it moves what was published since the last
round into a :class:`Backlog` (grouped by key), connects (creating the topic if missing),
delivers the backlog and, when the broker goes away, keeps the records and retries with
backoff. The WebSocket side never waits for it. Delivery is at-least-once and in order per
key (see :meth:`Backlog.settle`).

Per event the request path does only what needs the record while it is fresh in the caches
(encoding it); the bookkeeping is done for many records at once in the sender.
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
from service.bus.receipts import Receipts
from service.events.publisher import PublisherHealth, Receipt
from service.settings import KafkaSettings

log = logging.getLogger("service.bus.kafka")

ROUND_RECORDS = 10_000
# How long a round waits for more records. A round has a fixed cost: aiokafka's produce
# request and its response, a few large buffers, timers, syscalls; ~0.5 ms of CPU measured
# in-process, several ms in a service under load. While records trickle in (a tester at the
# keyboard) a round goes after LINGER_LIGHT_SECONDS, so the record is on the topic at once.
# Under load (at least BUSY_EVENTS_PER_SECOND) it waits LINGER_BUSY_SECONDS and carries
# thousands of records. Measured with bench/ (echo, 50 clients, Kafka on vs off), service
# CPU per round trip above Kafka off: +10 us with 50 ms rounds, +7 us at 200 ms, +3 us at
# 500 ms; nothing sent at all, +4 us.
LINGER_LIGHT_SECONDS = 0.01
LINGER_BUSY_SECONDS = 0.25
BUSY_EVENTS_PER_SECOND = 1000
IDLE_CHECK_SECONDS = 1.0
BACKOFF_SECONDS = (0.1, 2.0)
DROP_LOG_SECONDS = 5.0

_encoder = msgspec.json.Encoder()


def next_linger(records: int, seconds: float) -> float:
    """How long the next round waits, when the last one carried ``records`` published over
    ``seconds`` (since the round before it began)."""
    busy = records >= BUSY_EVENTS_PER_SECOND * max(seconds, LINGER_LIGHT_SECONDS)
    return LINGER_BUSY_SECONDS if busy else LINGER_LIGHT_SECONDS


class KafkaPublisher:
    """Publishes event records to ``settings.topic`` on ``settings.bootstrap_servers``."""

    def __init__(self, settings: KafkaSettings) -> None:
        if not settings.bootstrap_servers:
            raise ValueError("KafkaPublisher needs KAFKA_BOOTSTRAP_SERVERS")
        self._writer = TopicWriter(
            servers=settings.bootstrap_servers, topic=settings.topic, compression=settings.compression
        )
        self._flush_seconds = settings.flush_seconds
        self._limit = settings.buffer_events
        self._backlog = Backlog(limit=settings.buffer_events, max_record_bytes=MAX_RECORD_BYTES)
        self._pending: list[tuple[bytes, bytes]] = []
        """Published since the sender last looked: encoded, not yet in the backlog."""
        self._pending_receipts: dict[int, Receipt] = {}
        """Receipts of ``_pending`` records, by their index there (only traced records have one)."""
        self._receipts = Receipts()
        self._kept = 0
        """``len(self._backlog)`` as of the sender's last change to it (only the sender changes it)."""
        self._refused = 0
        """Records ``publish`` refused at the bound (the backlog counts its own refusals)."""
        self._idle = False
        self._linger = LINGER_LIGHT_SECONDS
        self._round_started = time.monotonic()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._up = False
        self._error = "not connected yet"
        self._down_logged = False
        self._drops_reported = 0
        self._drops_logged_at = -DROP_LOG_SECONDS

    def publish(self, record: EventRecord, *, key: str, receipt: Receipt | None = None) -> None:
        pending = self._pending
        if len(pending) + self._kept < self._limit:
            if receipt is not None:
                self._pending_receipts[len(pending)] = receipt
            pending.append((key.encode(), _encoder.encode(record)))
            if self._idle:
                self._idle = False
                self._wakeup.set()
            return
        if receipt is not None:
            receipt.dropped("the Kafka buffer is full (KAFKA_BUFFER_EVENTS)")
        self._refused += 1
        if time.monotonic() - self._drops_logged_at >= DROP_LOG_SECONDS:
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
        self._take_pending()
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
            buffered=len(self._backlog) + len(self._pending),
            dropped=self._dropped,
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
            self._take_pending()
            self._report_drops()
            await self._writer.close()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_SECONDS[1])

    async def _deliver(self) -> None:
        """Send rounds until closing with nothing left; raise when the broker fails a round."""
        while True:
            self._take_pending()
            self._report_drops()
            if self._backlog.waiting:
                if self._backlog.waiting + len(self._pending) < ROUND_RECORDS and not self._closing:
                    await asyncio.sleep(self._linger)
                    self._take_pending()
                round_ = self._backlog.take(ROUND_RECORDS)
                started, self._round_started = self._round_started, time.monotonic()
                self._linger = next_linger(self._backlog.in_flight, self._round_started - started)
                written = await self._writer.write(round_)
                self._backlog.settle(written.delivered)
                self._receipts.settle(topic=self._writer.topic, placed=written.placed)
                self._kept = len(self._backlog)
                if written.failure is not None:
                    raise written.failure
                continue
            if self._closing:
                return
            self._idle = True  # the next publish sets the wakeup
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), IDLE_CHECK_SECONDS)
            except TimeoutError:
                # Idle: ask the broker anyway, so /health notices an outage with no traffic.
                await self._writer.ensure_topic()
            finally:
                self._idle = False

    def _take_pending(self) -> None:
        """Move what was published since the last look into the backlog, oldest first."""
        pending, self._pending = self._pending, []
        receipts, self._pending_receipts = self._pending_receipts, {}
        backlog = self._backlog
        add = backlog.add
        if not receipts:
            for key, value in pending:
                add(key, value)
        else:
            for index, (key, value) in enumerate(pending):
                added = add(key, value)
                receipt = receipts.get(index)
                if receipt is None:
                    continue
                if added:
                    self._receipts.watch(key, backlog.count(key), receipt)
                else:
                    receipt.dropped("the Kafka buffer is full or the record is too large")
        self._kept = len(backlog)

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

    @property
    def _dropped(self) -> int:
        return self._refused + self._backlog.dropped

    def _report_drops(self) -> None:
        """Log records dropped since the last report, at most once per ``DROP_LOG_SECONDS``."""
        dropped = self._dropped
        fresh = dropped - self._drops_reported
        now = time.monotonic()
        if fresh and (now - self._drops_logged_at >= DROP_LOG_SECONDS or self._closing):
            log.warning(
                "dropped %d event record(s) (buffer full or record too large), %d in all",
                fresh,
                dropped,
                extra={"event.action": "kafka.dropped", "kafka_topic": self._writer.topic},
            )
            self._drops_reported, self._drops_logged_at = dropped, now
