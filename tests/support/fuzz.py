"""Fuzzing the WebSocket endpoint: strategies from asyncapi.yaml, an oracle, and two drivers.

* **Strategies** (Hypothesis). `valid_frames` draws client frames from the request schemas of
  ``api_specs/asyncapi.yaml`` (``components/schemas/<Action>Request``, every ``$ref`` inlined);
  `mutated_frames` breaks one or two things in such a frame (a required key dropped, a wrong
  type, an extra key, an unknown or non-string action, a bad ``request_id``, a payload that is
  not an object, a value out of its bounds); the other strategies make arbitrary JSON, text
  that is almost JSON, huge numbers and deeply nested values.

  Leaf schemas (strings with ``pattern``/``maxLength``, bounded integers, enums) go through
  ``hypothesis_jsonschema.from_schema``; objects are built here. hypothesis-jsonschema 0.23.1
  draws objects with a Hypothesis internal that Hypothesis 6.170 no longer has
  (``AttributeError: 'many' object has no attribute 'more'`` for any object schema).

* **Oracle**. `expected_answer` says what the spec promises for one text frame: the request is
  accepted (``ack`` first, an ``event`` last), or exactly one ``error`` with a given code and
  the ``request_id`` kept only when it is a string of at most 128 characters. Validity is
  decided by the project's own Draft 2020-12 validators of the request schemas
  (`FrameContract`). `check_answers` holds the frames a frame got against that promise.

* **Drivers**. `FuzzLink` is one long-lived ``websockets`` sync connection that sends frames
  in batches and reads every answer through ``FrameContract.check_server_frame``; it
  reconnects after a documented close. `RawLink` speaks RFC 6455 on a plain socket, for what
  a real client library refuses to send: fragmented messages split inside a UTF-8 sequence,
  pings between fragments, and text frames that are not UTF-8.
"""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, cast

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State
from websockets.sync.client import ClientConnection, connect

from tests.support import rawws
from tools.specs import FrameContract, format_checker, json_pointer, load_asyncapi, normalized_schema

Frame = dict[str, Any]

FRAME_LIMIT = 64 * 1024
"""``WS_MAX_FRAME_BYTES`` default: a message of more bytes is refused with close 1009."""
MAX_REQUEST_ID = 128
MAX_INT_LITERAL = 4300
"""Characters of the longest integer literal the service decodes (msgspec stops where CPython's
``int_max_str_digits`` does, counting the sign); a longer one is answered ``invalid_json``."""
CLOSE_NORMAL = 1000
CLOSE_INVALID_PAYLOAD = 1007
"""RFC 6455 §7.4.1: a text message that is not UTF-8."""
CLOSE_MESSAGE_TOO_BIG = 1009
FINAL_TYPES = frozenset({"event", "error"})
TOP_KEYS = ("action", "payload", "request_id")
CHANNEL = "general"

TRANSITIONS: dict[str, frozenset[str]] = {
    "created": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset(),
    "cancelled": frozenset(),
}


# --------------------------------------------------------------------------- the request schemas


@cache
def contract() -> FrameContract:
    return FrameContract.load()


@cache
def actions() -> tuple[str, ...]:
    """The actions of asyncapi.yaml, in the order of ``ClientFrame``."""
    return tuple(contract().client.mapping)


@cache
def request_schema(action: str) -> dict[str, Any]:
    """The request schema of ``action`` with every ``$ref`` inlined: a self-contained JSON Schema."""
    ref = contract().client.mapping[action]
    schema = normalized_schema(load_asyncapi(), {"$ref": ref})
    assert isinstance(schema, dict), schema
    return schema


def payload_schema(action: str) -> dict[str, Any]:
    schema = request_schema(action)["properties"]["payload"]
    assert isinstance(schema, dict), schema
    return schema


def payload_properties(action: str) -> dict[str, dict[str, Any]]:
    return cast(dict[str, dict[str, Any]], payload_schema(action).get("properties", {}))


@cache
def _request_validator(action: str) -> Any:
    return contract().schemas.validator_at(contract().client.mapping[action])


@cache
def _leaf_validator(schema_json: str) -> Any:
    return Draft202012Validator(json.loads(schema_json), format_checker=format_checker())


def is_valid_value(schema: Mapping[str, Any], value: object) -> bool:
    """Whether ``value`` conforms to ``schema``, a self-contained (inlined) schema."""
    return bool(_leaf_validator(json.dumps(schema, sort_keys=True)).is_valid(value))


def is_valid_request(value: Mapping[str, Any]) -> bool:
    """Whether ``value`` is a client frame the spec allows (its ``action`` must be known)."""
    return bool(_request_validator(str(value["action"])).is_valid(value))


# --------------------------------------------------------------------------- JSON values


@cache
def json_scalars() -> SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=16),
    )


@cache
def json_values(max_leaves: int = 10) -> SearchStrategy[Any]:
    """Any JSON value (finite numbers, no lone surrogates), a few levels deep."""
    return st.recursive(
        json_scalars(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=max_leaves,
    )


@cache
def json_objects() -> SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.text(max_size=10), json_values(), max_size=6)


@cache
def not_objects() -> SearchStrategy[Any]:
    """A JSON value that is not an object."""
    return st.one_of(json_scalars(), st.lists(json_values(max_leaves=4), max_size=3))


def dumps(value: Any, *, ascii_only: bool = True, compact: bool = False) -> str:
    separators = (",", ":") if compact else (", ", ": ")
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=False, separators=separators)


# --------------------------------------------------------------------------- valid frames


def _is_order_id(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "integer" and schema.get("maximum") == 2**31 - 1


def schema_strategy(schema: Mapping[str, Any]) -> SearchStrategy[Any]:
    """Values of ``schema`` (an inlined request schema or a part of one)."""
    if schema.get("type") != "object":
        leaf = from_schema(dict(schema))
        if _is_order_id(schema):
            # Bias order ids to the seeded and freshly created orders, so that get_order finds
            # orders and change_status walks the status machine instead of only missing.
            return st.one_of(st.integers(min_value=1, max_value=64), leaf)
        return leaf
    properties: Mapping[str, Mapping[str, Any]] = schema.get("properties", {})
    if not properties:
        if schema.get("additionalProperties", True) is False:
            return st.builds(dict)
        return json_objects()
    if schema.get("additionalProperties", True) is not False:
        raise NotImplementedError(f"an open object with properties: {schema}")
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: schema_strategy(sub) for name, sub in properties.items() if name in required},
        optional={name: schema_strategy(sub) for name, sub in properties.items() if name not in required},
    )


