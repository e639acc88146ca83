"""A broker that is away, at start-up or mid-run: the service answers as fast as before, keeps the
events and delivers them when the broker is back; a full buffer drops, counts and logs."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.client import ContractClient, Frame
from tests.support.live import LiveService, free_port, start_service
from tests.support.tansu import (
    NO_RATE_LIMIT,
    KafkaTarget,
    TansuBroker,
    TopicRecord,
    kafka_health,
    wait_for_kafka,
)
from tools.specs import frame_contract

pytestmark = pytest.mark.kafka

CHANNEL = "outage"


async def echo_round_trips(client: ContractClient, label: str, count: int) -> list[float]:
    """Seconds from sending ``echo`` to its last frame (``event ws.echo``), ``count`` times."""
    took = []
    for n in range(count):
        began = time.perf_counter()
        frames = await client.request("echo", {"n": n}, request_id=f"{label}-{n}")
        took.append(time.perf_counter() - began)
        assert frames[-1]["type"] == "event"
    return took


def events_after(client: ContractClient, mark: int) -> list[Frame]:
    return [f for f in client.received[mark:] if f["type"] == "event"]


def assert_delivered_once_in_order(events: list[Frame], records: list[TopicRecord]) -> None:
    """Each of ``events`` is on the topic exactly once, and each key's records keep their order."""
    wanted = {(e["event"], e["request_id"]) for e in events}
    by_key: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for record in records:
        frame_contract().check_event_record(record.value)
        pair = (record.value["event"], record.value["request_id"])
        if pair in wanted:
            by_key[record.key].append(pair)
    sent: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for event in events:
        order = event["data"].get("order")
        sent[f"order-{order['id']}" if order else CHANNEL].append((event["event"], event["request_id"]))
    assert by_key == sent


def action_of(line: dict[str, Any]) -> object:
    """The ECS ``event.action`` of a log line (``event`` is an object, never a string)."""
    event = line.get("event")
    return event.get("action") if isinstance(event, dict) else None


def log_events(service: LiveService) -> list[dict[str, Any]]:
    """The service's JSON log lines."""
    return [json.loads(line) for line in service.log_lines() if line.startswith("{")]


def has_all(events: list[Frame]) -> Callable[[list[TopicRecord]], bool]:
    """Whether records read so far hold every one of ``events``."""
    wanted = {(e["event"], e["request_id"]) for e in events}
    return lambda got: wanted <= {(r.value["event"], r.value["request_id"]) for r in got}


async def test_an_outage_slows_no_reply_and_loses_no_event(
    kafka: KafkaTarget, broker: TansuBroker, tmp_path: Path
) -> None:
    service = start_service(tmp_path / "service.log", env=kafka.service_env(**NO_RATE_LIMIT))
    try:
        await wait_for_kafka(service, lambda state: state["status"] == "up")
        async with ContractClient.connect(service.ws, channel=CHANNEL) as client:
            before = await echo_round_trips(client, "before", 100)
            # Every event so far is on the old broker, which forgets them: what the new one gets
            # must be exactly the events of the outage.
            settled = await wait_for_kafka(service, lambda state: state["buffered"] == 0)
            broker.kill()
            mark = len(client.received)
            created = await client.request(
                "create_order", {"customer": "Ann", "product": "Tent", "quantity": 1}, request_id="out-create"
            )
            order_id = created[1]["data"]["id"]
            during = await echo_round_trips(client, "during", 50)
            await client.request("change_status", {"id": order_id, "status": "paid"}, request_id="out-paid")
            down = await wait_for_kafka(
                service, lambda state: state["status"] == "down" and state["buffered"] > 0
            )
            during += await echo_round_trips(client, "down", 50)
            await client.request(
                "change_status", {"id": order_id, "status": "shipped"}, request_id="out-shipped"
            )
            outage_events = events_after(client, mark)
            buffered_at_end = (await kafka_health(service))["buffered"]
            broker.start()
            back = await wait_for_kafka(
                service, lambda state: state["status"] == "up" and state["buffered"] == 0
            )
        records = await kafka.read(until=has_all(outage_events))
        partitions = await kafka.partitions()
    finally:
        service.stop()

    p50_before, p50_during = statistics.median(before), statistics.median(during)
    print(f"\necho p50 before the outage {p50_before * 1000:.2f} ms, during {p50_during * 1000:.2f} ms")
    print(f"/health during the outage: {down}\n/health after the broker came back: {back}")
    assert p50_during < 3 * p50_before + 0.005, (p50_before, p50_during)
    assert down["error"], "a down publisher says why"
    assert len(outage_events) == 103
    assert buffered_at_end == len(outage_events), "every event of the outage waits in the buffer"
    assert (back["dropped"], back.get("error")) == (0, None)
    assert back["published"] == settled["published"] + len(outage_events)
    assert len(records) == len(outage_events)
    assert partitions == 3, "the broker lost the topic; the service made it again as the spec binds it"
    changes = [
        action_of(line) for line in log_events(service) if action_of(line) in ("kafka.up", "kafka.down")
    ]
    assert changes == ["kafka.up", "kafka.down", "kafka.up"], "one line per change, not one per retry"
    assert_delivered_once_in_order(outage_events, records)


async def test_a_full_buffer_drops_the_overflow_and_says_so(tmp_path: Path) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    service = start_service(
        tmp_path / "service.log",
        env={
            "KAFKA_BOOTSTRAP_SERVERS": nobody,
            "KAFKA_BUFFER_EVENTS": "20",
            "KAFKA_FLUSH_SECONDS": "1",
            **NO_RATE_LIMIT,
        },
    )
    try:
        async with ContractClient.connect(service.ws, channel="tiny") as client:
            for n in range(50):
                frames = await client.request("ping", {}, request_id=f"tiny-{n}")
                assert frames[-1]["event"] == "ws.pong", "a full buffer never costs a client its answer"
        state = await kafka_health(service)
    finally:
        began = time.monotonic()
        service.stop()
        stopped_in = time.monotonic() - began
    assert stopped_in < 1 + 3, "shutdown gives up on an absent broker after KAFKA_FLUSH_SECONDS"
    assert (state["status"], state["buffered"], state["dropped"], state["published"]) == ("down", 20, 30, 0)
    reports = [line for line in log_events(service) if action_of(line) == "kafka.dropped"]
    assert reports, "drops are logged"
    assert len(reports) <= 3, "drops are logged now and then, not once per record"
    assert reports[-1]["message"].endswith("30 in all")


async def test_the_service_serves_with_no_broker_and_delivers_once_it_comes(
    kafka: KafkaTarget, broker: TansuBroker, tmp_path: Path
) -> None:
    broker.kill()
    began = time.monotonic()
    service = start_service(tmp_path / "service.log", env=kafka.service_env(**NO_RATE_LIMIT))
    started_in = time.monotonic() - began
    try:
        async with ContractClient.connect(service.ws, channel=CHANNEL) as client:
            await echo_round_trips(client, "early", 5)
            waiting = await kafka_health(service)
            broker.start()
            await wait_for_kafka(service, lambda state: state["status"] == "up" and state["buffered"] == 0)
        events = events_after(client, 0)
        records = await kafka.read(until=has_all(events))
    finally:
        service.stop()
    assert started_in < 10
    assert (waiting["status"], waiting["buffered"], waiting["published"]) == ("down", 5, 0)
    assert_delivered_once_in_order(events, records)
