"""Logs: one ECS JSON object per line on stdout, with the fields Kibana filters on."""

from __future__ import annotations

import json
import time

from tests.support.client import ContractClient
from tests.support.live import LiveService


def parsed_lines(live: LiveService) -> list[dict[str, object]]:
    lines = [line for line in live.log_lines() if line.strip()]
    records = []
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise AssertionError(f"log line {number} is not JSON ({error}): {line[:300]}") from None
        assert isinstance(record, dict), line
        for field in ("@timestamp", "log.level", "message", "ecs.version"):
            assert field in record, f"log line {number} has no {field!r}: {line[:300]}"
        records.append(record)
    return records


async def test_every_log_line_is_ecs_json_and_actions_carry_their_fields(live: LiveService) -> None:
    async with ContractClient.connect(live.ws, channel="logs-room") as client:
        await client.request("echo", {"text": "log me"}, request_id="log-1")
        await client.raw_request("not json", request_id=None)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        records = parsed_lines(live)
        answered = [r for r in records if r.get("request_id") == "log-1"]
        if answered:
            break
        time.sleep(0.2)
    (record,) = answered
    assert record["channel"] == "logs-room"
    assert record["action"] == "echo"
    assert record["event"] == {"action": "ws.echo"}
    rejected = [
        r
        for r in records
        if r.get("event") == {"action": "frame.rejected"} and r.get("channel") == "logs-room"
    ]
    assert rejected, "a rejected frame is logged"
    assert all(not isinstance(r.get("event"), str) for r in records), "`event` must stay an ECS object"
