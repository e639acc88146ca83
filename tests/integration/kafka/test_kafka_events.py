"""Every event frame a client sees is also a record on the topic: same event, request id and data,
keyed by order or channel, in order per key, valid against the AsyncAPI ``EventRecord``."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import ContractClient, Frame
from tests.support.live import start_service
from tests.support.tansu import KafkaTarget, TopicRecord, wait_for_kafka
from tools.specs import frame_contract

pytestmark = pytest.mark.kafka

CHANNEL = "kafka-e2e"


def expected_key(event: Frame) -> str:
    """The key the contract gives a record: the order id for order events, else the channel."""
    data = event["data"]
    if event["event"] in ("order.created", "order.status_changed"):
        return f"order-{data['order']['id']}"
    if event["event"] == "order.viewed":
        return f"order-{data['id']}"
    return CHANNEL


def seen(event: Frame | dict[str, Any]) -> tuple[str, str | None, Any]:
    return event["event"], event["request_id"], event["data"]


async def drive_every_action(client: ContractClient, http: httpx.AsyncClient) -> None:
    """Every action over WebSocket, then an order change and a new order over REST."""
    await client.request("echo", {"text": "hello"}, request_id="k-echo")
    await client.request("triplet_demo", {}, request_id="k-triplet")
    await client.request("broadcast", {"message": "hi all"}, request_id="k-broadcast")
    await client.request("ping", {}, request_id="k-ping")
    await client.request("history", {"since": 0}, request_id="k-history")
    await client.request("presence", {}, request_id="k-presence")
    await client.request("list_orders", {"limit": 3}, request_id="k-list")
    created = await client.request(
        "create_order",
        {"customer": "Ann", "product": "Kettle", "quantity": 2, "amount": "30.00"},
        request_id="k-create",
    )
    order_id = created[1]["data"]["id"]
    await client.request("get_order", {"id": order_id}, request_id="k-get")
    await client.request("change_status", {"id": order_id, "status": "paid"}, request_id="k-status")
    response = await http.patch(f"/orders/{order_id}/status", json={"status": "shipped"})
    assert response.status_code == 200, response.text
    response = await http.post("/orders", json={"customer": "Bob", "product": "Mug", "quantity": 1})
    assert response.status_code == 201, response.text
    notifications = 0
    while notifications < 2:  # the two REST changes reach this client as request_id: null events
        frame = await client.recv()
        notifications += frame["type"] == "event" and frame["request_id"] is None


@pytest.mark.parametrize("compression", ["none", "gzip"])
async def test_every_event_frame_is_a_record_on_the_topic(
    kafka: KafkaTarget, tmp_path: Path, compression: str
) -> None:
    service = start_service(tmp_path / "service.log", env=kafka.service_env(KAFKA_COMPRESSION=compression))
    try:
        await wait_for_kafka(service, lambda state: state["status"] == "up")
        async with (
            ContractClient.connect(service.ws, channel=CHANNEL) as client,
            httpx.AsyncClient(base_url=service.http, timeout=5) as http,
        ):
            await drive_every_action(client, http)
        events = [frame for frame in client.received if frame["type"] == "event"]
        assert len(events) == 12
        assert {e["event"] for e in events} == {
            "ws.echo",
            "ws.triplet_demo",
            "ws.broadcast",
            "ws.pong",
            "order.listed",
            "order.created",
            "order.viewed",
            "order.status_changed",
            "channel.history",
            "channel.presence",
        }
        records = await kafka.read(until=lambda got: len(got) >= len(events))
        state = await wait_for_kafka(service, lambda state: state["buffered"] == 0)
        partitions = await kafka.partitions()
    finally:
        service.stop()

    contract = frame_contract()
    for record in records:
        contract.check_event_record(record.value)
    assert sorted(map(seen, (r.value for r in records)), key=repr) == sorted(map(seen, events), key=repr)
    assert (state["status"], state["published"], state["dropped"], state["topic"]) == (
        "up",
        12,
        0,
        kafka.topic,
    )
    assert_order_per_key(events, records)
    assert partitions == 3, "the topic is created as asyncapi.yaml binds it"
    rest = [r.value for r in records if r.value["request_id"] is None]
    assert [r["channel"] for r in rest] == [None, None], "REST-made events carry channel null"


def assert_order_per_key(events: list[Frame], records: list[TopicRecord]) -> None:
    """Each record carries the contract's key, and one key's records come in the order emitted."""
    sent: dict[str, list[Any]] = defaultdict(list)
    for event in events:
        sent[expected_key(event)].append(seen(event))
    arrived: dict[str, list[Any]] = defaultdict(list)
    partitions: dict[str, set[int]] = defaultdict(set)
    for record in records:
        arrived[record.key].append(seen(record.value))
        partitions[record.key].add(record.partition)
    assert arrived == sent
    assert all(len(parts) == 1 for parts in partitions.values()), partitions