@cache
def request_strategy(action: str) -> SearchStrategy[Frame]:
    """Valid requests without ``simulate``: a fault may delay or close, which the fuzz oracle does
    not expect; hostile ``simulate`` values are a mutation of their own (``bad_simulate``)."""
    schema = dict(request_schema(action))
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k != "simulate"}
    return cast(SearchStrategy[Frame], schema_strategy(schema))


@st.composite
def _shuffled(draw: st.DrawFn, frame: SearchStrategy[Frame]) -> Frame:
    value = draw(frame)
    return dict(draw(st.permutations(list(value.items()))))


@cache
def valid_frames(action: str | None = None) -> SearchStrategy[Frame]:
    """Client frames that conform to asyncapi.yaml, keys in any order."""
    chosen = [action] if action else list(actions())
    return st.one_of([_shuffled(request_strategy(name)) for name in chosen])


# --------------------------------------------------------------------------- mutated frames


@dataclass(frozen=True)
class Mutated:
    """A client frame with ``mutations`` applied; ``pointer`` is the field a single mutation broke."""

    frame: Any
    mutations: tuple[str, ...]
    pointer: str | None


# Strategies are built once (hence the caches): building one inside a draw costs more than
# drawing from it.


@cache
def _non_strings() -> SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(json_scalars(), max_size=3),
        st.dictionaries(st.text(max_size=6), json_scalars(), max_size=3),
    )


@cache
def _wrong_type(kind: str) -> SearchStrategy[Any]:
    """A JSON value that is not of JSON Schema type ``kind``."""
    if kind == "string":
        return _non_strings()
    if kind == "integer":
        return st.one_of(
            st.none(),
            st.booleans(),
            st.text(max_size=8),
            st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
            st.lists(json_scalars(), max_size=3),
            st.dictionaries(st.text(max_size=6), json_scalars(), max_size=3),
        )
    if kind == "object":
        return not_objects()
    raise NotImplementedError(f"no wrong type for {kind!r}")


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def repeated_text(lengths: SearchStrategy[int]) -> SearchStrategy[str]:
    """Strings of the drawn lengths, without drawing each character (Hypothesis' buffer is small)."""
    return st.tuples(st.text(min_size=1, max_size=4), lengths).map(lambda drawn: _repeat(*drawn))


def _out_of_bounds(schema: Mapping[str, Any]) -> SearchStrategy[Any]:
    return _out_of_bounds_of(json.dumps(schema, sort_keys=True))


@cache
def _out_of_bounds_of(schema_json: str) -> SearchStrategy[Any]:
    """Values of the right type that break one of the schema's constraints."""
    schema = json.loads(schema_json)
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        bounds: list[SearchStrategy[int]] = []
        if low is not None:
            bounds.append(st.integers(max_value=low - 1))
        if high is not None:
            bounds.append(st.integers(min_value=high + 1))
        return st.one_of(bounds)
    assert kind == "string", schema
    choices: list[SearchStrategy[str]] = []
    if "enum" in schema:
        enum = schema["enum"]
        choices.append(
            st.one_of(
                st.text(max_size=12),
                st.sampled_from(enum).map(str.upper),
                st.sampled_from(enum).map(lambda s: s + " "),
            ).filter(lambda s: s not in enum)
        )
    if "pattern" in schema:
        choices.append(st.text(max_size=16).filter(lambda s: not is_valid_value(schema, s)))
    if schema.get("minLength", 0) > 0:
        choices.append(st.just(""))
    if "maxLength" in schema:
        longest = schema["maxLength"]
        choices.append(repeated_text(st.integers(min_value=longest + 1, max_value=longest + 64)))
    return st.one_of(choices)


MUTATIONS = (
    "drop_action",
    "action_not_a_string",
    "unknown_action",
    "extra_top_key",
    "request_id_not_a_string",
    "request_id_too_long",
    "request_id_boundary",
    "drop_payload",
    "payload_not_an_object",
    "drop_payload_field",
    "payload_field_wrong_type",
    "payload_field_out_of_bounds",
    "payload_field_integral_float",
    "extra_payload_key",
    "bad_simulate",
)


def _integer_fields(properties: Mapping[str, Mapping[str, Any]], payload: Mapping[str, Any]) -> list[str]:
    """The integer fields of ``payload`` that still hold an integer (a mutation may have changed it)."""
    return sorted(
        name
        for name in set(properties) & set(payload)
        if properties[name].get("type") == "integer" and type(payload[name]) is int
    )


def _applicable(frame: Mapping[str, Any]) -> list[str]:
    action = frame.get("action")
    if not isinstance(action, str) or action not in actions():
        return [m for m in MUTATIONS[:7]]
    found = list(MUTATIONS[:7])
    if "payload" in frame:
        found.append("drop_payload")
    found += ["payload_not_an_object", "extra_payload_key", "bad_simulate"]
    payload = frame.get("payload")
    if isinstance(payload, dict):
        properties = payload_properties(action)
        required = set(payload_schema(action).get("required", []))
        if required & set(payload):
            found.append("drop_payload_field")
        if set(properties) & set(payload):
            found += ["payload_field_wrong_type", "payload_field_out_of_bounds"]
        if _integer_fields(properties, payload):
            found.append("payload_field_integral_float")
    return found


KEY_NAMES = st.text(alphabet=st.characters(exclude_characters="`"), max_size=12)
"""Names of extra keys. A backtick spoils the service's pointer (a bug with a test of its own):
the fuzzed names leave it out so that the pointer is checked everywhere else."""


