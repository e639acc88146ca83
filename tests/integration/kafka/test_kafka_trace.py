"""A request's trace names where its event records went on Kafka: the partition and offset in
the trace are where a consumer finds the record."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import ContractClient
from tests.support.live import LiveService, start_service
from tests.support.specs import check_openapi_schema
from tests.support.tansu import KafkaTarget, wait_for_kafka

pytestmark = pytest.mark.kafka


async def deliveries(service: LiveService, request_id: str) -> list[dict[str, Any]]:
    """The trace's event steps, once none of them is pending any more."""
    async with httpx.AsyncClient(base_url=service.http, timeout=5) as http:
        for _ in range(100):
            trace = (await http.get(f"/trace/{request_id}")).json()
            check_openapi_schema("Trace", trace)
            events = [s for s in trace["requests"][-1]["steps"] if s["kind"] == "event"]
            if events and all(step["delivery"]["status"] != "pending" for step in events):
                return events
            await asyncio.sleep(0.05)
    raise AssertionError(f"still pending: {events}")


async def test_the_trace_names_the_partition_and_offset_a_consumer_finds_the_record_at(
    kafka: KafkaTarget, tmp_path: Path
) -> None:
    service = start_service(tmp_path / "service.log", env=kafka.service_env())
    try:
        await wait_for_kafka(service, lambda state: state["status"] == "up")
        async with ContractClient.connect(service.ws, channel="kafka-trace") as client:
            for n in range(5):  # several records, so offsets differ from 0
                await client.request("echo", {"n": n}, request_id=f"kt-{n}")
            created = await client.request(
                "create_order",
                {"customer": "Ann", "product": "Kettle", "quantity": 1, "amount": "5.00"},
                request_id="kt-order",
            )
        traced = {rid: await deliveries(service, rid) for rid in ("kt-3", "kt-order")}
        records = await kafka.read(until=lambda got: len(got) >= 6)
        at = {(r.partition, r.offset): r for r in records}
        for request_id, events in traced.items():
            (event,) = events
            delivery = event["delivery"]
            assert delivery["status"] == "published"
            assert delivery["topic"] == kafka.topic
            record = at[(delivery["partition"], delivery["offset"])]
            assert (record.key, record.value["request_id"]) == (event["key"], request_id)
        assert traced["kt-order"][0]["key"] == f"order-{created[1]['data']['id']}"
    finally:
        service.stop()
