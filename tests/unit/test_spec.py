"""The service's spec values are the specs' own: each is compared with the YAML it comes from.

``service/spec.py`` reads them from ``generated/``; these tests read them from
``api_specs/*.yaml``, where a tester reads them: the parameter as the operation declares it
(its ``$ref`` followed), the field of the frame. A value copied into the service by hand, or a
spec changed without regenerating, fails here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
import pytest

from generated import rest_models as rest
from service import spec
from service.orders.model import OrderStatus
from tools.specs import (
    load_asyncapi,
    load_openapi,
    normalized_schema,
    parameter_schema,
    resolve_pointer,
)


def ws_schema(pointer: str) -> dict[str, Any]:
    document = load_asyncapi()
    return normalized_schema(document, resolve_pointer(document, pointer))  # type: ignore[no-any-return]


def number_range(schema: dict[str, Any]) -> spec.Bounds:
    return spec.Bounds(schema["minimum"], schema["maximum"])


def length_range(schema: dict[str, Any]) -> spec.Bounds:
    return spec.Bounds(schema.get("minLength", 0), schema["maxLength"])


def whole(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


# --------------------------------------------------------------------------- the values


def test_order_id_bounds_match_the_path_parameter() -> None:
    assert number_range(parameter_schema("/orders/{id}", "get", "id")) == spec.ORDER_ID
    assert number_range(parameter_schema("/orders/{id}/status", "patch", "id")) == spec.ORDER_ID
    assert number_range(ws_schema("/components/schemas/GetOrderPayload/properties/id")) == spec.ORDER_ID


def test_orders_limit_and_default_match_the_query_parameter_and_the_action() -> None:
    schema = parameter_schema("/orders", "get", "limit")
    assert (number_range(schema), schema["default"]) == (spec.ORDERS_LIMIT, spec.ORDERS_LIMIT_DEFAULT)
    ws = ws_schema("/components/schemas/ListOrdersPayload/properties/limit")
    assert (number_range(ws), ws["default"]) == (spec.ORDERS_LIMIT, spec.ORDERS_LIMIT_DEFAULT)


def test_events_limit_and_default_match_the_query_parameter() -> None:
    schema = parameter_schema("/events", "get", "limit")
    assert (number_range(schema), schema["default"]) == (spec.EVENTS_LIMIT, spec.EVENTS_LIMIT_DEFAULT)


def test_broadcast_message_length_matches_the_query_parameter_and_the_action() -> None:
    assert length_range(parameter_schema("/broadcast", "post", "message")) == spec.BROADCAST_MESSAGE
    assert (
        length_range(ws_schema("/components/schemas/BroadcastPayload/properties/message"))
        == spec.BROADCAST_MESSAGE
    )


def test_request_id_lengths_match_the_frame_and_the_filter() -> None:
    assert length_range(ws_schema("/components/schemas/RequestId")) == spec.REQUEST_ID
    assert length_range(parameter_schema("/events", "get", "request_id")) == spec.REQUEST_ID_FILTER
    # The filter finds every request_id a frame may carry, and only non-empty ones are asked for.
    assert spec.Bounds(1, spec.REQUEST_ID.high) == spec.REQUEST_ID_FILTER


def test_channel_name_pattern_and_default_match_the_spec() -> None:
    for schema in (
        parameter_schema("/broadcast", "post", "channel"),
        ws_schema("/channels/ws/bindings/ws/query/properties/channel"),
    ):
        assert spec.CHANNEL_NAME.pattern == whole(schema["pattern"])
        assert schema["default"] == spec.DEFAULT_CHANNEL


def test_history_limit_and_default_match_the_query_parameter_and_the_action() -> None:
    schema = parameter_schema("/channels/{name}/history", "get", "limit")
    assert (number_range(schema), schema["default"]) == (spec.HISTORY_LIMIT, spec.HISTORY_LIMIT_DEFAULT)
    ws = ws_schema("/components/schemas/HistoryPayload/properties/limit")
    assert (number_range(ws), ws["default"]) == (spec.HISTORY_LIMIT, spec.HISTORY_LIMIT_DEFAULT)


def test_since_bounds_match_the_query_parameter_the_handshake_and_the_action() -> None:
    for schema in (
        parameter_schema("/channels/{name}/history", "get", "since"),
        ws_schema("/channels/ws/bindings/ws/query/properties/since"),
        ws_schema("/components/schemas/HistoryPayload/properties/since"),
    ):
        assert number_range(schema) == spec.CHANNEL_SINCE


def test_subprotocols_match_the_handshake_header() -> None:
    schema = ws_schema("/channels/ws/bindings/ws/headers/properties/Sec-WebSocket-Protocol")
    assert set(schema["enum"]) == spec.SUBPROTOCOLS


def test_event_names_match_the_query_parameter() -> None:
    assert set(parameter_schema("/events", "get", "event")["enum"]) == spec.EVENT_NAMES


def test_money_pattern_matches_the_spec() -> None:
    for document in (load_openapi(), load_asyncapi()):
        assert spec.MONEY.pattern == whole(document["components"]["schemas"]["Money"]["pattern"])


def test_the_nesting_depth_matches_both_specs() -> None:
    for document in (load_openapi(), load_asyncapi()):
        assert number_range(document["components"]["schemas"]["NestingDepth"]) == spec.NESTING_DEPTH


def test_the_prefer_delay_bounds_match_the_spec() -> None:
    assert number_range(load_openapi()["components"]["schemas"]["PreferDelay"]) == spec.PREFER_DELAY


def test_the_domain_order_statuses_match_the_spec() -> None:
    for document in (load_openapi(), load_asyncapi()):
        assert [s.value for s in OrderStatus] == document["components"]["schemas"]["OrderStatus"]["enum"]


# --------------------------------------------------------------------------- reading generated types

Limited = Annotated[int, msgspec.Meta(ge=2, le=9, description="d")]
Named = Annotated[str, msgspec.Meta(min_length=1, max_length=3, pattern="^[a-z]+$")]


class Query(msgspec.Struct):
    needed: int
    size: Limited = 4


def test_bounds_lengths_patterns_and_defaults_come_from_the_generated_types() -> None:
    assert spec.number_bounds(Limited) == spec.Bounds(2, 9)
    assert spec.length_bounds(Named) == spec.Bounds(1, 3)
    assert spec.length_bounds(Annotated[str, msgspec.Meta(max_length=5)]) == spec.Bounds(0, 5)
    assert spec.whole_pattern(Named).pattern == "[a-z]+"
    assert spec.field_default(Query, "size") == 4
    assert spec.number_bounds(rest.OrderId) == spec.Bounds(1, 2_147_483_647)


def test_the_pattern_matches_whole_strings_only() -> None:
    assert spec.CHANNEL_NAME.fullmatch("room-1.a_b")
    for bad in ("general\n", "", "x" * 65, "two words", "ünï"):
        assert spec.CHANNEL_NAME.fullmatch(bad) is None, bad
    assert re.compile("^[a-z]+$").search("abc\n"), "the anchored pattern would let a final newline pass"


@pytest.mark.parametrize(
    ("read", "alias"),
    [
        (spec.number_bounds, int),
        (spec.number_bounds, Annotated[int, msgspec.Meta(ge=1)]),
        (spec.length_bounds, Annotated[str, msgspec.Meta(min_length=1)]),
        (spec.whole_pattern, Limited),
        (spec.constraints_of, Annotated[int, msgspec.Meta(ge=1), msgspec.Meta(le=2)]),
    ],
)
def test_a_constraint_the_type_does_not_have_is_an_error_at_import(read: Any, alias: Any) -> None:
    with pytest.raises(TypeError):
        read(alias)


def test_a_field_without_a_default_is_an_error_at_import() -> None:
    with pytest.raises(TypeError, match=r"Query\.needed has no default"):
        spec.field_default(Query, "needed")
    with pytest.raises(TypeError):
        spec.field_default(Query, "absent")