def _new_key(draw: st.DrawFn, exclude: Sequence[str]) -> str:
    key = draw(KEY_NAMES)
    while key in exclude:
        key += "_"
    return key


@cache
def unknown_actions() -> SearchStrategy[str]:
    """Action names the spec does not know, many of them one slip away from a real one."""
    known = actions()
    return st.one_of(
        st.text(max_size=20),
        st.sampled_from(known).map(str.upper),
        st.sampled_from(known).map(lambda s: s + " "),
        st.sampled_from(known).map(lambda s: s.replace("_", "-")),
        st.sampled_from(known).map(lambda s: s + "\x00"),
        st.sampled_from(known).map(lambda s: s[:-1]),
    ).filter(lambda s: s not in known)


@cache
def error_codes() -> frozenset[str]:
    """The spec's ``ErrorCode`` values: what ``simulate.fail`` may name."""
    return frozenset(load_asyncapi()["components"]["schemas"]["ErrorCode"]["enum"])


def _simulate_field_out_of_bounds() -> SearchStrategy[tuple[Any, str]]:
    fields = {
        "delay_ms": st.one_of(st.integers(max_value=-1), st.integers(min_value=30001)),
        "gap_ms": st.one_of(st.integers(max_value=-1), st.integers(min_value=10001)),
        "fragment": st.one_of(st.integers(max_value=1), st.integers(min_value=101)),
        "shuffle": _non_strings().filter(lambda v: not isinstance(v, bool)),
        "fail": st.text(max_size=20).filter(lambda v: v not in error_codes()),
    }
    return st.one_of([values.map(_at_simulate(name)) for name, values in fields.items()])


def _at_simulate(name: str) -> Callable[[Any], tuple[Any, str]]:
    def wrap(value: Any) -> tuple[Any, str]:
        return {name: value}, f"/simulate/{name}"

    return wrap


BAD_SIMULATES: SearchStrategy[tuple[Any, str]] = st.one_of(
    not_objects().map(lambda value: (value, "/simulate")),
    _simulate_field_out_of_bounds(),
    KEY_NAMES.filter(
        lambda key: (
            key not in ("delay_ms", "gap_ms", "drop", "duplicate", "shuffle", "fail", "close", "fragment")
        )
    ).map(lambda key: ({key: 1}, json_pointer(["simulate", key]))),
    st.sampled_from([4, "4", None, [1]]).map(lambda value: ({"drop": value}, "/simulate/drop")),
    st.integers(min_value=1002, max_value=3999)
    .filter(lambda code: code not in (1008, 1011, 1012, 1013))
    .map(lambda code: ({"close": {"code": code}}, "/simulate/close/code")),
)
"""``simulate`` values the spec refuses, with the JSON pointer the answer must name."""


LONG_REQUEST_IDS = repeated_text(st.integers(MAX_REQUEST_ID + 1, 4 * MAX_REQUEST_ID))
BOUNDARY_REQUEST_IDS = repeated_text(st.sampled_from([1, MAX_REQUEST_ID - 1, MAX_REQUEST_ID])) | st.just("")


def _mutate(draw: st.DrawFn, frame: Frame, mutation: str) -> str | None:
    """Apply ``mutation`` to ``frame`` in place; the JSON pointer of what it broke, if one."""
    action = frame.get("action")
    if mutation == "drop_action":
        frame.pop("action", None)
        return "/action"
    if mutation == "action_not_a_string":
        frame["action"] = draw(_non_strings())
        return "/action"
    if mutation == "unknown_action":
        frame["action"] = draw(unknown_actions())
        return None
    if mutation == "extra_top_key":
        key = _new_key(draw, [*TOP_KEYS, "simulate"])
        frame[key] = draw(json_values(max_leaves=3))
        return json_pointer([key])
    if mutation == "request_id_not_a_string":
        frame["request_id"] = draw(_non_strings())
        return "/request_id"
    if mutation == "request_id_too_long":
        frame["request_id"] = draw(LONG_REQUEST_IDS)
        return "/request_id"
    if mutation == "request_id_boundary":
        frame["request_id"] = draw(BOUNDARY_REQUEST_IDS)
        return None
    if mutation == "drop_payload":
        frame.pop("payload", None)
        return "/payload"
    if mutation == "payload_not_an_object":
        frame["payload"] = draw(not_objects())
        return "/payload"
    if mutation == "bad_simulate":
        simulate, pointer = draw(BAD_SIMULATES)
        frame["simulate"] = simulate
        return pointer
    assert isinstance(action, str)
    properties = payload_properties(action)
    if mutation == "extra_payload_key":
        payload = frame.setdefault("payload", {})
        if not isinstance(payload, dict):
            payload = frame["payload"] = {}
        key = _new_key(draw, [*properties, *payload])
        payload[key] = draw(json_values(max_leaves=3))
        return json_pointer(["payload", key])
    payload = frame["payload"]
    assert isinstance(payload, dict)
    if mutation == "drop_payload_field":
        required = sorted(set(payload_schema(action).get("required", [])) & set(payload))
        name = draw(st.sampled_from(required))
        del payload[name]
        return json_pointer(["payload", name])
    present = sorted(set(properties) & set(payload))
    if mutation == "payload_field_integral_float":
        name = draw(st.sampled_from(_integer_fields(properties, payload)))
        payload[name] = float(payload[name])  # JSON Schema: 2.0 is an integer, so still valid
        return None
    name = draw(st.sampled_from(present))
    if mutation == "payload_field_wrong_type":
        payload[name] = draw(_wrong_type(str(properties[name].get("type"))))
    else:
        payload[name] = draw(_out_of_bounds(properties[name]))
    return json_pointer(["payload", name])


ONE_OR_TWO = st.integers(min_value=1, max_value=2)


@st.composite
def mutated_frames(draw: st.DrawFn) -> Mutated:
    """A valid frame with one or two mutations; a single one names the ``pointer`` it broke."""
    frame = draw(valid_frames())
    applied: list[str] = []
    pointer: str | None = None
    for _ in range(draw(ONE_OR_TWO)):
        mutation = draw(st.sampled_from(_applicable(frame)))
        pointer = _mutate(draw, frame, mutation)
        applied.append(mutation)
    return Mutated(frame=frame, mutations=tuple(applied), pointer=pointer if len(applied) == 1 else None)


