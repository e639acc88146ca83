"""The specs themselves: valid documents, valid examples, one shared vocabulary.

No service is needed. The AsyncAPI document is checked with the official parser (Node,
``tools/spec_check``), the OpenAPI document with ``openapi-spec-validator``; every example of
both is validated against its schema through ``tools.specs``, whose own failure
reporting is tested last, so that it cannot pass silently.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from jsonschema import FormatChecker  # type: ignore[import-untyped, unused-ignore]
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from tools.specs import (
    ASYNCAPI_PATH,
    OPENAPI_PATH,
    ROOT,
    ContractError,
    FrameContract,
    FrameContractError,
    MessageExample,
    SchemaExample,
    asyncapi_examples,
    asyncapi_schema_examples,
    check_openapi_schema,
    ensure_date_time,
    format_checker,
    frame_contract,
    is_rfc3339_date_time,
    load_asyncapi,
    load_openapi,
    normalized_schema,
    openapi_examples,
    openapi_schema,
    openapi_schemas,
    resolve_pointer,
)

SPEC_CHECK = ROOT / "tools" / "spec_check"
VALIDATE_ASYNCAPI = SPEC_CHECK / "validate-asyncapi.mjs"
NPM_CI_TIMEOUT = 600
VALIDATE_TIMEOUT = 180

TS = "2026-01-01T12:00:00.000000Z"
ORDER: dict[str, Any] = {
    "id": 1,
    "customer": "Ivan Petrov",
    "product": "Mechanical keyboard",
    "quantity": 1,
    "amount": "89.90",
    "status": "created",
    "created_at": "2026-01-01T09:00:00.000000Z",
    "updated_at": "2026-01-01T09:00:00.000000Z",
}


@pytest.fixture(scope="module")
def contract() -> FrameContract:
    return frame_contract()


# --------------------------------------------------------------------------- the documents


def test_openapi_document_is_valid_openapi_3_1() -> None:
    document = load_openapi()
    assert str(document["openapi"]).startswith("3.1."), document["openapi"]
    validate(document, base_uri=OPENAPI_PATH.as_uri(), cls=OpenAPIV31SpecValidator)


def _pinned_parser_version() -> str:
    package = json.loads((SPEC_CHECK / "package.json").read_text(encoding="utf-8"))
    version = package["dependencies"]["@asyncapi/parser"]
    assert re.fullmatch(r"3\.6\.\d+", version), f"@asyncapi/parser must be pinned exactly to 3.6.x: {version}"
    return str(version)


def _installed_parser_version() -> str | None:
    installed = SPEC_CHECK / "node_modules" / "@asyncapi" / "parser" / "package.json"
    if not installed.is_file():
        return None
    return str(json.loads(installed.read_text(encoding="utf-8"))["version"])


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(
            f"`{tool}` is not on PATH: the AsyncAPI document is validated with Node's @asyncapi/parser. "
            "Install Node.js 18+ with npm (Debian: apt-get install nodejs npm)."
        )
    return found


def _run(command: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command,
            cwd=SPEC_CHECK,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = "\n".join(_text(part) for part in (error.stdout, error.stderr))
        pytest.fail(f"{' '.join(command)} did not finish in {timeout} s:\n{output}")


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


def test_asyncapi_document_is_valid_for_the_asyncapi_parser() -> None:
    node = _require("node")
    npm = _require("npm")
    pinned = _pinned_parser_version()
    assert (SPEC_CHECK / "package-lock.json").is_file(), "tools/spec_check/package-lock.json is missing"
    if _installed_parser_version() != pinned:
        installed = _run([npm, "ci", "--no-audit", "--no-fund"], NPM_CI_TIMEOUT)
        output = f"{installed.stdout}\n{installed.stderr}"
        assert installed.returncode == 0, (
            f"npm ci failed in {SPEC_CHECK} (exit {installed.returncode}):\n{output}"
        )
        assert _installed_parser_version() == pinned, "npm ci did not install the pinned @asyncapi/parser"

    result = _run([node, str(VALIDATE_ASYNCAPI), str(ASYNCAPI_PATH)], VALIDATE_TIMEOUT)
    output = f"{result.stdout}\n{result.stderr}".strip()
    assert result.returncode == 0, f"the AsyncAPI parser rejects api_specs/asyncapi.yaml:\n{output}"
    assert "OK " in result.stdout, output


# --------------------------------------------------------------------------- examples

ASYNCAPI_EXAMPLES = list(asyncapi_examples())
ASYNCAPI_SCHEMA_EXAMPLES = list(asyncapi_schema_examples())
OPENAPI_EXAMPLES = list(openapi_examples())


@pytest.mark.parametrize(
    "example", ASYNCAPI_EXAMPLES, ids=[f"{e.message}/{e.name}" for e in ASYNCAPI_EXAMPLES]
)
def test_asyncapi_message_example_conforms(contract: FrameContract, example: MessageExample) -> None:
    check: Callable[[object], None] = {
        "server": contract.check_server_frame,
        "client": contract.check_client_frame,
        "event_record": contract.check_event_record,
    }[contract.message_kind(example.message)]
    check(example.payload)
    # ... and it is an instance of its own message, not of another one of the same union.
    contract.check_message(example.message, example.payload)


@pytest.mark.parametrize(
    "example", ASYNCAPI_SCHEMA_EXAMPLES, ids=[e.location for e in ASYNCAPI_SCHEMA_EXAMPLES]
)
def test_asyncapi_schema_example_conforms(contract: FrameContract, example: SchemaExample) -> None:
    contract.schemas.check_against(example.schema, example.value, what="example", against=example.location)


@pytest.mark.parametrize("example", OPENAPI_EXAMPLES, ids=[e.location for e in OPENAPI_EXAMPLES])
def test_openapi_example_conforms(example: SchemaExample) -> None:
    openapi_schemas().check_against(example.schema, example.value, what="example", against=example.location)


def test_example_walkers_find_every_kind_of_example() -> None:
    """The walkers themselves: a walker that found nothing would make the tests above vacuous."""
    messages = set(load_asyncapi()["components"]["messages"])
    assert {e.message for e in ASYNCAPI_EXAMPLES} == messages
    assert ("Step", "step_2") in {(e.message, e.name) for e in ASYNCAPI_EXAMPLES}

    locations = {e.location for e in OPENAPI_EXAMPLES}
    expected = {
        "#/paths/~1health/get/responses/200/content/application~1json/examples/memory/value",
        "#/paths/~1broadcast/post/parameters/0/example",
        "#/paths/~1orders/post/requestBody/content/application~1json/examples/keyboard/value",
        "#/paths/~1orders~1{id}~1status/patch/responses/409/content/application~1problem+json"
        "/examples/delivered_to_paid/value",
        "#/components/parameters/OrderId/example",
        "#/components/responses/BadRequest/content/application~1problem+json/examples/missing_message/value",
        "#/components/schemas/Money/examples/0",
        "#/components/examples/Order/value",
    }
    assert expected <= locations, sorted(expected - locations)
    for example in OPENAPI_EXAMPLES:
        assert resolve_pointer(load_openapi(), example.location) == example.value, example.location
    assert "#/components/schemas/Timestamp/examples/0" in {e.location for e in ASYNCAPI_SCHEMA_EXAMPLES}


# --------------------------------------------------------------------------- one vocabulary

SAME_NAME = [
    "Order",
    "OrderText",
    "OrderStatus",
    "Money",
    "ChannelName",
    "EventName",
    "OrderId",
    "OrdersLimit",
    "BroadcastMessage",
    "EventRecord",
    "ChannelOffset",
    "ChannelSince",
    "ChannelEpoch",
    "HistoryLimit",
    "ClientId",
    "PresenceName",
    "PresenceMember",
    "BroadcastFrame",
]
# (OpenAPI pointer, AsyncAPI pointer): the same thing, spelt in each document.
SAME_THING = [
    ("/components/schemas/CreateOrder", "/components/schemas/CreateOrderPayload"),
    (
        "/components/schemas/StatusChange/properties/status",
        "/components/schemas/ChangeStatusPayload/properties/status",
    ),
    ("/paths/~1orders/get/parameters/0/schema", "/components/schemas/ListOrdersPayload/properties/limit"),
    (
        "/paths/~1broadcast/post/parameters/0/schema",
        "/components/schemas/BroadcastPayload/properties/message",
    ),
    # The channel a request names, `general` when it names none: POST /broadcast and the handshake.
    ("/paths/~1broadcast/post/parameters/1/schema", "/channels/ws/bindings/ws/query/properties/channel"),
    ("/components/parameters/ChannelPath/schema", "/components/schemas/ChannelName"),
    (
        "/paths/~1channels~1{name}~1history/get/parameters/1/schema",
        "/components/schemas/HistoryPayload/properties/since",
    ),
    (
        "/paths/~1channels~1{name}~1history/get/parameters/2/schema",
        "/components/schemas/HistoryPayload/properties/limit",
    ),
    (
        "/components/schemas/HistoryPage/properties/frames",
        "/components/schemas/HistoryFrame/properties/frames",
    ),
    (
        "/components/schemas/Presence/properties/members",
        "/components/schemas/PresenceFrame/properties/members",
    ),
    ("/paths/~1events/get/parameters/1/schema", "/components/schemas/EventName"),
]


def _same_schema(openapi_pointer: str, asyncapi_pointer: str) -> None:
    rest, ws = load_openapi(), load_asyncapi()
    left = normalized_schema(rest, resolve_pointer(rest, openapi_pointer))
    right = normalized_schema(ws, resolve_pointer(ws, asyncapi_pointer))
    assert left == right, (
        f"openapi.yaml#{openapi_pointer} and asyncapi.yaml#{asyncapi_pointer} differ:\n"
        f"  openapi:  {json.dumps(left, sort_keys=True)}\n  asyncapi: {json.dumps(right, sort_keys=True)}"
    )


@pytest.mark.parametrize("name", SAME_NAME)
def test_shared_schema_is_the_same_in_both_documents(name: str) -> None:
    _same_schema(f"/components/schemas/{name}", f"/components/schemas/{name}")


@pytest.mark.parametrize(("openapi_pointer", "asyncapi_pointer"), SAME_THING)
def test_rest_and_ws_spell_the_same_schema(openapi_pointer: str, asyncapi_pointer: str) -> None:
    _same_schema(openapi_pointer, asyncapi_pointer)


def test_normalized_schema_inlines_refs_and_keeps_every_constraint() -> None:
    """The comparison above: annotations go, refs are inlined, any constraint change shows."""
    ws = load_asyncapi()
    record = normalized_schema(ws, ws["components"]["schemas"]["EventRecord"])
    assert "$ref" not in json.dumps(record)
    assert record["properties"]["ts"] == {"type": "string", "format": "date-time"}
    assert record["properties"]["request_id"] == {"type": ["string", "null"], "maxLength": 128}
    money = normalized_schema(ws, ws["components"]["schemas"]["Money"])
    assert set(money) == {"type", "pattern"}
    channel = {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$", "default": "general"}
    query = ws["channels"]["ws"]["bindings"]["ws"]["query"]["properties"]["channel"]
    assert "allOf" in query, "the handshake's channel adds its default to ChannelName through allOf"
    assert normalized_schema(ws, query) == channel
    overlapping = {"allOf": [{"$ref": "#/components/schemas/ChannelName"}], "pattern": "^x$"}
    assert "allOf" in normalized_schema(ws, overlapping), "a keyword of both is kept apart"

    order = copy.deepcopy(ws["components"]["schemas"]["Order"])
    baseline = normalized_schema(ws, order)
    changes: list[Callable[[dict[str, Any]], None]] = [
        lambda s: s["properties"]["customer"].update(maxLength=101),
        lambda s: s["properties"]["quantity"].update(type="number"),
        lambda s: s["required"].remove("amount"),
        lambda s: s.update(additionalProperties=True),
        lambda s: s["properties"].update(status={"type": "string", "enum": ["created"]}),
        lambda s: s["properties"]["created_at"].pop("format"),
    ]
    for change in changes:
        changed = copy.deepcopy(order)
        change(changed)
        assert normalized_schema(ws, changed) != baseline


# --------------------------------------------------------------------------- AsyncAPI structure


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        node = resolve_pointer(document, node["$ref"])
    return node


RECEIVE_OPERATIONS = {
    name: operation
    for name, operation in load_asyncapi()["operations"].items()
    if operation["action"] == "receive"
}
WS_MESSAGES = list(load_asyncapi()["channels"]["ws"]["messages"])


@pytest.mark.parametrize("name", sorted(RECEIVE_OPERATIONS))
def test_receive_operation_has_a_reply_and_its_own_action(name: str) -> None:
    ws = load_asyncapi()
    operation = RECEIVE_OPERATIONS[name]
    reply = operation.get("reply")
    assert reply, f"operation {name} has no reply"
    assert reply.get("messages"), f"operation {name} has a reply without messages"
    replies = {_resolve(ws, message)["name"] for message in reply["messages"]}
    assert {"ack", "event", "error"} <= replies, f"operation {name} replies {sorted(replies)}"
    (request,) = [_resolve(ws, message) for message in operation["messages"]]
    payload = _resolve(ws, request["payload"])
    assert payload["properties"]["action"]["const"] == operation["title"], (
        f"operation {name}: title {operation['title']!r} is not its request's action"
    )


def test_receive_operations_are_exactly_the_action_names() -> None:
    ws = load_asyncapi()
    titles = sorted(operation["title"] for operation in RECEIVE_OPERATIONS.values())
    assert len(titles) == len(set(titles)), titles
    assert set(titles) == set(ws["components"]["schemas"]["ActionName"]["enum"])


@pytest.mark.parametrize("key", WS_MESSAGES)
def test_ws_message_has_examples_and_request_id_correlation(key: str) -> None:
    ws = load_asyncapi()
    message = _resolve(ws, ws["channels"]["ws"]["messages"][key])
    assert message.get("examples"), f"message {key} has no example"
    correlation = _resolve(ws, message.get("correlationId"))
    assert isinstance(correlation, Mapping), f"message {key} has no correlationId"
    assert correlation.get("location") == "$message.payload#/request_id"
    payload = _resolve(ws, message["payload"])
    assert "request_id" in payload["properties"], f"message {key}: payload has no request_id"


def test_discriminators_agree_with_the_union_branches(contract: FrameContract) -> None:
    ws = load_asyncapi()
    for union in (contract.server, contract.client):
        if union.declared_mapping is not None:
            assert dict(union.declared_mapping) == dict(union.branch_mapping), union.union
        assert set(union.mapping.values()) == {
            branch["$ref"] for branch in ws["components"]["schemas"][union.union]["oneOf"]
        }
    assert contract.client.property == "action"
    assert set(contract.client.mapping) == set(ws["components"]["schemas"]["ActionName"]["enum"])
    assert contract.server.property == "type"
    kinds = {key: contract.message_kind(key) for key in ws["components"]["messages"]}
    server_refs = {contract.message_payload_ref(key) for key, kind in kinds.items() if kind == "server"}
    assert server_refs == set(contract.server.mapping.values()), "a server frame type has no message"


def test_frame_type_names_every_server_frame(contract: FrameContract) -> None:
    """``simulate.drop`` and ``duplicate`` take a ``FrameType``: every ``type`` a server frame has."""
    frame_types = load_asyncapi()["components"]["schemas"]["FrameType"]["enum"]
    assert sorted(frame_types) == sorted(contract.server.mapping), "FrameType vs the ServerFrame union"


# --------------------------------------------------------------------------- the validator itself


def _frame(**changes: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "orders", "ts": TS, "request_id": "r-1", "data": [dict(ORDER)]}
    frame.update(changes)
    return frame


def _fails_at(check: Callable[[Any], None], instance: Any, pointer: str, fragment: str) -> FrameContractError:
    with pytest.raises(FrameContractError) as caught:
        check(instance)
    error = caught.value
    text = str(error)
    assert pointer in error.pointers, f"expected {pointer!r} among {error.pointers}:\n{text}"
    shown = pointer if pointer else '""'
    assert f"at {shown}" in text, text
    assert fragment in text, text
    assert json.dumps(instance, ensure_ascii=False)[:200] in text, "the message must show the frame"
    return error


def test_valid_frames_pass(contract: FrameContract) -> None:
    contract.check_server_frame(_frame())
    contract.check_server_frame({"type": "order", "ts": TS, "request_id": None, "data": None})
    contract.check_server_frame(
        {"type": "step", "ts": "2026-01-01T15:00:00+03:00", "request_id": "r", "step": 2}
    )
    contract.check_client_frame({"action": "get_order", "payload": {"id": 7}, "request_id": "r-1"})
    contract.check_event_record(
        {"event": "ws.pong", "ts": TS, "request_id": None, "channel": None, "data": {}}
    )


BAD_SERVER_FRAMES = [
    pytest.param(
        _frame(data=[{**ORDER, "status": "lost"}]), "/data/0/status", "is not one of", id="bad-enum"
    ),
    pytest.param(
        _frame(data=[{**ORDER, "quantity": "1"}]),
        "/data/0/quantity",
        "is not of type 'integer'",
        id="wrong-type",
    ),
    pytest.param(_frame(data={"id": 1}), "/data", "is not of type 'array'", id="wrong-container"),
    pytest.param(_frame(extra=1), "/extra", "additionalProperties", id="extra-field"),
    pytest.param(
        _frame(data=[{**ORDER, "note": "x"}]), "/data/0/note", "additionalProperties", id="extra-nested"
    ),
    pytest.param(
        {k: v for k, v in _frame().items() if k != "ts"},
        "/ts",
        "'ts' is a required property",
        id="missing-ts",
    ),
    pytest.param(_frame(ts="2026-01-01 12:00:00"), "/ts", "is not a 'date-time'", id="ts-not-rfc3339"),
    pytest.param(_frame(ts="2026-01-01T12:00:00"), "/ts", "is not a 'date-time'", id="ts-without-offset"),
    pytest.param(_frame(ts="2026-02-30T12:00:00Z"), "/ts", "is not a 'date-time'", id="ts-impossible-date"),
    pytest.param(_frame(ts=1767268800), "/ts", "is not of type 'string'", id="ts-number"),
    pytest.param(_frame(type="bogus"), "/type", "unknown type 'bogus'", id="unknown-type"),
    pytest.param({"ts": TS, "request_id": None}, "/type", "'type' is a required property", id="missing-type"),
    pytest.param(_frame(type=["ack"]), "/type", "unknown type ['ack']", id="type-not-a-string"),
    pytest.param(
        {"type": "order", "ts": TS, "request_id": "r", "data": {**ORDER, "amount": "1.999"}},
        "/data/amount",
        "does not match",
        id="oneOf-branch-error-is-located",
    ),
    pytest.param(
        {"type": "ack", "ts": TS, "request_id": "x" * 129, "action": "echo"},
        "/request_id",
        "is too long",
        id="too-long",
    ),
    pytest.param(["not", "an", "object"], "", "a frame is a JSON object", id="not-an-object"),
]


@pytest.mark.parametrize(("frame", "pointer", "fragment"), BAD_SERVER_FRAMES)
def test_bad_server_frame_is_reported_at_its_pointer(
    contract: FrameContract, frame: Any, pointer: str, fragment: str
) -> None:
    _fails_at(contract.check_server_frame, frame, pointer, fragment)


BAD_CLIENT_FRAMES = [
    pytest.param(
        {"action": "fly", "request_id": "r"}, "/action", "unknown action 'fly'", id="unknown-action"
    ),
    pytest.param({"payload": {}}, "/action", "'action' is a required property", id="missing-action"),
    pytest.param(
        {"action": "get_order", "payload": {"id": "1"}},
        "/payload/id",
        "is not of type 'integer'",
        id="id-str",
    ),
    pytest.param(
        {"action": "get_order", "payload": {"id": 0}}, "/payload/id", "less than the minimum", id="id-zero"
    ),
    pytest.param(
        {"action": "ping", "payload": {"x": 1}}, "/payload/x", "additionalProperties", id="extra-payload"
    ),
    pytest.param(
        {"action": "broadcast"}, "/payload", "'payload' is a required property", id="missing-payload"
    ),
]


@pytest.mark.parametrize(("frame", "pointer", "fragment"), BAD_CLIENT_FRAMES)
def test_bad_client_frame_is_reported_at_its_pointer(
    contract: FrameContract, frame: Any, pointer: str, fragment: str
) -> None:
    _fails_at(contract.check_client_frame, frame, pointer, fragment)


def test_bad_event_record_is_reported_at_every_pointer(contract: FrameContract) -> None:
    record = {"event": "ws.fly", "ts": "soon", "request_id": None, "channel": "two words"}
    error = _fails_at(contract.check_event_record, record, "/channel", "does not match")
    assert {"/event", "/ts", "/channel", "/data"} <= set(error.pointers), error.pointers


def test_frame_of_another_message_is_not_an_example_of_this_one(contract: FrameContract) -> None:
    step = {"type": "step", "ts": TS, "request_id": "r", "step": 1}
    contract.check_message("Step", step)
    with pytest.raises(FrameContractError, match=r"at /type: selects #/components/schemas/StepFrame"):
        contract.check_message("Ack", step)


def test_openapi_component_validator_reports_pointers() -> None:
    assert openapi_schema("CreateOrder")["required"] == ["customer", "product", "quantity"]
    check_openapi_schema("CreateOrder", {"customer": "A", "product": "B", "quantity": 1})
    with pytest.raises(ContractError) as caught:
        check_openapi_schema("CreateOrder", {"customer": "", "product": "B", "quantity": 1, "amount": 5})
    assert {"/customer", "/amount"} <= set(caught.value.pointers), str(caught.value)
    assert "openapi.yaml #/components/schemas/CreateOrder" in str(caught.value)


# --------------------------------------------------------------------------- date-time


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T12:00:00Z",
        "2026-01-01T12:00:00.000000Z",
        "2026-01-01T12:00:00.123456789Z",
        "2026-01-01t12:00:00z",
        "2026-01-01T15:00:00+03:00",
        "2024-02-29T00:00:00-00:30",
    ],
)
def test_rfc3339_date_time_accepts(value: str) -> None:
    assert is_rfc3339_date_time(value)
    assert format_checker().conforms(value, "date-time")


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T12:00:00",
        "2026-01-01 12:00:00Z",
        "2026-01-01",
        "12:00:00Z",
        "2026-1-1T12:00:00Z",
        "2026-02-30T12:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T12:00:00+24:00",
        "2026-01-01T12:00:00.Z",
        "20260101T120000Z",
        "yesterday",
        "",
    ],
)
def test_rfc3339_date_time_rejects(value: str) -> None:
    assert not is_rfc3339_date_time(value)
    assert not format_checker().conforms(value, "date-time")


def test_date_time_is_checked_even_without_rfc3339_validator() -> None:
    bare = FormatChecker(formats=())
    assert bare.conforms("not a date", "date-time"), "a checker without date-time lets anything pass"
    checker = ensure_date_time(bare)
    assert not checker.conforms("not a date", "date-time")
    assert not checker.conforms("2026-01-01T12:00:00", "date-time")
    assert checker.conforms(TS, "date-time")
