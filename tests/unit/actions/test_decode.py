"""Decoding client input: frames and REST bodies, the fast path and every precise error."""

from __future__ import annotations

import json

import msgspec
import pytest

from generated import rest_models as rest
from generated import ws_messages as wire
from service.actions.decode import (
    BODY,
    FRAME,
    MAX_NESTING,
    InputDecoder,
    RejectedFrame,
    decode_request,
    validation_error,
)
from service.errors import BadInput, InvalidJson, ValidationFailed


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
    assert error.error.message == f"The frame nests objects and arrays deeper than {MAX_NESTING} levels at /"


def payload_objects(levels: int) -> str:
    """An echo frame whose payload nests ``levels`` objects: the frame nests one more."""
    return '{"action": "echo", "payload": ' + '{"a": ' * levels + "0" + "}" * levels + ', "request_id": "d"}'


def test_the_nesting_limit_is_the_specs_and_the_frame_itself_is_level_one() -> None:
    assert MAX_NESTING == 64
    request = decode_request(payload_objects(MAX_NESTING - 1))
    assert isinstance(request, wire.EchoRequest)
    error = rejected(payload_objects(MAX_NESTING))
    pointer = "/payload" + "/a" * (MAX_NESTING - 1)
    assert (error.error.code, error.request_id, error.error.details) == (
        "validation_error",
        "d",
        {"pointer": pointer},
    )
    assert error.error.message == f"The frame nests objects and arrays deeper than 64 levels at {pointer}"


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("[" * 65 + "]" * 65, "/" + "/".join("0" * 64)),  # deeper than 64 before it is no object
        ('{"action": ' + "[" * 64 + "]" * 64 + ', "request_id": "d"}', "/action" + "/0" * 63),
        ('{"action": "fly", "x": ' + "[" * 64 + "]" * 64 + ', "request_id": "d"}', "/x" + "/0" * 63),
        (
            '{"action": "ping", "payload": ' + "[" * 64 + "]" * 64 + ', "request_id": "d"}',
            "/payload" + "/0" * 63,
        ),
    ],
    ids=["not-an-object", "action", "unknown-action", "closed-payload"],
)
def test_past_the_limit_nothing_else_is_judged(text: str, pointer: str) -> None:
    error = rejected(text)
    assert (error.error.code, error.error.details) == ("validation_error", {"pointer": pointer})


def test_many_brackets_that_do_not_nest_deep_are_decoded() -> None:
    items = [{"id": n, "tags": ["a", [n]]} for n in range(200)]
    request = decode_request(json.dumps({"action": "echo", "payload": {"items": items}}))
    assert request.payload == {"items": items}
    assert (
        rejected('{"action": "echo", "payload": {"x": [' + "[1]," * 100 + "1}}").error.code == "invalid_json"
    )


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


@pytest.mark.parametrize(
    "data",
    [
        b'{"action": "echo", "payload": {"text": "caf\xe9"}, "request_id": "u"}',
        '{"action": "echo", "x": "\ud800"}',
    ],
    ids=["not-utf8", "lone-surrogate"],
)
def test_text_that_is_not_utf8_is_invalid_json_not_a_crash(data: str | bytes) -> None:
    error = rejected(data)
    assert (error.error.code, error.request_id) == ("invalid_json", None)
    assert error.error.message.startswith("Frame is not valid JSON: its text is not UTF-8")


# --------------------------------------------------------------------------- REST bodies

body_decoder: InputDecoder[rest.CreateOrder] = InputDecoder(rest.CreateOrder, source=BODY)
ORDER = '{"customer": "c", "product": "p", "quantity": %s}'


def refused_body(data: str | bytes) -> BadInput:
    with pytest.raises(BadInput) as caught:
        body_decoder.decode(data)
    return caught.value


def test_a_valid_body_decodes_into_its_struct_and_1_0_is_an_integer() -> None:
    assert body_decoder.decode(ORDER % "2.0") == rest.CreateOrder(customer="c", product="p", quantity=2)


