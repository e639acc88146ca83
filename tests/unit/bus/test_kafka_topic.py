"""One round written to a broker that fails some batches: what counts as delivered, per key.

A fake producer stands in for aiokafka's: small batches (so a key spans several) and chosen
batches failing. The real broker is in tests/integration/kafka/.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import RecordMetadata, TopicPartition

from service.bus.backlog import Round
from service.bus.kafka_topic import TopicWriter


class FakeBatch:
    def __init__(self, size: int) -> None:
        self.size, self.closed = size, False
        self.records: list[tuple[bytes, bytes]] = []

    def append(self, *, key: bytes, value: bytes, timestamp: None) -> object | None:
        if self.closed or len(self.records) == self.size:
            return None
        self.records.append((key, value))
        return object()

    def close(self) -> None:
        self.closed = True


class FakeProducer:
    """Batches of ``size`` records; the ``n``-th batch sent (from 0) fails when in ``failing``."""

    def __init__(self, *, size: int, failing: set[int]) -> None:
        self.size, self.failing = size, failing
        self.sent: list[tuple[int, list[tuple[bytes, bytes]]]] = []
        self.next_offset = {0: 100, 1: 200, 2: 300}
        """Each partition's next offset, as a broker would give them (failed batches take none)."""

    async def partitions_for(self, topic: str) -> set[int]:
        return {0, 1, 2}

    def create_batch(self) -> FakeBatch:
        return FakeBatch(self.size)

    async def send_batch(self, batch: FakeBatch, topic: str, *, partition: int) -> asyncio.Future[Any]:
        assert batch.closed, "a batch is closed before it is queued"
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if len(self.sent) in self.failing:
            future.set_exception(ConnectionError("batch lost"))
        else:
            offset = self.next_offset[partition]
            self.next_offset[partition] += len(batch.records)
            future.set_result(
                RecordMetadata(topic, partition, TopicPartition(topic, partition), offset, -1, 0, 0)
            )
        self.sent.append((partition, batch.records))
        return future


def writer_with(producer: FakeProducer) -> TopicWriter:
    writer = TopicWriter(servers="unused:9092", topic="t", compression="none")
    writer._producer = producer
    return writer


def same_partition_keys(count: int) -> list[bytes]:
    """``count`` keys the Java hash puts on one partition (so they share its batches)."""
    partitioner, partitions = DefaultPartitioner(), [0, 1, 2]
    keys = (f"k{n}".encode() for n in range(1000))
    first = next(keys)
    found = [first]
    target = partitioner(first, partitions, partitions)
    for key in keys:
        if len(found) < count and partitioner(key, partitions, partitions) == target:
            found.append(key)
    return found


async def test_every_record_delivered_when_every_batch_is_acknowledged() -> None:
    producer = FakeProducer(size=2, failing=set())
    round_: Round = {b"a": [b"a1", b"a2", b"a3"], b"b": [b"b1"], b"order-7": [b"o1", b"o2"]}
    written = await writer_with(producer).write(round_)
    assert written.failure is None
    assert written.delivered == {b"a": 3, b"b": 1, b"order-7": 2}
    # Each key's records went to one partition, in order, split over batches of two.
    for key, values in round_.items():
        sent = [(p, v) for p, batch in producer.sent for k, v in batch if k == key]
        assert [v for _, v in sent] == values
        assert len({p for p, _ in sent}) == 1


async def test_a_failed_batch_stops_its_keys_at_the_last_record_before_it() -> None:
    a, b = same_partition_keys(2)
    # Batches of 2 on one partition: [a1 a2] [a3 b1] [b2 b3]; the second fails.
    producer = FakeProducer(size=2, failing={1})
    written = await writer_with(producer).write({a: [b"a1", b"a2", b"a3"], b: [b"b1", b"b2", b"b3"]})
    assert isinstance(written.failure, ConnectionError)
    # a: a1, a2 delivered, a3 lost. b: b1 lost, so b2 and b3 (delivered) must come again after it.
    assert written.delivered == {a: 2}
    assert [len(batch) for _, batch in producer.sent] == [2, 2, 2]


async def test_a_key_wholly_in_a_failed_batch_counts_none() -> None:
    (a,) = same_partition_keys(1)
    producer = FakeProducer(size=10, failing={0})
    written = await writer_with(producer).write({a: [b"a1", b"a2"]})
    assert written.failure is not None
    assert written.delivered == {}
    assert written.placed == {}


async def test_each_delivered_record_is_placed_at_its_partition_and_offset() -> None:
    a, b = same_partition_keys(2)
    # One partition, batches of 2: [a1 a2] [a3 b1] [b2]; offsets follow on from the first batch's.
    producer = FakeProducer(size=2, failing=set())
    written = await writer_with(producer).write({a: [b"a1", b"a2", b"a3"], b: [b"b1", b"b2"]})
    ((partition, _),) = {(p, None) for p, _ in producer.sent}
    first = {0: 100, 1: 200, 2: 300}[partition]
    assert written.placed == {
        a: [(partition, first, 2), (partition, first + 2, 1)],
        b: [(partition, first + 3, 1), (partition, first + 4, 1)],
    }
