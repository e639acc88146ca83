"""Each action's answer without a socket: request in, an Outcome out, in the contract's order."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from generated import ws_messages as wire
from service.actions.answers import ActionAnswers
from service.actions.context import RequestContext
from service.actions.decode import decode_request
from service.actions.order_desk import OrderDesk
from service.actions.outcome import Outcome
from service.storage.memory import InMemoryOrderStore

Frame = dict[str, Any]


def frames_of(outcome: Outcome) -> list[Frame]:
    return [json.loads(msgspec.json.encode(frame)) for frame in outcome.replies]


def shape(frames: list[Frame]) -> list[str]:
    out = []
    for f in frames:
        extra = f.get("event") or f.get("step") or f.get("code")
        out.append(f"{f['type']} {extra}" if extra else str(f["type"]))
    return out


@pytest.fixture
async def answers() -> ActionAnswers:
    store = InMemoryOrderStore()
    await store.start()
    return ActionAnswers(orders=OrderDesk(store=store))


async def ask(answers: ActionAnswers, text: str, channel: str = "general") -> Outcome:
    request = decode_request(text)
    request_id = request.request_id if isinstance(request.request_id, str) else None
    return await answers.answer(request, RequestContext(request_id=request_id, channel=channel, ts="T"))


TRANSCRIPTS = [
    ('{"action":"echo","payload":{"text":"hello"},"request_id":"r"}', ["ack", "echo", "event ws.echo"]),
    (
        '{"action":"triplet_demo","payload":{},"request_id":"r"}',
        ["ack", "step 1", "step 2", "event ws.triplet_demo"],
    ),
    (
        '{"action":"broadcast","payload":{"message":"hi"},"request_id":"r"}',
        ["ack", "broadcast", "event ws.broadcast"],
    ),
    ('{"action":"get_order","payload":{"id":1},"request_id":"r"}', ["ack", "order", "event order.viewed"]),
    ('{"action":"list_orders","payload":{},"request_id":"r"}', ["ack", "orders", "event order.listed"]),
    (
        '{"action":"create_order","payload":{"customer":"A","product":"B","quantity":1},"request_id":"r"}',
        ["ack", "order", "event order.created"],
    ),
    (
        '{"action":"change_status","payload":{"id":1,"status":"paid"},"request_id":"r"}',
        ["ack", "order", "event order.status_changed"],
    ),
    ('{"action":"ping","payload":{},"request_id":"r"}', ["ack", "event ws.pong"]),
]


@pytest.mark.parametrize(("text", "expected"), TRANSCRIPTS, ids=[t[1][-1] for t in TRANSCRIPTS])
async def test_every_action_answers_in_contract_order_with_its_request_id(
    answers: ActionAnswers, text: str, expected: list[str]
) -> None:
    frames = frames_of(await ask(answers, text))
    assert shape(frames) == expected
    assert {f["request_id"] for f in frames} == {"r"}
    assert {f["ts"] for f in frames} == {"T"}


@pytest.mark.parametrize(("text", "expected"), TRANSCRIPTS, ids=[t[1][-1] for t in TRANSCRIPTS])
async def test_every_event_frame_is_also_exactly_one_event_record(
    answers: ActionAnswers, text: str, expected: list[str]
) -> None:
    outcome = await ask(answers, text)
    event = frames_of(outcome)[-1]
    assert outcome.records is not None
    ((key, record),) = outcome.records
    assert (record.event, record.request_id, record.channel, record.ts) == (
        event["event"],
        "r",
        "general",
        "T",
    )
    assert key in {"general", "order-1", "order-6"}


async def test_echo_touches_nobody_else(answers: ActionAnswers) -> None:
    outcome = await ask(answers, '{"action":"echo","payload":{"n":1},"request_id":"e1"}')
    assert (outcome.fan_out, outcome.close) == (None, None)
    assert outcome.records is not None
    assert outcome.records[0][1].data == {"n": 1}


async def test_get_order_of_a_missing_order_is_data_null(answers: ActionAnswers) -> None:
    frames = frames_of(await ask(answers, '{"action":"get_order","payload":{"id":999},"request_id":"r"}'))
    assert frames[1]["data"] is None
    assert frames[2]["data"] == {"id": 999, "found": False}


async def test_list_orders_is_newest_first_and_limited(answers: ActionAnswers) -> None:
    frames = frames_of(await ask(answers, '{"action":"list_orders","payload":{"limit":3},"request_id":"r"}'))
    assert [o["id"] for o in frames[1]["data"]] == [5, 4, 3]


async def test_an_illegal_transition_is_ack_then_error_and_changes_nothing(answers: ActionAnswers) -> None:
    outcome = await ask(
        answers, '{"action":"change_status","payload":{"id":4,"status":"paid"},"request_id":"r"}'
    )
    assert shape(frames_of(outcome)) == ["ack", "error invalid_transition"]
    assert (outcome.fan_out, outcome.records) == (None, None)
    after = frames_of(await ask(answers, '{"action":"get_order","payload":{"id":4},"request_id":"r2"}'))
    assert after[1]["data"]["status"] == "delivered"


async def test_change_status_of_a_missing_order(answers: ActionAnswers) -> None:
    outcome = await ask(
        answers, '{"action":"change_status","payload":{"id":404,"status":"paid"},"request_id":"r"}'
    )
    assert shape(frames_of(outcome)) == ["ack", "error order_not_found"]


async def test_broadcast_fans_out_to_its_channel_with_a_null_request_id(answers: ActionAnswers) -> None:
    outcome = await ask(
        answers, '{"action":"broadcast","payload":{"message":"hi all"},"request_id":"b"}', "room"
    )
    assert outcome.fan_out is not None
    assert outcome.fan_out.channel == "room"
    others = json.loads(outcome.fan_out.frame)
    assert (others["type"], others["request_id"], others["message"], others["source"]) == (
        "broadcast",
        None,
        "hi all",
        "ws",
    )
    own = frames_of(outcome)[1]
    assert (own["request_id"], own["channel"]) == ("b", "room")
    # ``delivered`` is the audience, known only when the fan-out is delivered: the event frame
    # and the record share the one dict that delivery fills in.
    assert outcome.records is not None
    assert outcome.fan_out.tally is outcome.records[0][1].data
    event = outcome.replies[-1]
    assert isinstance(event, wire.EventFrame)
    assert outcome.fan_out.tally is event.data


async def test_an_order_change_notifies_everyone_once_and_converts_the_order_once(
    answers: ActionAnswers,
) -> None:
    outcome = await ask(
        answers,
        '{"action":"create_order","payload":{"customer":"A","product":"B","quantity":2},"request_id":"c"}',
        "shop",
    )
    assert outcome.fan_out is not None
    assert outcome.fan_out.channel is None  # every client, whatever its channel
    notification = json.loads(outcome.fan_out.frame)
    assert (notification["type"], notification["event"], notification["request_id"]) == (
        "event",
        "order.created",
        None,
    )
    order_frame, event = outcome.replies[1], outcome.replies[2]
    assert isinstance(order_frame, wire.OrderFrame)
    assert isinstance(event, wire.EventFrame)
    assert order_frame.data is event.data["order"]
    assert outcome.records is not None
    assert [key for key, _ in outcome.records] == [f"order-{notification['data']['order']['id']}"]