@pytest.mark.parametrize(
    ("data", "pointer", "message"),
    [
        (ORDER % '"2"', "/body/quantity", "Expected `int`, got `str` at /body/quantity"),
        (ORDER % "0", "/body/quantity", "Expected `int` >= 1 at /body/quantity"),
        (
            '{"customer": "c", "product": "p"}',
            "/body/quantity",
            "Object missing required field `quantity` at /body/quantity",
        ),
        (
            '{"customer": "c", "product": "p", "quantity": 1, "x": 1}',
            "/body/x",
            "Object contains unknown field `x` at /body/x",
        ),
        ("[]", "/body", "Expected `object`, got `array` at /body"),
    ],
)
def test_a_bad_body_names_the_field_under_body(data: str, pointer: str, message: str) -> None:
    error = refused_body(data)
    assert isinstance(error, ValidationFailed)
    assert (error.pointer, error.message) == (pointer, message)


@pytest.mark.parametrize("data", ["{", "", "nope", '{"customer": 1e999}'])
def test_a_body_that_is_not_json_is_invalid_json(data: str) -> None:
    error = refused_body(data)
    assert isinstance(error, InvalidJson)
    assert error.message.startswith("The body is not valid JSON: ")


@pytest.mark.parametrize(
    ("data", "pointer"),
    [
        ("[" * 20_000 + "]" * 20_000, "/body"),  # too deep to read at all: the body is named
        ('{"customer": ' + "[" * 20_000 + "]" * 20_000 + "}", "/body"),
        (
            '{"customer": ' + "[" * 64 + "]" * 64 + ', "product": "p", "quantity": 1}',
            "/body/customer" + "/0" * 63,
        ),
    ],
)
def test_a_body_nested_too_deeply_is_a_validation_error_naming_where(data: str, pointer: str) -> None:
    error = refused_body(data)
    assert isinstance(error, ValidationFailed)
    assert error.pointer == pointer
    assert error.message == f"The body nests objects and arrays deeper than {MAX_NESTING} levels at {pointer}"


@pytest.mark.parametrize("data", [b'{"customer": "caf\xe9"}', b'{"\xc3": 1}'])
def test_a_body_that_is_not_utf8_is_invalid_json(data: bytes) -> None:
    error = refused_body(data)
    assert isinstance(error, InvalidJson)
    assert error.message.startswith("The body is not valid JSON: its text is not UTF-8")


@pytest.mark.parametrize(
    "payload",
    [
        '{"customer": 5, "product": "p", "quantity": 1}',
        '{"product": "p", "quantity": 1}',
        '{"customer": "c", "product": "p", "quantity": 1.5}',
        "[1]",
    ],
)
def test_a_frame_and_a_body_get_the_same_error_but_for_where_they_sit(payload: str) -> None:
    as_frame: InputDecoder[wire.CreateOrderPayload] = InputDecoder(wire.CreateOrderPayload, source=FRAME)
    with pytest.raises(ValidationFailed) as frame_error:
        as_frame.decode(payload)
    body_error = refused_body(payload)
    assert isinstance(body_error, ValidationFailed)
    frame_pointer = frame_error.value.pointer
    assert body_error.pointer == "/body" + (frame_pointer if frame_pointer != "/" else "")
    assert body_error.message == frame_error.value.message.replace(
        f" at {frame_pointer}", f" at {body_error.pointer}"
    )


@pytest.mark.parametrize("name", ["a\u0000b", "\u0000", "ends\n", "tab\there", "\u007f", "c1\u009f"])
@pytest.mark.parametrize("quantity", ["1", "1.0"], ids=["fast-path", "loose-path"])
def test_a_name_with_a_control_character_is_refused_in_a_frame_and_in_a_body(
    name: str, quantity: str
) -> None:
    fields = f'"customer": {json.dumps(name)}, "product": "p", "quantity": {quantity}'
    frame = rejected(f'{{"action": "create_order", "payload": {{{fields}}}, "request_id": "n"}}')
    assert (frame.error.code, frame.request_id, frame.error.details) == (
        "validation_error",
        "n",
        {"pointer": "/payload/customer"},
    )
    body = refused_body(f"{{{fields}}}")
    assert isinstance(body, ValidationFailed)
    assert body.pointer == "/body/customer"