@cache
def structured_garbage() -> SearchStrategy[dict[str, Any]]:
    """Objects made of the frame's own keys (and others) holding any JSON at all."""
    keys = st.one_of(st.sampled_from(TOP_KEYS), st.text(max_size=8))
    values = st.one_of(
        st.sampled_from(actions()),
        json_values(max_leaves=6),
        valid_frames().map(lambda frame: frame.get("payload", {})),
    )
    return st.dictionaries(keys, values, max_size=5)


# --------------------------------------------------------------------------- text that is (almost) JSON

NOT_JSON_LITERALS = (
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "nan",
    "inf",
    "None",
    "True",
    "undefined",
    "0x10",
    "012",
    "+1",
    ".5",
    "1.",
    "1e",
    "--1",
    "1_000",
    "'text'",
    '"unterminated',
    "[1,]",
    '{"a":1,}',
    "/* comment */ 1",
    '"\\x41"',
    '"\\u12"',
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"tab\tinside"',
    "\ufeff1",
)
"""Literals a lenient parser might take, and JSON refuses or the service cannot represent."""

HUGE_NUMBERS = (
    "1e400",
    "-1e400",
    "1e-400",
    "1e308",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "-0",
    "-0.0",
    "0e0",
    "0E+99999",
    "1E+2",
    "2.0",
    "1.0000000000000001",
    "4.9e-324",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "-9223372036854775809",
)


@cache
def huge_number_literals() -> SearchStrategy[str]:
    """A number as JSON text: IEEE 754 edges, integers of up to 4,400 digits, long fractions."""
    digits = st.integers(min_value=1, max_value=MAX_INT_LITERAL + 100)
    around_the_limit = st.integers(min_value=MAX_INT_LITERAL - 3, max_value=MAX_INT_LITERAL + 3)
    return st.one_of(
        st.sampled_from(HUGE_NUMBERS),
        st.builds(lambda n, sign: sign + "1" + "0" * (n - 1), digits, st.sampled_from(["", "-"])),
        st.builds(lambda n: "9" * n, around_the_limit),
        st.builds(lambda n: "-" + "9" * n, around_the_limit),
        st.builds(lambda e, sign: f"{sign}1e{e}", st.integers(-100_000, 100_000), st.sampled_from(["", "-"])),
        st.builds(lambda n: "0." + "0" * n + "1", st.integers(0, 2000)),
        st.builds(lambda n: "1" * n + ".5", st.integers(1, 2000)),
    )


@st.composite
def texts_with_a_hole(draw: st.DrawFn, fillers: SearchStrategy[str]) -> str:
    """A frame's JSON text with one value replaced by ``fillers`` (a literal, a number…)."""
    filler = draw(fillers)
    rid = draw(_HOLE_REQUEST_IDS)
    rid_part = f', "request_id": {rid}' if rid else ""
    return draw(_HOLE_TEMPLATES) % (filler, rid_part)


_HOLE_REQUEST_IDS = st.sampled_from(['"r-hole"', "7", ""])
_HOLE_TEMPLATES = st.sampled_from(
    (
        '{"action": "echo", "payload": {"x": %s}%s}',
        '{"action": "echo", "payload": [%s]%s}',
        '{"action": "get_order", "payload": {"id": %s}%s}',
        '{"action": "list_orders", "payload": {"limit": %s}%s}',
        '{"action": "change_status", "payload": {"id": %s, "status": "paid"}%s}',
        '{"action": "create_order", "payload": {"customer": "c", "product": "p", "quantity": %s}%s}',
        '{"action": %s%s}',
        '{"action": "ping", "request_id": %s}%s',
        '{"action": "history", "payload": {"since": %s}%s}',
        '{"action": "history", "payload": {"since": 0, "limit": %s}%s}',
        '{"action": "history", "payload": {"channel": %s}%s}',
        '{"action": "presence", "payload": {"channel": %s}%s}',
        "%s%s",
        "[%s]%s",
    )
)


_BOOLEANS = st.booleans()
_EDITS = st.integers(min_value=1, max_value=3)
_EDIT_KINDS = st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"])
_JSON_SYNTAX = st.sampled_from('{}[],:"\\ 0-.eE')
_ANY_CHARACTER = st.characters()


@st.composite
def corrupted_json(draw: st.DrawFn) -> str:
    """A valid frame's text with a few characters deleted, inserted, replaced or cut off."""
    text = dumps(draw(valid_frames()), ascii_only=draw(_BOOLEANS))
    for _ in range(draw(_EDITS)):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        edit = draw(_EDIT_KINDS)
        if edit == "delete":
            text = text[:at] + text[at + 1 :]
        elif edit == "insert":
            text = text[:at] + draw(_JSON_SYNTAX) + text[at:]
        elif edit == "replace":
            text = text[:at] + draw(_ANY_CHARACTER) + text[at + 1 :]
        elif edit == "truncate":
            text = text[:at]
        else:
            text = text[:at] + text[at : at + 8] + text[at:]
    return text


def _mixed(levels: int) -> str:
    """``levels`` containers, arrays and objects in turn, around ``0``."""
    opening = "".join("[" if level % 2 == 0 else '{"a":' for level in range(levels))
    closing = "".join("]" if level % 2 == 0 else "}" for level in reversed(range(levels)))
    return opening + "0" + closing


