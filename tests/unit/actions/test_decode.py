"""Decoding client frames: the fast path and every precise error."""

from __future__ import annotations

import json

import msgspec
import pytest

from generated import ws_messages as wire
from service.actions.decode import RejectedFrame, decode_request, validation_error


def rejected(data: str | bytes) -> RejectedFrame:
    with pytest.raises(RejectedFrame) as caught:
        decode_request(data)
    return caught.value


def test_a_valid_request_decodes_into_its_struct() -> None:
    request = decode_request('{"action": "get_order", "payload": {"id": 7}, "request_id": "r-1"}')
    assert request == wire.GetOrderRequest(payload=wire.GetOrderPayload(id=7), request_id="r-1")


def test_payload_and_request_id_are_optional_where_the_spec_says() -> None:
    assert isinstance(decode_request('{"action": "ping"}'), wire.PingRequest)
    assert decode_request('{"action": "list_orders"}').payload is msgspec.UNSET


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "invalid_json"),
        ("{", "invalid_json"),
        ("", "invalid_json"),
        ("[1, 2]", "invalid_frame"),
        ('"echo"', "invalid_frame"),
        ("null", "invalid_frame"),
        ("42", "invalid_frame"),
    ],
)
def test_text_that_is_no_object_has_no_request_id(text: str, code: str) -> None:
    error = rejected(text)
    assert error.error.code == code
    assert error.request_id is None


@pytest.mark.parametrize(
    ("text", "pointer"),
    [('{"payload": {}, "request_id": "r-1"}', "/action"), ('{"action": 5, "request_id": "r-1"}', "/action")],
)
def test_missing_or_non_string_action_keeps_the_request_id(text: str, pointer: str) -> None:
    error = rejected(text)
    assert (error.error.code, error.request_id, error.error.details) == (
        "validation_error",
        "r-1",
        {"pointer": pointer},
    )


def test_unknown_action_lists_the_supported_ones() -> None:
    error = rejected('{"action": "fly", "request_id": "r-2"}')
    assert error.error.code == "unknown_action"
    assert error.request_id == "r-2"
    assert error.error.details == {"supported_actions": [a.value for a in wire.ActionName]}


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        ('{"id": "1"}', "/payload/id"),
        ("{}", "/payload/id"),
        ('{"id": 0}', "/payload/id"),
        ('{"id": 1, "extra": true}', "/payload/extra"),
    ],
)
def test_a_bad_payload_names_the_field(payload: str, pointer: str) -> None:
    error = rejected(f'{{"action": "get_order", "payload": {payload}, "request_id": "r-3"}}')
    assert error.error.code == "validation_error"
    assert error.request_id == "r-3"
    assert error.error.details == {"pointer": pointer}
    assert pointer in error.error.message


def test_a_request_id_that_is_not_a_string_is_not_kept() -> None:
    error = rejected('{"action": "echo", "request_id": 12}')
    assert error.request_id is None
    assert error.error.details == {"pointer": "/request_id"}


def test_unknown_top_level_field_is_refused() -> None:
    error = rejected('{"action": "echo", "request_id": "r", "extra": 1}')
    assert error.error.details == {"pointer": "/extra"}


def test_pointers_escape_and_stop_at_hidden_keys() -> None:
    assert validation_error('Expected `int`, got `str` - at `$.a["x/y"][2]`').pointer == "/a/x~1y/2"
    assert validation_error("Expected `int`, got `str` - at `$.a[...][1]`").pointer == "/a"
    assert validation_error("Expected `object`, got `array`").pointer == "/"


def test_an_integral_float_counts_as_an_integer_as_json_schema_says() -> None:
    request = decode_request('{"action": "get_order", "payload": {"id": 3.0}}')
    assert request == wire.GetOrderRequest(payload=wire.GetOrderPayload(id=3))
    assert rejected('{"action": "get_order", "payload": {"id": 3.5}}').error.details == {
        "pointer": "/payload/id"
    }


def test_echo_data_is_echoed_exactly() -> None:
    request = decode_request('{"action": "echo", "payload": {"x": 1.0, "y": [2.0]}}')
    assert request.payload == {"x": 1.0, "y": [2.0]}


def test_a_number_followed_by_garbage_is_invalid_json_not_a_crash() -> None:
    error = rejected(b"9?\xff")
    assert error.error.code == "invalid_json"


@pytest.mark.parametrize(
    "text",
    [
        '{"action": "echo", "payload": ' + "[" * 10_000 + "]" * 10_000 + ', "request_id": "deep"}',
        '{"action": "ping", "payload": ' + '{"a":' * 5_000 + "1" + "}" * 5_000 + "}",
        "[" * 20_000 + "]" * 20_000,
    ],
)
def test_nesting_too_deep_to_read_is_a_validation_error_not_a_crash(text: str) -> None:
    error = rejected(text)
    assert error.error.code == "validation_error"
    assert "nested too deeply" in error.error.message


def test_field_names_with_backticks_keep_their_pointer() -> None:
    assert rejected('{"action": "ping", "x`y": 1, "request_id": "bt"}').error.details == {"pointer": "/x`y"}


@pytest.mark.parametrize("amount", ["1.5\n", "1.555", " 1.5", "01.5", "1e3"])
def test_an_amount_must_match_the_money_pattern_whole(amount: str) -> None:
    payload = {"customer": "c", "product": "p", "quantity": 1, "amount": amount}
    error = rejected(json.dumps({"action": "create_order", "payload": payload, "request_id": "m"}))
    assert (error.error.code, error.request_id, error.error.details) == (
        "validation_error",
        "m",
        {"pointer": "/payload/amount"},
    )
