"""``Prefer`` on REST (RFC 7240), over real sockets: documented answers on demand, late answers,
each applied fault a ``fault.injected`` record, malformed preferences and ``FAULTS=off`` refused.

What an answer must be is read from ``api_specs/openapi.yaml`` here, not from the service.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.client import ContractClient
from tests.support.live import LiveService, running_service
from tools.specs import (
    HTTP_METHODS,
    frame_contract,
    load_openapi,
    openapi_schemas,
    resolve_pointer,
)

DELAY_MS = 600
SLACK = 0.05  # seconds a timer may fire early on a loaded machine's clock; never more


def resolved(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(load_openapi(), node["$ref"])
    return node


def documented() -> list[tuple[str, str, int]]:
    """(method, path, status) of every response the spec lists."""
    return [
        (method.upper(), path, int(status))
        for path, item in load_openapi()["paths"].items()
        for method in HTTP_METHODS
        if method in item
        for status in item[method]["responses"]
    ]


def declared(method: str, path: str) -> dict[str, Any]:
    return dict(load_openapi()["paths"][path][method.lower()])


def concrete(path: str) -> str:
    return path.replace("{id}", "1").replace("{name}", "general")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """A service of its own: its event log and orders hold only what these tests did."""
    log_path = Path(tmp_path_factory.mktemp("prefer")) / "service.log"
    with running_service(log_path, {"LOG_ACTIONS": "all"}) as live:
        yield live


@pytest.fixture(scope="module")
def http(service: LiveService) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service.http, timeout=40) as client:
        yield client


def refused(response: httpx.Response, code: str = "validation_error") -> str:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    openapi_schemas().validator("Problem").validate(body)
    assert body["code"] == code, body
    if code == "validation_error":
        assert body["errors"] == [{"pointer": "/header/Prefer", "message": body["detail"]}], body
    assert "preference-applied" not in response.headers
    return str(body["detail"])


def fault_records(http: httpx.Client) -> list[dict[str, Any]]:
    records = http.get("/events", params={"event": "fault.injected", "limit": 1000}).json()
    for record in records:
        frame_contract().check_event_record(record)
    return list(records)


@pytest.mark.parametrize(("method", "path", "status"), documented(), ids=lambda v: str(v))
def test_every_documented_status_is_answered_as_the_spec_documents_it(
    http: httpx.Client, method: str, path: str, status: int
) -> None:
    response = http.request(method, concrete(path), headers={"Prefer": f"code={status}"})
    assert response.status_code == status, response.text
    assert response.headers["preference-applied"] == f"code={status}"
    answer = resolved(declared(method, path)["responses"][str(status)])
    media_type, media = next(iter(answer["content"].items()))
    assert response.headers["content-type"] == media_type
    # A page (text/html) is its example as written; every other body is JSON.
    body = response.text if media["schema"].get("type") == "string" else json.loads(response.content)
    openapi_schemas().validator_for(media["schema"]).validate(body)
    examples = [resolved(example)["value"] for example in (media.get("examples") or {}).values()]
    examples += [media["example"]] if "example" in media else []
    if examples:
        assert body == examples[0]
    for name, header in (answer.get("headers") or {}).items():
        header = resolved(header)
        value = response.headers[name]
        schema = header["schema"]
        openapi_schemas().validator_for(schema).validate(int(value) if schema["type"] == "integer" else value)


def test_a_503_says_when_to_try_again(http: httpx.Client) -> None:
    response = http.get("/orders", headers={"Prefer": "code=503"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["code"] == "storage_unavailable"


def test_a_status_the_operation_does_not_list_is_refused_naming_the_ones_it_does(http: httpx.Client) -> None:
    listed = ", ".join(sorted(declared("POST", "/orders")["responses"]))
    detail = refused(http.post("/orders", headers={"Prefer": "code=409"}))
    assert detail == f"Prefer: code=409 is not an answer of POST /orders; it documents {listed}"
    assert "200" in refused(http.get("/health", headers={"Prefer": "code=503"}))


@pytest.mark.parametrize(
    "prefer",
    ["code=abc", "code=", "code", "code=99", "code=600", "delay=-1", "delay=30001", "delay=1.5", "delay=x"],
)
def test_a_malformed_code_or_delay_is_refused_with_the_header_as_pointer(
    http: httpx.Client, prefer: str
) -> None:
    refused(http.get("/orders", headers={"Prefer": prefer}))


def test_other_preferences_are_ignored(http: httpx.Client) -> None:
    response = http.get("/orders/1", headers={"Prefer": "return=minimal, respond-async, wait=5, example=x"})
    assert response.status_code == 200
    assert response.json()["id"] == 1
    assert "preference-applied" not in response.headers


def test_delay_holds_the_real_answer_back(http: httpx.Client) -> None:
    began = time.monotonic()
    response = http.get("/orders/1", headers={"Prefer": f"delay={DELAY_MS}"})
    took = time.monotonic() - began
    assert response.status_code == 200
    assert response.json()["id"] == 1
    assert response.headers["preference-applied"] == f"delay={DELAY_MS}"
    assert took >= DELAY_MS / 1000 - SLACK, took
    began = time.monotonic()
    assert http.get("/orders/1").status_code == 200
    assert time.monotonic() - began < DELAY_MS / 1000, "without Prefer the answer is not held back"


def test_delay_holds_back_an_error_answer_too(http: httpx.Client) -> None:
    began = time.monotonic()
    response = http.get("/orders/999", headers={"Prefer": f"delay={DELAY_MS}"})
    assert response.status_code == 404
    assert response.headers["preference-applied"] == f"delay={DELAY_MS}"
    assert time.monotonic() - began >= DELAY_MS / 1000 - SLACK


def test_code_and_delay_combine(http: httpx.Client) -> None:
    began = time.monotonic()
    response = http.get("/orders", headers={"Prefer": f"code=503, delay={DELAY_MS}"})
    assert time.monotonic() - began >= DELAY_MS / 1000 - SLACK
    assert response.status_code == 503
    assert response.headers["preference-applied"] == f"code=503, delay={DELAY_MS}"
    assert response.headers["retry-after"] == "1"


async def test_a_code_answer_changes_nothing_and_notifies_no_one(service: LiveService) -> None:
    async with (
        httpx.AsyncClient(base_url=service.http, timeout=10) as http,
        ContractClient.connect(service.ws, channel="general") as listener,
    ):
        orders_before = (await http.get("/orders", params={"limit": 100})).json()
        created = await http.post(
            "/orders",
            json={"customer": "Nobody", "product": "Nothing", "quantity": 1},
            headers={"Prefer": "code=201"},
        )
        assert created.status_code == 201
        assert created.json()["customer"] == "Alice"  # the spec's example, not the body sent
        paid = await http.patch("/orders/1/status", json={"status": "paid"}, headers={"Prefer": "code=200"})
        assert (paid.status_code, paid.json()["status"]) == (200, "paid")
        sent = await http.post("/broadcast", params={"message": "unseen"}, headers={"Prefer": "code=200"})
        assert sent.status_code == 200
        # A real broadcast afterwards: the listener's first frame must be it, nothing before.
        assert (await http.post("/broadcast", params={"message": "marker"})).status_code == 200
        first = await listener.recv()
        assert (first["type"], first["message"]) == ("broadcast", "marker"), first
        assert (await http.get("/orders", params={"limit": 100})).json() == orders_before
        assert (await http.get("/orders/1")).json()["status"] == "created"
        events = (await http.get("/events", params={"limit": 1000})).json()
        assert {e["event"] for e in events} == {"fault.injected"}, "a code answer leaves no other record"


def test_every_applied_prefer_is_a_fault_injected_record_and_a_log_line(
    http: httpx.Client, service: LiveService
) -> None:
    assert http.get("/orders/2", headers={"Prefer": "Code=404, delay=5"}).status_code == 404
    assert http.get("/stats", headers={"Prefer": "delay=0"}).status_code == 200
    newest = fault_records(http)[:2]
    assert [{k: r[k] for k in ("request_id", "channel", "data")} for r in newest] == [
        {
            "request_id": None,
            "channel": None,
            "data": {"target": "request", "method": "GET", "path": "/stats", "faults": {"delay": 0}},
        },
        {
            "request_id": None,
            "channel": None,
            "data": {
                "target": "request",
                "method": "GET",
                "path": "/orders/2",
                "faults": {"code": 404, "delay": 5},
            },
        },
    ]
    before = len(fault_records(http))
    assert http.get("/orders/1", headers={"Prefer": "return=minimal"}).status_code == 200
    refused(http.get("/orders/1", headers={"Prefer": "code=201"}))
    assert len(fault_records(http)) == before, "nothing applied, nothing recorded"
    deadline = time.monotonic() + 5
    wanted = "faults injected into the answer to GET /orders/2: Prefer code=404, delay=5"
    while not any(wanted in line and '"fault.injected"' in line for line in service.log_lines()):
        assert time.monotonic() < deadline, "no fault.injected log line"
        time.sleep(0.1)


def test_with_faults_off_any_code_or_delay_is_refused(tmp_path: Path) -> None:
    with (
        running_service(tmp_path / "service.log", {"FAULTS": "off"}) as live,
        httpx.Client(base_url=live.http) as http,
    ):
        for prefer in ("code=503", "delay=100", "code=abc", "return=minimal, delay=1"):
            detail = refused(http.get("/orders", headers={"Prefer": prefer}), "faults_disabled")
            assert "FAULTS=off" in detail
        ignored = http.get("/orders", headers={"Prefer": "return=minimal"})
        assert ignored.status_code == 200
        assert http.get("/events", params={"event": "fault.injected"}).json() == []