DEEP_FORMS: dict[str, Callable[[int], str]] = {
    "payload_arrays": lambda d: (
        '{"action": "echo", "payload": ' + "[" * d + "]" * d + ', "request_id": "deep"}'
    ),
    "payload_objects": lambda d: (
        '{"action": "echo", "payload": ' + '{"a":' * d + "1" + "}" * d + ', "request_id": "deep"}'
    ),
    "payload_mixed": lambda d: (
        '{"action": "echo", "payload": {"m": ' + _mixed(d - 1) + '}, "request_id": "deep"}'
    ),
    "closed_payload_objects": lambda d: (
        '{"action": "ping", "payload": ' + '{"a":' * d + "1" + "}" * d + ', "request_id": "deep"}'
    ),
    "top_level_arrays": lambda d: "[" * d + "]" * d,
    "top_level_objects": lambda d: '{"a":' * d + "1" + "}" * d,
    "request_id": lambda d: '{"action": "ping", "request_id": ' + "[" * d + "]" * d + "}",
    "action": lambda d: '{"action": ' + "[" * d + "]" * d + ', "request_id": "deep"}',
}
"""Deeply nested JSON texts, by where the nesting is; each takes the depth (``top_level_*``: the
frame's own depth; the others: the frame nests one level more)."""


# --------------------------------------------------------------------------- the oracle


@dataclass(frozen=True)
class Expected:
    """What the spec promises for one frame.

    ``codes`` empty: the request is accepted (``ack`` … ``event``; ``change_status`` may end in
    ``error`` ``invalid_transition``/``order_not_found``). Otherwise exactly one ``error``
    frame with one of ``codes``; ``pointer``, when known, is its ``details.pointer``.
    """

    codes: frozenset[str]
    request_id: str | None
    action: str | None = None
    frame: Mapping[str, Any] | None = None
    pointer: str | None = None

    @property
    def accepted(self) -> bool:
        return not self.codes

    def describe(self) -> str:
        if self.accepted:
            return f"accepted {self.action} (request_id {self.request_id!r})"
        return f"one error {'|'.join(sorted(self.codes))} (request_id {self.request_id!r})"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise ValueError(f"{literal[:40]} is out of the range of a double")
    return value


def _bounded_int(literal: str) -> int:
    if len(literal) > MAX_INT_LITERAL:
        raise ValueError(f"an integer literal of {len(literal)} characters")
    return int(literal)


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_json(text: str) -> Any:
    """``text`` as the service reads JSON: RFC 8259, finite doubles, integers of at most 4,300
    characters, no lone UTF-16 surrogates (RFC 8259 §8.2: their behaviour is unpredictable);
    raises ``ValueError`` otherwise."""
    value = json.loads(
        text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int
    )
    if _has_lone_surrogate(value):
        raise ValueError("a lone UTF-16 surrogate")
    return value


def kept_request_id(value: Mapping[str, Any]) -> str | None:
    request_id = value.get("request_id")
    return request_id if isinstance(request_id, str) and len(request_id) <= MAX_REQUEST_ID else None


@cache
def nesting_limit() -> int:
    """``NestingDepth``: how many levels of objects and arrays a frame may nest (itself level 1)."""
    return int(load_asyncapi()["components"]["schemas"]["NestingDepth"]["maximum"])


def first_past(value: Any, limit: int) -> str | None:
    """The JSON pointer of the first object or array, in document order, nested more than
    ``limit`` levels deep (``value`` being level 1); ``None`` when there is none."""
    stack: list[tuple[tuple[str | int, ...], Any, int]] = [((), value, 1)]
    while stack:
        path, node, level = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if level > limit:
            return json_pointer(path)
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        stack.extend(((*path, key), child, level + 1) for key, child in reversed(children))
    return None


def expected_answer(text: str, *, pointer: str | None = None) -> Expected:
    """The answer asyncapi.yaml promises for the text frame ``text``."""
    try:
        value = parse_json(text)
    except (ValueError, RecursionError):
        return Expected(frozenset({"invalid_json"}), None)
    too_deep = first_past(value, nesting_limit())
    if too_deep is not None:
        # Refused before anything is read but the request_id, whatever else the frame holds.
        request_id = kept_request_id(value) if isinstance(value, dict) else None
        return Expected(frozenset({"validation_error"}), request_id, pointer=too_deep)
    if not isinstance(value, dict):
        return Expected(frozenset({"invalid_frame"}), None)
    request_id = kept_request_id(value)
    action = value.get("action")
    if not isinstance(action, str):
        return Expected(frozenset({"validation_error"}), request_id, pointer="/action")
    if action not in actions():
        return Expected(frozenset({"unknown_action"}), request_id)
    if not is_valid_request(value):
        return Expected(frozenset({"validation_error"}), request_id, action=action, pointer=pointer)
    return Expected(frozenset(), request_id, action=action, frame=value)


BINARY_ANSWER = Expected(frozenset({"invalid_frame"}), None)
"""A binary frame, whatever it holds: one ``error`` ``invalid_frame``, ``request_id: null``."""


def show(data: str | bytes, limit: int = 600) -> str:
    """``data`` for a failure message: its length and its start (a reproducer when short)."""
    size = len(data.encode() if isinstance(data, str) else data)
    head = repr(data[:limit])
    return head if len(data) <= limit else f"{head}… ({size} bytes in all)"


def types_of(frames: Sequence[Frame]) -> list[str]:
    shown = []
    for frame in frames:
        kind = frame.get("type")
        if kind == "event":
            shown.append(f"event {frame.get('event')}")
        elif kind == "step":
            shown.append(f"step {frame.get('step')}")
        elif kind == "error":
            shown.append(f"error {frame.get('code')}")
        else:
            shown.append(str(kind))
    return shown


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def check_answers(expected: Expected, frames: Sequence[Frame], sent: str | bytes) -> None:
    """Raise ``AssertionError`` unless ``frames`` (up to the first ``event``/``error``) keep
    the promise ``expected`` made for the frame ``sent``."""
    where = f"\n  sent: {show(sent)}\n  expected: {expected.describe()}\n  got: {types_of(frames)}"
    _expect(bool(frames), "no answer" + where)
    for frame in frames:
        _expect(
            frame.get("request_id") == expected.request_id,
            f"request_id {frame.get('request_id')!r} on {types_of([frame])}{where}",
        )
    if not expected.accepted:
        _expect(len(frames) == 1 and frames[0]["type"] == "error", "not exactly one error frame" + where)
        error = frames[0]
        _expect(error["code"] in expected.codes, f"code {error['code']!r}: {error['message']!r}{where}")
        details = error.get("details") or {}
        if error["code"] == "validation_error":
            pointer = details.get("pointer")
            _expect(isinstance(pointer, str) and pointer.startswith("/"), f"pointer {pointer!r}{where}")
            if expected.pointer is not None:
                _expect(pointer == expected.pointer, f"pointer {pointer!r}, not {expected.pointer!r}{where}")
        if error["code"] == "unknown_action":
            _expect(details.get("supported_actions") == list(actions()), f"details {details!r}{where}")
        return
    _check_accepted(expected, frames, where)


