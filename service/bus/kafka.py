"""Event records to a Kafka topic, off the request path, surviving broker outages.

``publish`` encodes the record and appends it to a bounded :class:`Backlog`; one sender task
connects (creating the topic if missing), delivers the backlog in rounds and, when the broker
goes away, keeps the records and retries with backoff. The WebSocket side never waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import msgspec
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from generated.ws_messages import EventRecord
from service.bus.backlog import Backlog, Outgoing
from service.events.publisher import PublisherHealth
from service.settings import KafkaSettings

log = logging.getLogger("service.bus.kafka")

# The topic as api_specs/asyncapi.yaml binds it (3 partitions); one replica fits the
# single-broker stand. A cluster created ahead of time keeps its own layout.
PARTITIONS = 3
REPLICATION_FACTOR = 1
# Producer settings, chosen on purpose:
# - acks="all": a record counts as published only once every in-sync replica has it; the wait
#   is the sender task's, never a client's.
# - enable_idempotence=False: aiokafka already keeps one request in flight per partition, so
#   retries cannot reorder a key; our own resend after an outage is at-least-once anyway; and
#   brokers such as Tansu refuse InitProducerId, which would keep the publisher down forever.
# - linger_ms=0, max_batch_size=256 KiB: each round hands aiokafka the whole backlog at once,
#   so batches are already full and lingering would only add delay.
# - compression "gzip": records are small, repetitive JSON; gzip is in the standard library.
# - request_timeout_ms=3000 (also how long a batch may wait): a round stuck on a dead broker
#   fails within 3 s, the records go back to the backlog and /health says ``down``.
PRODUCER_SETTINGS: dict[str, object] = {
    "client_id": "qa-kit-ws",
    "acks": "all",
    "enable_idempotence": False,
    "linger_ms": 0,
    "max_batch_size": 256 * 1024,
    "max_request_size": 1024 * 1024,
    "compression_type": "gzip",
    "request_timeout_ms": 3000,
    "retry_backoff_ms": 100,
}
MAX_RECORD_BYTES = 1024 * 1024 - 1024  # under max_request_size, with room for batch headers
ROUND_RECORDS = 2000
IDLE_CHECK_SECONDS = 1.0
BACKOFF_SECONDS = (0.1, 2.0)
DROP_LOG_SECONDS = 5.0
STOP_SECONDS = 1.0

# aiokafka logs every failed reconnect at ERROR, several times a second while a broker is
# away; this module logs each up/down change once, with the error, instead.
logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

_encoder = msgspec.json.Encoder()


class KafkaPublisher:
    """Publishes event records to ``settings.topic`` on ``settings.bootstrap_servers``."""

    def __init__(self, settings: KafkaSettings) -> None:
        if not settings.bootstrap_servers:
            raise ValueError("KafkaPublisher needs KAFKA_BOOTSTRAP_SERVERS")
        self._servers = settings.bootstrap_servers
        self._topic = settings.topic
        self._flush_seconds = settings.flush_seconds
        self._backlog = Backlog(limit=settings.buffer_events, max_record_bytes=MAX_RECORD_BYTES)
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._up = False
        self._error: str | None = "not connected yet"
        self._down_logged = False
        self._producer: AIOKafkaProducer | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._drops_reported = 0
        self._drops_logged_at = -DROP_LOG_SECONDS

    def publish(self, record: EventRecord, *, key: str) -> None:
        if self._backlog.add(Outgoing(key=key.encode(), value=_encoder.encode(record))):
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
        await self._disconnect()
        self._report_drops()
        if self._backlog:
            log.warning(
                "closed with %d event records undelivered",
                len(self._backlog),
                extra={"event": "kafka.undelivered"},
            )

    def health(self) -> PublisherHealth:
        return PublisherHealth(
            status="up" if self._up else "down",
            published=self._backlog.published,
            buffered=len(self._backlog),
            dropped=self._backlog.dropped,
            topic=self._topic,
            error=None if self._up else self._error,
        )

    async def _run(self) -> None:
        backoff = BACKOFF_SECONDS[0]
        while True:
            try:
                await self._connect()
                backoff = BACKOFF_SECONDS[0]
                await self._deliver()
                return
            except Exception as error:  # whatever went wrong, keep the records and retry
                self._went_down(error)
                self._report_drops()
            await self._disconnect()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_SECONDS[1])

    async def _connect(self) -> None:
        timeout = PRODUCER_SETTINGS["request_timeout_ms"]
        self._admin = AIOKafkaAdminClient(bootstrap_servers=self._servers, request_timeout_ms=timeout)
        await self._admin.start()
        await self._ensure_topic()
        self._producer = AIOKafkaProducer(bootstrap_servers=self._servers, **PRODUCER_SETTINGS)
        await self._producer.start()
        self._up, self._error, self._down_logged = True, None, False
        log.info(
            "kafka up, %d event records to deliver",
            len(self._backlog),
            extra={"event": "kafka.up", "kafka_topic": self._topic},
        )

    async def _ensure_topic(self) -> None:
        """Create the topic when the broker lacks it (at start, or after a broker lost it)."""
        assert self._admin is not None
        if self._topic in await self._admin.list_topics():
            return
        new = NewTopic(self._topic, num_partitions=PARTITIONS, replication_factor=REPLICATION_FACTOR)
        response = await self._admin.create_topics([new])
        for _topic, code, message in response.topic_errors:
            if code not in (0, TopicAlreadyExistsError.errno):
                raise for_code(code)(message)
        log.info("created topic %s", self._topic, extra={"event": "kafka.topic_created"})

    async def _deliver(self) -> None:
        """Send rounds until closing with nothing left; raise when the broker fails a round."""
        while True:
            self._report_drops()
            if self._backlog.waiting:
                await self._send_round(self._backlog.take(ROUND_RECORDS))
                continue
            if self._closing:
                return
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), IDLE_CHECK_SECONDS)
            except TimeoutError:
                # Idle: ask the broker anyway, so /health notices an outage with no traffic.
                await self._ensure_topic()

    async def _send_round(self, batch: list[Outgoing]) -> None:
        assert self._producer is not None
        futures: list[asyncio.Future[object]] = []
        failure: BaseException | None = None
        try:
            for record in batch:
                futures.append(await self._producer.send(self._topic, record.value, key=record.key))
        except KafkaError as error:
            failure = error
        results = await asyncio.gather(*futures, return_exceptions=True)
        delivered = [not isinstance(result, BaseException) for result in results]
        self._backlog.settle(delivered + [False] * (len(batch) - len(delivered)))
        failure = failure or next((r for r in results if isinstance(r, BaseException)), None)
        if failure is not None:
            raise failure

    def _went_down(self, error: BaseException) -> None:
        text = str(error) or type(error).__name__
        if not self._down_logged:  # once per outage, not once per retry
            self._down_logged = True
            log.warning(
                "kafka down (%s), buffering event records",
                text,
                extra={"event": "kafka.down", "kafka_topic": self._topic},
            )
        self._up, self._error = False, text

    async def _disconnect(self) -> None:
        producer, self._producer = self._producer, None
        admin, self._admin = self._admin, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(producer.stop(), STOP_SECONDS)
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()

    def _report_drops(self) -> None:
        """Log records dropped since the last report, at most once per ``DROP_LOG_SECONDS``."""
        fresh = self._backlog.dropped - self._drops_reported
        now = time.monotonic()
        if fresh and (now - self._drops_logged_at >= DROP_LOG_SECONDS or self._closing):
            log.warning(
                "dropped %d event record(s) (buffer full or record too large), %d in all",
                fresh,
                self._backlog.dropped,
                extra={"event": "kafka.dropped", "kafka_topic": self._topic},
            )
            self._drops_reported, self._drops_logged_at = self._backlog.dropped, now
