"""The Kafka publisher without a broker: its sender loop against a fake writer (rounds, a
failed round, order per key, how long a round waits), and against a port nobody listens on
(start, the bound, drops, shutdown in bounded time). The real broker is in tests/integration/kafka/."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest

from service import spec
from service.bus import kafka
from service.bus.backlog import Round
from service.bus.kafka import KafkaPublisher, next_linger
from service.bus.kafka_topic import Written
from service.events.publisher import Receipt
from service.settings import KafkaSettings
from tests.support.events import event_record
from tests.support.live import free_port


class FakeWriter:
    """Stands in for ``TopicWriter``: keeps what it was sent; the rounds in ``failing`` (0 = the
    first) deliver only the first record of each key and then fail."""

    topic = "ws_events"

    def __init__(self, failing: set[int] | None = None) -> None:
        self.failing = failing or set()
        self.rounds: list[Round] = []
        self.topic_records: dict[bytes, list[int]] = {}

    async def open(self) -> None:
        return None

    async def ensure_topic(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def write(self, round_: Round) -> Written:
        """Each key is a partition of its own here (its index in ``keys``); a record's offset is
        its place in ``topic_records[key]``."""
        failed = len(self.rounds) in self.failing
        self.rounds.append(round_)
        written = Written(failure=ConnectionError("broker went away") if failed else None)
        for key, values in round_.items():
            sent = values[:1] if failed else values
            on_topic = self.topic_records.setdefault(key, [])
            written.placed[key] = [(list(self.topic_records).index(key), len(on_topic), len(sent))]
            on_topic.extend(json.loads(v)["data"]["n"] for v in sent)
            written.delivered[key] = len(sent)
        return written


def publisher_with(writer: FakeWriter) -> KafkaPublisher:
    publisher = KafkaPublisher(KafkaSettings(bootstrap_servers="unused:9092", flush_seconds=5))
    publisher._writer = writer  # type: ignore[assignment]
    return publisher


def test_a_round_waits_briefly_for_a_trickle_and_longer_under_load() -> None:
    assert next_linger(records=3, seconds=1.0) == kafka.LINGER_LIGHT_SECONDS
    assert next_linger(records=5000, seconds=0.3) == kafka.LINGER_BUSY_SECONDS
    assert next_linger(records=1, seconds=0.0) == kafka.LINGER_LIGHT_SECONDS


async def test_every_record_reaches_the_topic_in_order_per_key_across_a_failed_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kafka, "BACKOFF_SECONDS", (0.01, 0.02))
    writer = FakeWriter(failing={1})
    publisher = publisher_with(writer)
    await publisher.start()
    for n in range(30):
        publisher.publish(event_record(n), key=f"k{n % 3}")
        if n % 10 == 9:
            await asyncio.sleep(0.05)  # let rounds go between bursts
    await publisher.close()
    assert len(writer.rounds) >= 3
    for k in range(3):
        sent = writer.topic_records[f"k{k}".encode()]
        expected = list(range(k, 30, 3))
        # At least once, in order: with duplicates removed (a failed round's resend), the
        # key's records are exactly the published ones, in publish order.
        assert list(dict.fromkeys(sent)) == expected
    health = publisher.health()
    assert (health.published, health.buffered, health.dropped) == (30, 0, 0)


async def test_a_receipt_names_the_partition_and_offset_its_record_got_across_a_failed_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kafka, "BACKOFF_SECONDS", (0.01, 0.02))
    writer = FakeWriter(failing={1})
    publisher = publisher_with(writer)
    await publisher.start()
    receipts: dict[int, Receipt] = {}
    for n in range(30):
        if n % 2:  # only some records are traced
            receipts[n] = Receipt()
        publisher.publish(event_record(n), key=f"k{n % 3}", receipt=receipts.get(n))
        if n % 10 == 9:
            await asyncio.sleep(0.05)
    await publisher.close()
    assert len(writer.rounds) >= 3
    for n, receipt in receipts.items():
        key = f"k{n % 3}".encode()
        assert receipt.status == "published", n
        assert receipt.topic == "ws_events"
        assert receipt.partition == list(writer.topic_records).index(key)
        assert receipt.offset is not None
        assert writer.topic_records[key][receipt.offset] == n
    assert len(publisher._receipts) == 0, "settled receipts are forgotten"


async def test_a_receipt_says_dropped_when_the_buffer_is_full() -> None:
    publisher = KafkaPublisher(unreachable(buffer_events=1, flush_seconds=0))
    kept, refused = Receipt(), Receipt()
    publisher.publish(event_record(1), key="general", receipt=kept)
    publisher.publish(event_record(2), key="general", receipt=refused)
    assert (kept.status, refused.status) == ("pending", "dropped")
    assert refused.reason is not None
    assert "KAFKA_BUFFER_EVENTS" in refused.reason


async def test_a_lone_record_goes_in_a_light_round() -> None:
    writer = FakeWriter()
    publisher = publisher_with(writer)
    await publisher.start()
    publisher.publish(event_record(1), key="general")
    for _ in range(100):
        if writer.rounds:
            break
        await asyncio.sleep(kafka.LINGER_LIGHT_SECONDS)
    assert [list(r) for r in writer.rounds] == [[b"general"]]
    assert publisher._linger == kafka.LINGER_LIGHT_SECONDS
    await publisher.close()


async def test_a_record_as_deep_as_a_frame_may_nest_is_encoded_and_sent_whole() -> None:
    # An echo payload at NestingDepth: the frame is level 1 and the payload level 2, so the
    # payload nests one level less than the limit; ``data`` holds it one level down.
    deepest: Any = 0
    for _ in range(spec.NESTING_DEPTH.high - 2):
        deepest = {"a": deepest}
    writer = FakeWriter()
    publisher = publisher_with(writer)
    await publisher.start()
    publisher.publish(event_record(1, deep=deepest), key="general")
    await publisher.close()
    sent = [json.loads(value) for round_ in writer.rounds for value in round_.get(b"general", [])]
    assert [record["data"] for record in sent] == [{"n": 1, "deep": deepest}]
    assert publisher.health().published == 1


def unreachable(*, buffer_events: int = 1000, flush_seconds: int = 5) -> KafkaSettings:
    """Settings for a broker nobody listens on (a free loopback port)."""
    return KafkaSettings(
        bootstrap_servers=f"127.0.0.1:{free_port()}", buffer_events=buffer_events, flush_seconds=flush_seconds
    )


async def test_with_no_broker_start_returns_at_once_and_records_wait_in_the_buffer() -> None:
    publisher = KafkaPublisher(unreachable(flush_seconds=1))
    began = time.monotonic()
    await publisher.start()
    assert time.monotonic() - began < 0.1
    for n in range(10):
        publisher.publish(event_record(n), key="general")
    health = publisher.health()
    assert (health.status, health.buffered, health.published, health.dropped) == ("down", 10, 0, 0)
    assert health.topic == "ws_events"
    assert health.error
    began = time.monotonic()
    await publisher.close()
    assert time.monotonic() - began < 1 + 2, "close() must give up after KAFKA_FLUSH_SECONDS"


async def test_overflow_is_counted_and_logged_once_not_per_record(
    caplog: pytest.LogCaptureFixture,
) -> None:
    publisher = KafkaPublisher(unreachable(buffer_events=5, flush_seconds=0))
    caplog.set_level(logging.WARNING, logger="service.bus.kafka")
    for n in range(50):
        publisher.publish(event_record(n), key="general")
    health = publisher.health()
    assert (health.buffered, health.dropped) == (5, 45)
    drops = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert drops == ["dropped 1 event record(s) (buffer full or record too large), 1 in all"]
    await publisher.start()
    await publisher.close()
    drops = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert drops[-1] == "dropped 44 event record(s) (buffer full or record too large), 45 in all"


async def test_the_bound_counts_records_the_sender_holds_and_those_not_yet_handed_over() -> None:
    publisher = KafkaPublisher(unreachable(buffer_events=5, flush_seconds=0))
    await publisher.start()
    for n in range(3):
        publisher.publish(event_record(n), key="general")
    # The first attempt to connect fails at once; the sender then holds the 3 records.
    deadline = time.monotonic() + 5
    while publisher._pending:
        assert time.monotonic() < deadline, "the sender never took the records over"
        await asyncio.sleep(0.01)
    for n in range(3, 8):
        publisher.publish(event_record(n), key="general")
    health = publisher.health()
    assert (health.buffered, health.dropped) == (5, 3)
    await publisher.close()