def _check_accepted(expected: Expected, frames: Sequence[Frame], where: str) -> None:
    assert expected.frame is not None
    assert expected.action is not None
    action = expected.action
    request = expected.frame
    payload = request.get("payload", {})
    shape = types_of(frames)
    _expect(
        frames[0]["type"] == "ack" and frames[0]["action"] == action, "the first answer is no ack" + where
    )
    body = frames[1:]
    if action == "echo":
        _expect(shape == ["ack", "echo", "event ws.echo"], "wrong frames" + where)
        _expect(body[0]["data"] == payload, f"echo data {show(dumps(body[0]['data']))}{where}")
        _expect(body[1]["data"] == payload, "event data differs from the payload" + where)
    elif action == "triplet_demo":
        _expect(shape == ["ack", "step 1", "step 2", "event ws.triplet_demo"], "wrong frames" + where)
    elif action == "ping":
        _expect(shape == ["ack", "event ws.pong"], "wrong frames" + where)
    elif action == "broadcast":
        _expect(shape == ["ack", "broadcast", "event ws.broadcast"], "wrong frames" + where)
        sent = {"channel": CHANNEL, "message": payload["message"], "source": "ws"}
        _expect({k: body[0][k] for k in sent} == sent, f"broadcast {body[0]!r}{where}")
        _expect(body[1]["data"]["message"] == payload["message"], "event data" + where)
    elif action == "get_order":
        _expect(shape == ["ack", "order", "event order.viewed"], "wrong frames" + where)
        order = body[0]["data"]
        _expect(order is None or order["id"] == payload["id"], f"order {order!r}{where}")
        _expect(body[1]["data"] == {"id": payload["id"], "found": order is not None}, "event data" + where)
    elif action == "list_orders":
        _expect(shape == ["ack", "orders", "event order.listed"], "wrong frames" + where)
        limit = payload.get("limit", 10)
        orders = body[0]["data"]
        _expect(len(orders) <= limit, f"{len(orders)} orders for limit {limit}{where}")
        stamps = [order["created_at"] for order in orders]
        _expect(stamps == sorted(stamps, reverse=True), "orders are not newest first" + where)
        _expect(body[1]["data"] == {"count": len(orders), "limit": limit}, "event data" + where)
    elif action == "create_order":
        _expect(shape == ["ack", "order", "event order.created"], "wrong frames" + where)
        order = body[0]["data"]
        for name in ("customer", "product", "quantity"):
            _expect(order[name] == payload[name], f"order {name} {order[name]!r}{where}")
        _expect(Decimal(order["amount"]) == Decimal(payload.get("amount", "0")), f"amount {order!r}{where}")
        _expect(order["status"] == "created", f"status {order['status']!r}{where}")
    elif action == "history":
        _check_history(payload, shape, body, where)
    elif action == "presence":
        _expect(shape == ["ack", "presence", "event channel.presence"], "wrong frames" + where)
        channel = payload.get("channel", CHANNEL)
        members = body[0]["members"]
        _expect(body[0]["channel"] == channel, f"presence of {body[0]['channel']!r}{where}")
        ids = [member["client_id"] for member in members]
        _expect(len(ids) == len(set(ids)), f"a client listed twice: {members!r}{where}")
        _expect(body[1]["data"] == {"channel": channel, "count": len(members)}, "event data" + where)
    elif action == "change_status":
        if shape[-1] == "event order.status_changed":
            _expect(shape == ["ack", "order", "event order.status_changed"], "wrong frames" + where)
            order = body[0]["data"]
            _expect(order["id"] == payload["id"] and order["status"] == payload["status"], f"{order}{where}")
            previous = body[1]["data"]["previous_status"]
            _expect(payload["status"] in TRANSITIONS[previous], f"{previous} → {payload['status']}{where}")
        else:
            _expect(len(shape) == 2 and shape[1].startswith("error"), "wrong frames" + where)
            error = body[0]
            _expect(error["code"] in {"invalid_transition", "order_not_found"}, f"{error!r}{where}")
            if error["code"] == "invalid_transition":
                details = error["details"]
                _expect(details["to"] == payload["status"], f"{details!r}{where}")
                _expect(payload["status"] not in TRANSITIONS[details["from"]], f"{details!r}{where}")
    else:  # pragma: no cover - the spec grew an action the oracle does not know
        raise AssertionError(f"no oracle for action {action!r}")


def _check_history(payload: Mapping[str, Any], shape: list[str], body: Sequence[Frame], where: str) -> None:
    """``history``: the broadcast frames after ``since``, oldest first, consecutive, at most
    ``limit``, all of the asked channel and its epoch; ``complete`` only when none is missing."""
    _expect(shape == ["ack", "history", "event channel.history"], "wrong frames" + where)
    channel = payload.get("channel", CHANNEL)
    since = payload.get("since", 0)
    limit = payload.get("limit", payload_properties("history")["limit"]["default"])
    page = body[0]
    frames = page["frames"]
    offsets = [frame["offset"] for frame in frames]
    _expect(page["channel"] == channel, f"history of {page['channel']!r}{where}")
    _expect(len(frames) <= limit, f"{len(frames)} frames for limit {limit}{where}")
    _expect(all(since < offset <= page["offset"] for offset in offsets), f"offsets {offsets}{where}")
    _expect(
        offsets == sorted(offsets) and len(set(offsets)) == len(offsets), f"not in order: {offsets}{where}"
    )
    if offsets:
        _expect(offsets[-1] - offsets[0] == len(offsets) - 1, f"a hole in the frames: {offsets}{where}")
    _expect(
        all(
            f["type"] == "broadcast" and f["channel"] == channel and f["epoch"] == page["epoch"]
            for f in frames
        ),
        f"a frame of another channel or epoch{where}",
    )
    _expect(all(f["request_id"] is None for f in frames), f"history keeps the frames the others got{where}")
    if page["complete"]:
        _expect(
            since <= page["offset"], f"complete, but since {since} is past offset {page['offset']}{where}"
        )
        _expect(not offsets or offsets[0] == since + 1, f"complete, but it starts at {offsets[:1]}{where}")
        _expect(
            bool(offsets) or since == page["offset"], f"complete and empty before {page['offset']}{where}"
        )
    _expect(
        body[1]["data"] == {"channel": channel, "since": since, "count": len(frames)}, "event data" + where
    )


