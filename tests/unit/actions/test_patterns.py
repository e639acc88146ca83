"""Every pattern of a decoded value is matched whole, wherever the generated types put it."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
import pytest

from generated import rest_models as rest
from generated import ws_messages as wire
from service.actions.patterns import WholePatterns
from service.errors import ValidationFailed

FRAMES = WholePatterns(wire.ClientFrame)
BODIES = WholePatterns(rest.CreateOrder)


def refused(patterns: WholePatterns, value: Any, prefix: str = "") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        patterns.check(value, pointer_prefix=prefix)
    return caught.value


def create(**fields: Any) -> wire.CreateOrderRequest:
    payload = {"customer": "Alice", "product": "Keyboard", "quantity": 1, **fields}
    return wire.CreateOrderRequest(payload=wire.CreateOrderPayload(**payload))


@pytest.mark.parametrize(
    ("field", "text"), [("customer", "Alice\n"), ("product", "Lamp\n"), ("amount", "1.50\n")]
)
def test_a_final_newline_that_re_search_lets_through_is_refused(field: str, text: str) -> None:
    payload = {"customer": "Alice", "product": "Keyboard", "quantity": 1, "amount": "1.00", field: text}
    request = msgspec.convert({"action": "create_order", "payload": payload}, wire.ClientFrame)
    assert isinstance(request, wire.CreateOrderRequest)  # msgspec's own check lets it through
    error = refused(FRAMES, request)
    assert error.pointer == f"/payload/{field}"
    assert error.message.startswith("Expected `str` matching regex '^")
    assert error.message.endswith(f" at /payload/{field}")


def test_a_body_is_pointed_at_under_its_prefix() -> None:
    body = msgspec.convert({"customer": "c\n", "product": "p", "quantity": 1}, rest.CreateOrder)
    assert refused(BODIES, body, "/body").pointer == "/body/customer"


def test_whole_matches_pass_and_types_without_patterns_are_not_looked_into() -> None:
    FRAMES.check(create(amount="59.90"))
    FRAMES.check(create(amount=msgspec.UNSET))
    FRAMES.check(wire.EchoRequest(payload={"text": "Alice\n"}))  # a free-form payload has no pattern
    FRAMES.check(wire.BroadcastRequest(payload=wire.BroadcastPayload(message="hi\n")))


Named = Annotated[str, msgspec.Meta(pattern="^[a-z]+$")]


class Inner(msgspec.Struct):
    name: Named


class Outer(msgspec.Struct):
    inner: Inner | None = None
    label: Annotated[Named, msgspec.Meta(description="d")] | None = None


def test_nested_structs_and_optional_fields_are_followed() -> None:
    patterns = WholePatterns(Outer)
    assert refused(patterns, Outer(inner=Inner(name="abc\n"))).pointer == "/inner/name"
    assert refused(patterns, Outer(label="abc\n")).pointer == "/label"
    patterns.check(Outer())


class Listed(msgspec.Struct):
    names: list[Named]


def test_a_pattern_it_could_not_reach_is_an_error_at_import() -> None:
    with pytest.raises(TypeError, match="would not be matched whole"):
        WholePatterns(Listed)
