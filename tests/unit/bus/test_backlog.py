"""The publisher's buffer without a broker: bound, drops, order per key, shutdown in bounded time.

(Pure unit tests: they would sit in ``tests/unit/bus/`` if this folder were not the one the
Kafka work owns.)
"""

from __future__ import annotations

import logging
import time

import pytest

from generated.ws_messages import EventName, EventRecord
from service.bus.backlog import Backlog, Outgoing
from service.bus.kafka import KafkaPublisher
from service.settings import KafkaSettings
from tests.support.live import free_port

pytestmark = pytest.mark.kafka


def outgoing(key: str, n: int) -> Outgoing:
    return Outgoing(key=key.encode(), value=f"{key}-{n}".encode())


def values(records: list[Outgoing]) -> list[str]:
    return [r.value.decode() for r in records]


def test_rounds_take_the_oldest_records_first() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    for n in range(5):
        assert backlog.add(outgoing("a", n))
    assert values(backlog.take(3)) == ["a-0", "a-1", "a-2"]
    assert backlog.settle([True, True, True]) == 0
    assert (backlog.published, len(backlog), backlog.waiting) == (3, 2, 2)


def test_the_bound_counts_the_round_in_flight_and_refuses_the_newest() -> None:
    backlog = Backlog(limit=3, max_record_bytes=1000)
    assert all(backlog.add(outgoing("a", n)) for n in range(3))
    backlog.take(2)
    assert not backlog.add(outgoing("a", 3))
    assert (backlog.dropped, len(backlog)) == (1, 3)
    backlog.settle([True, True])
    assert backlog.add(outgoing("a", 4))
    assert values(backlog.take(10)) == ["a-2", "a-4"]


def test_a_failed_record_and_the_rest_of_its_key_go_back_ahead_of_newer_ones() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    for record in [outgoing("a", 1), outgoing("b", 1), outgoing("a", 2), outgoing("b", 2)]:
        backlog.add(record)
    backlog.take(4)
    backlog.add(outgoing("a", 3))  # arrives while the round is in flight
    # a-1 failed; a-2 got through but must come again after a-1, or key a would be reordered.
    assert backlog.settle([False, True, True, True]) == 2
    assert backlog.published == 2
    assert values(backlog.take(10)) == ["a-1", "a-2", "a-3"]


def test_a_record_too_large_for_the_broker_is_refused_up_front() -> None:
    backlog = Backlog(limit=10, max_record_bytes=10)
    assert not backlog.add(Outgoing(key=b"k", value=b"x" * 10))
    assert backlog.add(Outgoing(key=b"k", value=b"x" * 9))
    assert (backlog.dropped, len(backlog)) == (1, 1)


def test_rounds_are_settled_one_at_a_time_and_completely() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    backlog.add(outgoing("a", 1))
    backlog.add(outgoing("a", 2))
    backlog.take(1)
    with pytest.raises(RuntimeError):
        backlog.take(1)
    with pytest.raises(ValueError, match="2 outcomes for a round of 1"):
        backlog.settle([True, True])


def record(n: int) -> EventRecord:
    return EventRecord(
        event=EventName.ws_echo,
        ts="2026-01-01T12:00:00.000000Z",
        request_id=f"r-{n}",
        channel="general",
        data={"n": n},
    )


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
        publisher.publish(record(n), key="general")
    health = publisher.health()
    assert (health.status, health.buffered, health.published, health.dropped) == ("down", 10, 0, 0)
    assert health.topic == "ws_events"
    assert health.error
    began = time.monotonic()
    await publisher.close()
    assert time.monotonic() - began < 1 + 2, "close() must give up after KAFKA_FLUSH_SECONDS"


async def test_overflow_is_counted_and_logged_once_not_per_record(caplog: pytest.LogCaptureFixture) -> None:
    publisher = KafkaPublisher(unreachable(buffer_events=5, flush_seconds=0))
    caplog.set_level(logging.WARNING, logger="service.bus.kafka")
    for n in range(50):
        publisher.publish(record(n), key="general")
    health = publisher.health()
    assert (health.buffered, health.dropped) == (5, 45)
    drops = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert drops == ["dropped 1 event record(s) (buffer full or record too large), 1 in all"]
    await publisher.start()
    await publisher.close()
    drops = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert drops[-1] == "dropped 44 event record(s) (buffer full or record too large), 45 in all"