HOSTILE_CHANNELS = (
    "",
    " ",
    "general\n",
    "general ",
    " general",
    "gen eral",
    "general/x",
    "../general",
    "général",
    "канал",
    "general\x00",
    "general\u2028",
    "\t",
    "*",
    "general%20",
    "c" * 65,
    "c" * 1000,
)
"""Channel names a ``history`` or ``presence`` payload must be refused for (``/payload/channel``):
empty, too long, other characters, and a trailing newline, which Python's ``re.search`` (and so
the oracle's validator) would let through an anchored pattern, but ECMA-262 does not."""

HOSTILE_STREAM_NUMBERS = (
    "-1",
    "-0",
    "0",
    "1",
    "1.0",
    "1e2",
    "1.5",
    "100",
    "101",
    "1000",
    "1001",
    "9007199254740991",
    "9007199254740992",
    "18446744073709551616",
    "1e400",
    '"5"',
    "true",
    "null",
    "[]",
    "{}",
)
"""Values of ``since`` and ``limit`` at and past their bounds, and of other types; the oracle
says what each must get."""


def hostile_stream_texts() -> list[str]:
    """``history`` requests with each hostile ``since`` and ``limit``, as JSON text."""
    return [
        f'{{"action": "history", "payload": {{"{name}": {value}}}, "request_id": "h-{name}"}}'
        for name in ("since", "limit")
        for value in HOSTILE_STREAM_NUMBERS
    ]


# --------------------------------------------------------------------------- a client library link


class LinkClosed(AssertionError):
    """The service closed the fuzzing connection where the contract does not allow it."""


