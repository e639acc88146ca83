"""The Kafka forwarder process: a child that dies is replaced, and delivery goes on."""

from __future__ import annotations

from pathlib import Path

import psutil

from tests.support.client import ContractClient
from tests.support.live import start_service
from tests.support.tansu import KafkaTarget, TopicRecord, wait_for_kafka


def forwarder_of(service_pid: int) -> psutil.Process:
    (child,) = [
        p
        for p in psutil.Process(service_pid).children()
        if "service.bus.kafka_child" in " ".join(p.cmdline())
    ]
    return child


async def test_a_killed_forwarder_is_replaced_and_delivery_goes_on(
    kafka: KafkaTarget, tmp_path: Path
) -> None:
    service = start_service(tmp_path / "service.log", env=kafka.service_env())
    try:
        await wait_for_kafka(service, lambda state: state["status"] == "up")
        first = forwarder_of(service.process.pid)
        async with ContractClient.connect(service.ws, channel="fwd") as client:
            await client.request("echo", {"n": 1}, request_id="before-kill")
            await wait_for_kafka(service, lambda state: state["published"] >= 1 and state["buffered"] == 0)
            first.kill()
            first.wait(5)
            await wait_for_kafka(
                service, lambda state: state["status"] == "down" and "forwarder" in state["error"]
            )
            await wait_for_kafka(service, lambda state: state["status"] == "up", timeout=20)
            second = forwarder_of(service.process.pid)
            assert second.pid != first.pid
            await client.request("echo", {"n": 2}, request_id="after-kill")

        def both(records: list[TopicRecord]) -> bool:
            return {"before-kill", "after-kill"} <= {r.value["request_id"] for r in records}

        records = await kafka.read(both)
        assert both(records), [r.value for r in records]
        state = await wait_for_kafka(service, lambda state: state["buffered"] == 0)
        assert state["published"] >= 2
    finally:
        assert service.stop() == 0
    assert not [
        p
        for p in psutil.process_iter(["cmdline"])
        if "service.bus.kafka_child" in " ".join(p.info["cmdline"] or []) and p.ppid() == service.process.pid
    ], "the forwarder outlived the service"
