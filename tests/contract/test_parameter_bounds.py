"""Every REST parameter the service checks itself, at the bounds the spec gives.

The bounds, lengths, patterns and defaults are read from ``api_specs/openapi.yaml``, not from
the service: the service must accept the last value the spec allows and refuse the first one it
does not, with a 400 naming the parameter. A live service, over a real socket.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.live import LiveService
from tools.specs import parameter_schema


@pytest.fixture(scope="module")
def http(live: LiveService) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.http, timeout=10) as client:
        yield client


def refused(response: httpx.Response, pointer: str) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "validation_error", body
    assert body["errors"][0]["pointer"] == pointer, body
    return str(body["detail"])


@pytest.mark.parametrize("path", ["/orders", "/events"])
def test_limit_is_taken_from_minimum_to_maximum_and_refused_outside(http: httpx.Client, path: str) -> None:
    schema = parameter_schema(path, "get", "limit")
    low, high = schema["minimum"], schema["maximum"]
    for limit in (low, high):
        assert http.get(path, params={"limit": limit}).status_code == 200, limit
    for limit in (low - 1, high + 1):
        detail = refused(http.get(path, params={"limit": limit}), "/query/limit")
        assert f"between {low} and {high}" in detail


def test_without_a_limit_the_spec_default_applies(http: httpx.Client) -> None:
    orders_default = parameter_schema("/orders", "get", "limit")["default"]
    events_default = parameter_schema("/events", "get", "limit")["default"]
    # Each order made is one `order.created` record: enough of both to overflow either default.
    for number in range(max(orders_default, events_default) + 1):
        made = http.post("/orders", json={"customer": "Bound", "product": f"p{number}", "quantity": 1})
        assert made.status_code == 201, made.text
    assert len(http.get("/orders").json()) == orders_default
    assert len(http.get("/events").json()) == events_default


def test_order_id_is_taken_up_to_maximum_and_refused_outside(http: httpx.Client) -> None:
    schema = parameter_schema("/orders/{id}", "get", "id")
    low, high = schema["minimum"], schema["maximum"]
    assert http.get(f"/orders/{low}").status_code == 200
    missing = http.get(f"/orders/{high}")
    assert (missing.status_code, missing.json()["code"]) == (404, "order_not_found")
    for order_id in (low - 1, high + 1):
        detail = refused(http.get(f"/orders/{order_id}"), "/path/id")
        assert f"between {low} and {high}" in detail
        change = http.patch(f"/orders/{order_id}/status", json={"status": "paid"})
        refused(change, "/path/id")


@pytest.mark.parametrize(
    ("method", "path", "name"), [("post", "/broadcast", "message"), ("get", "/events", "request_id")]
)
def test_string_length_is_taken_within_bounds_and_refused_outside(
    http: httpx.Client, method: str, path: str, name: str
) -> None:
    schema = parameter_schema(path, method, name)
    low, high = schema["minLength"], schema["maxLength"]
    for length in (low, high):
        response = http.request(method, path, params={name: "x" * length})
        assert response.status_code == 200, (length, response.text)
    for length in (low - 1, high + 1):
        response = http.request(method, path, params={name: "x" * length})
        detail = refused(response, f"/query/{name}")
        assert f"{low}-{high} characters" in detail


def test_broadcast_channel_follows_the_channel_name_pattern(http: httpx.Client) -> None:
    schema = parameter_schema("/broadcast", "post", "channel")
    assert schema["pattern"] == "^[A-Za-z0-9._-]{1,64}$", "this test's names assume the pattern"
    sent = http.post("/broadcast", params={"message": "m"})
    assert sent.json()["channel"] == schema["default"]
    assert http.post("/broadcast", params={"message": "m", "channel": "c" * 64}).status_code == 200
    for bad in ("c" * 65, "two words", ""):
        refused(http.post("/broadcast", params={"message": "m", "channel": bad}), "/query/channel")


def test_event_filter_takes_every_event_name_and_nothing_else(http: httpx.Client) -> None:
    for name in parameter_schema("/events", "get", "event")["enum"]:
        assert http.get("/events", params={"event": name}).status_code == 200, name
    refused(http.get("/events", params={"event": "ws.nope"}), "/query/event")