class FuzzLink:
    """One long-lived WebSocket connection for fuzzing; every frame it reads is checked."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        self.connection: ClientConnection | None = None
        self._stack = ExitStack()
        self.received = 0
        self.reconnects = 0
        self._sentinels = 0

    def ensure_open(self) -> ClientConnection:
        if self.connection is None or self.connection.state is not State.OPEN:
            if self.connection is not None:
                self.close()
                self.reconnects += 1
            self.connection = self._stack.enter_context(
                connect(self.url, max_size=None, open_timeout=10, close_timeout=5, ping_interval=None)
            )
        return self.connection

    def close(self) -> None:
        self._stack.close()
        self.connection = None

    def recv(self) -> Frame:
        connection = self.ensure_open()
        try:
            raw = connection.recv(timeout=self.timeout)
        except ConnectionClosed as closed:
            raise LinkClosed(f"the service closed the connection: {closed.rcvd!r}") from closed
        _expect(isinstance(raw, str), f"a binary frame from the service: {raw!r}")
        frame = json.loads(raw)
        contract().check_server_frame(frame)
        self.received += 1
        return cast(Frame, frame)

    def answers(self) -> list[Frame]:
        """The frames that answer one request: up to and including the first ``event``/``error``."""
        frames: list[Frame] = []
        while not frames or frames[-1]["type"] not in FINAL_TYPES:
            frames.append(self.recv())
        return frames

    def exchange(self, batch: Sequence[tuple[str | bytes, Expected]]) -> None:
        """Send every frame of ``batch``, then check the answers of each in turn, then a ping.

        The closing ping proves the connection still works and that no frame got more answers
        than it should have (a stray frame would come before the ping's ``ack``).
        """
        connection = self.ensure_open()
        try:
            for data, _ in batch:
                connection.send(data)
        except ConnectionClosed as closed:
            raise LinkClosed(f"the service closed the connection: {closed.rcvd!r}") from closed
        for data, expected in batch:
            check_answers(expected, self.answers(), data)
        self.sentinel()

    def sentinel(self) -> None:
        self._sentinels += 1
        request_id = f"sentinel-{self._sentinels}"
        self.ensure_open().send(dumps({"action": "ping", "payload": {}, "request_id": request_id}))
        frames = self.answers()
        _expect(
            types_of(frames) == ["ack", "event ws.pong"] and frames[0]["request_id"] == request_id,
            f"the sentinel ping got {types_of(frames)} {frames[:1]!r}",
        )

    @property
    def sentinels(self) -> int:
        return self._sentinels

    def refused(self, data: str | bytes) -> int | None:
        """Send a frame the service must refuse by closing; the close code it received.

        No answer frame may come first. The link reconnects on its next use.
        """
        connection = self.ensure_open()
        try:
            connection.send(data)
            raw = connection.recv(timeout=self.timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None
        raise AssertionError(f"an answer instead of a close: {show(raw)} for {show(data)}")


# --------------------------------------------------------------------------- a raw RFC 6455 link

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def masked_frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    """A client frame (RFC 6455 §5.2): any opcode, any bytes, masked as a client must."""
    mask = os.urandom(4)
    head = bytes([(0x80 if fin else 0) | opcode])
    length = len(payload)
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 1 << 16:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


@dataclass(frozen=True)
class Fragmented:
    """One message as fragments: its opcode, the cut offsets, and pings after some fragments."""

    opcode: int
    data: bytes
    cuts: tuple[int, ...]
    pings: Mapping[int, bytes]

    def frames(self) -> Iterator[bytes]:
        bounds = [0, *self.cuts, len(self.data)]
        last = len(bounds) - 2
        for index in range(last + 1):
            chunk = self.data[bounds[index] : bounds[index + 1]]
            yield masked_frame(self.opcode if index == 0 else OP_CONTINUATION, chunk, fin=index == last)
            if index in self.pings:
                yield masked_frame(OP_PING, self.pings[index])


class RawLink:
    """A WebSocket connection on a plain socket, for messages a client library will not send."""

    def __init__(self, port: int, *, channel: str = CHANNEL, timeout: float = 10.0) -> None:
        self.sock = rawws.handshake(port, channel=channel)
        self.sock.settimeout(timeout)
        self._buffer = bytearray()
        self.pongs: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the service closed the TCP connection")
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def read_frame(self) -> tuple[bool, int, bytes]:
        first, second = self._read(2)
        _expect(not second & 0x80, "the service masked a frame")
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        return bool(first & 0x80), first & 0x0F, self._read(length)

    def read_message(self) -> tuple[int, bytes]:
        """The next data message or close frame; pings are answered, pongs kept in ``pongs``."""
        opcode: int | None = None
        parts: list[bytes] = []
        while True:
            fin, op, payload = self.read_frame()
            if op == OP_PING:
                self.send(masked_frame(OP_PONG, payload))
                continue
            if op == OP_PONG:
                self.pongs.append(payload)
                continue
            if op == OP_CLOSE:
                return op, payload
            opcode = op if opcode is None else opcode
            parts.append(payload)
            if fin:
                return opcode, b"".join(parts)

    def answers(self) -> list[Frame]:
        frames: list[Frame] = []
        while not frames or frames[-1]["type"] not in FINAL_TYPES:
            opcode, data = self.read_message()
            _expect(opcode == OP_TEXT, f"opcode {opcode} ({data[:200]!r}) instead of a text answer")
            frame = json.loads(data)
            contract().check_server_frame(frame)
            frames.append(frame)
        return frames

    def await_pongs(self, count: int) -> None:
        """Read until ``count`` pongs came; a data frame meanwhile is a stray answer."""
        while len(self.pongs) < count:
            _, opcode, payload = self.read_frame()
            if opcode == OP_PING:
                self.send(masked_frame(OP_PONG, payload))
            elif opcode == OP_PONG:
                self.pongs.append(payload)
            else:
                raise AssertionError(f"a stray frame (opcode {opcode}): {payload[:200]!r}")

    def close_code(self) -> int | None:
        """Read until the service's close frame; its code (``None`` for a close without one)."""
        while True:
            opcode, data = self.read_message()
            _expect(opcode == OP_CLOSE, f"a frame (opcode {opcode}: {data[:200]!r}) before the close")
            return int(struct.unpack("!H", data[:2])[0]) if len(data) >= 2 else None

    def close(self, code: int = CLOSE_NORMAL) -> int | None:
        """Close as RFC 6455 says: send a close frame, read the service's; its code."""
        try:
            self.send(masked_frame(OP_CLOSE, struct.pack("!H", code)))
            return self.close_code()
        finally:
            self.sock.close()

    def disconnected(self) -> bool:
        """Whether the service has closed the TCP connection (after its close frame)."""
        try:
            return self.sock.recv(1) == b""
        except (ConnectionError, TimeoutError, OSError):
            return True
        finally:
            self.sock.close()


def utf8_size(text: str) -> int:
    return len(text.encode())


def sized_text(prefix: str, suffix: str, unit: str, size: int) -> str:
    """``prefix + filler + suffix`` of exactly ``size`` UTF-8 bytes; ``filler`` repeats ``unit``
    and ends with ASCII ``x`` to make up the bytes a wide ``unit`` does not fill."""
    room = size - utf8_size(prefix) - utf8_size(suffix)
    assert room >= 0, (prefix, suffix, size)
    width = utf8_size(unit)
    count = room // width
    text = prefix + unit * count + "x" * (room - count * width) + suffix
    assert utf8_size(text) == size
    return text


def invalid_utf8() -> SearchStrategy[bytes]:
    """Byte sequences that no UTF-8 decoder may accept (RFC 3629)."""
    return st.one_of(
        st.integers(0x80, 0xBF).map(lambda b: bytes([b])),  # a lone continuation byte
        st.sampled_from([b"\xc0", b"\xc1", b"\xf5", b"\xf8", b"\xfc", b"\xfe", b"\xff"]),
        st.sampled_from([b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf"]),  # overlong "/"
        st.integers(0xA0, 0xBF).map(lambda b: bytes([0xED, b, 0x80])),  # a UTF-16 surrogate
        st.sampled_from([b"\xf4\x90\x80\x80", b"\xf7\xbf\xbf\xbf"]),  # above U+10FFFF
        st.sampled_from([b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98"]),  # a sequence cut short
    )


__all__ = [
    "BINARY_ANSWER",
    "CHANNEL",
    "CLOSE_INVALID_PAYLOAD",
    "CLOSE_MESSAGE_TOO_BIG",
    "CLOSE_NORMAL",
    "DEEP_FORMS",
    "FRAME_LIMIT",
    "HOSTILE_CHANNELS",
    "HOSTILE_STREAM_NUMBERS",
    "MAX_INT_LITERAL",
    "MAX_REQUEST_ID",
    "MUTATIONS",
    "NOT_JSON_LITERALS",
    "OP_BINARY",
    "OP_CONTINUATION",
    "OP_PING",
    "OP_TEXT",
    "Expected",
    "Fragmented",
    "FuzzLink",
    "LinkClosed",
    "Mutated",
    "RawLink",
    "actions",
    "check_answers",
    "corrupted_json",
    "dumps",
    "expected_answer",
    "hostile_stream_texts",
    "huge_number_literals",
    "invalid_utf8",
    "is_valid_request",
    "json_values",
    "masked_frame",
    "mutated_frames",
    "not_objects",
    "parse_json",
    "request_schema",
    "show",
    "sized_text",
    "structured_garbage",
    "texts_with_a_hole",
    "types_of",
    "utf8_size",
    "valid_frames",
]
