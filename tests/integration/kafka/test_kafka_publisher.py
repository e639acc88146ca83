"""The publisher in-process against a real broker: what close() must still deliver."""

from __future__ import annotations

import asyncio
import time

import pytest

from generated.ws_messages import EventName
from service.bus.kafka import KafkaPublisher
from service.settings import KafkaSettings
from tests.support.events import event_record
from tests.support.tansu import KafkaTarget
from tools.specs import frame_contract

pytestmark = pytest.mark.kafka

KEYS = [f"order-{n}" for n in range(7)] + ["general", "room-1"]


async def test_close_delivers_what_is_buffered_in_order_per_key(kafka: KafkaTarget) -> None:
    publisher = KafkaPublisher(KafkaSettings(bootstrap_servers=kafka.bootstrap, topic=kafka.topic))
    await publisher.start()
    while publisher.health().status != "up":
        await asyncio.sleep(0.01)
    count = 3000
    for n in range(count):
        key = KEYS[n % len(KEYS)]
        publisher.publish(event_record(n, EventName.order_viewed, key=key), key=key)
    began = time.monotonic()
    await publisher.close()
    closed_in = time.monotonic() - began
    health = publisher.health()
    records = await kafka.read(until=lambda got: len(got) >= count)

    assert (health.published, health.buffered, health.dropped) == (count, 0, 0)
    assert closed_in < 5, "close() is bounded by KAFKA_FLUSH_SECONDS (5 s by default)"
    assert len(records) == count
    frame_contract().check_event_record(records[0].value)
    for key in KEYS:
        numbers = [r.value["data"]["n"] for r in records if r.key == key]
        assert numbers == list(range(KEYS.index(key), count, len(KEYS))), key
