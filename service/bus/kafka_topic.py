"""The broker side of the Kafka publisher: one connection, the topic, one round of delivery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code
from aiokafka.partitioner import DefaultPartitioner

from service.bus.backlog import Round

log = logging.getLogger("service.bus.kafka")

# The topic as api_specs/asyncapi.yaml binds it (3 partitions); one replica fits the
# single-broker stand. A topic created ahead of time keeps its own layout.
PARTITIONS = 3
REPLICATION_FACTOR = 1
REQUEST_TIMEOUT_MS = 3000
# Producer settings, chosen on purpose:
# - acks="all": a record counts as published once every in-sync replica has it; only the
#   sender task waits for that, never a client.
# - enable_idempotence=False: aiokafka keeps one request in flight per partition, so its
#   retries cannot reorder a key; our resend after an outage is at-least-once anyway; and
#   brokers such as Tansu refuse InitProducerId, which would keep the publisher down for good.
# - linger_ms=0: the publisher batches itself (a round is the whole backlog, built into one
#   batch per partition), so lingering here would only add delay.
# - max_batch_size 512 KiB (fewer produce requests per round under load), max_request_size
#   1 MiB (the broker's default record limit).
# - request_timeout_ms=3000, which also bounds how long a batch may wait: a round stuck on a
#   dead broker fails within 3 s, its records go back to the backlog, /health says ``down``.
PRODUCER_SETTINGS: dict[str, Any] = {
    "client_id": "qa-kit-ws",
    "acks": "all",
    "enable_idempotence": False,
    "linger_ms": 0,
    "max_batch_size": 512 * 1024,
    "max_request_size": 1024 * 1024,
    "request_timeout_ms": REQUEST_TIMEOUT_MS,
    "retry_backoff_ms": 100,
}
MAX_RECORD_BYTES = 1024 * 1024 - 1024  # under max_request_size, with room for batch headers
STOP_SECONDS = 1.0

# aiokafka logs every failed reconnect at ERROR, several times a second while a broker is
# away; the publisher logs each up/down change once, with the error, instead.
logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

_partitioner = DefaultPartitioner()


@dataclass(kw_only=True)
class Written:
    """What one round of delivery achieved."""

    delivered: dict[bytes, int] = field(default_factory=dict)
    """Per key, how many of its records, from the front, the broker acknowledged."""
    placed: dict[bytes, list[tuple[int, int, int]]] = field(default_factory=dict)
    """Per key, where those records went, in order: ``(partition, first offset, count)``."""
    failure: BaseException | None = None
    """The round's first failure (what was not delivered goes back to the backlog)."""


@dataclass(kw_only=True)
class TopicWriter:
    """One connection to the broker: makes sure the topic exists and writes rounds to it."""

    servers: str
    topic: str
    compression: str
    """``none`` or a codec aiokafka knows (``gzip``)."""
    _admin: AIOKafkaAdminClient | None = field(default=None, init=False)
    _producer: AIOKafkaProducer | None = field(default=None, init=False)

    async def open(self) -> None:
        """Connect, create the topic if missing, start the producer; raises when unreachable."""
        self._admin = AIOKafkaAdminClient(
            bootstrap_servers=self.servers, request_timeout_ms=REQUEST_TIMEOUT_MS
        )
        await self._admin.start()
        await self.ensure_topic()
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.servers,
            compression_type=None if self.compression == "none" else self.compression,
            **PRODUCER_SETTINGS,
        )
        await self._producer.start()

    async def ensure_topic(self) -> None:
        """Create the topic when the broker lacks it (at start, or after a broker lost it)."""
        assert self._admin is not None
        # Only list topics: a metadata request naming the topic would make some brokers
        # auto-create it with their own partition count.
        if self.topic in await self._admin.list_topics():
            return
        new = NewTopic(self.topic, num_partitions=PARTITIONS, replication_factor=REPLICATION_FACTOR)
        response = await self._admin.create_topics([new])
        for _topic, code, message in response.topic_errors:
            if code not in (0, TopicAlreadyExistsError.errno):
                raise for_code(code)(message)
        log.info(
            "created topic %s",
            self.topic,
            extra={"event.action": "kafka.topic_created", "kafka_topic": self.topic},
        )

    async def write(self, round_: Round) -> Written:
        """Write one round: per key, how many of its records (from the front) the broker
        acknowledged and where they went, and the first failure."""
        assert self._producer is not None
        producer = self._producer
        sent: list[tuple[list[tuple[bytes, int]], asyncio.Future[Any]]] = []
        failure: BaseException | None = None
        try:
            for partition, keys in (await self._by_partition(round_)).items():
                for segments, batch in self._batches(round_, keys):
                    sent.append((segments, await producer.send_batch(batch, self.topic, partition=partition)))
        except Exception as error:  # whatever it is, the round must still be settled
            failure = error
        results = await asyncio.gather(*(future for _, future in sent), return_exceptions=True)
        written = Written(failure=failure)
        delivered, placed = written.delivered, written.placed
        failed: set[bytes] = set()
        # A key's records sit in its partition's batches in order; past its first failed batch
        # nothing more of the key counts as delivered (it all goes back, to keep the order).
        for (segments, _), result in zip(sent, results, strict=True):
            if isinstance(result, BaseException):
                written.failure = written.failure or result
                failed.update(key for key, _ in segments)
                continue
            offset = result.offset  # the batch's first record; the rest follow it in order
            for key, count in segments:
                if key not in failed:
                    delivered[key] = delivered.get(key, 0) + count
                    placed.setdefault(key, []).append((result.partition, offset, count))
                offset += count
        return written

    async def _by_partition(self, round_: Round) -> dict[int, list[bytes]]:
        """The round's keys per partition, by the Java client's key hash (as ``send`` would)."""
        assert self._producer is not None
        partitions = sorted(await self._producer.partitions_for(self.topic))
        grouped: dict[int, list[bytes]] = {}
        for key in round_:
            grouped.setdefault(_partitioner(key, partitions, partitions), []).append(key)
        return grouped

    def _batches(self, round_: Round, keys: list[bytes]) -> list[tuple[list[tuple[bytes, int]], Any]]:
        """The records of ``keys`` (key by key, each in order) packed into as few batches as
        ``max_batch_size`` allows; with each batch, how many records of which key it holds."""
        assert self._producer is not None
        batches: list[tuple[list[tuple[bytes, int]], Any]] = []
        segments: list[tuple[bytes, int]] = []
        batch = self._producer.create_batch()
        for key in keys:
            appended = 0
            for value in round_[key]:
                if batch.append(key=key, value=value, timestamp=None) is None:  # full
                    if appended:
                        segments.append((key, appended))
                    batches.append((segments, batch))
                    segments, appended = [], 0
                    batch = self._producer.create_batch()
                    batch.append(key=key, value=value, timestamp=None)
                appended += 1
            segments.append((key, appended))
        batches.append((segments, batch))
        for _, full in batches:
            full.close()  # nothing else may join it once it is queued
        return batches

    async def close(self) -> None:
        producer, self._producer = self._producer, None
        admin, self._admin = self._admin, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(producer.stop(), STOP_SECONDS)
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()
