"""The action protocol without a socket: request in, frames out, in the contract's order."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import msgspec
import pytest

from service.actions.orders import OrderDesk
from service.actions.protocol import ActionProtocol, broadcast_from_rest
from service.actions.session import Origin
from service.bus.memory import RecentEvents
from service.channels.hub import ChannelHub
from service.storage.memory import InMemoryOrderStore


class Member:
    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.frames: list[dict[str, object]] = []

    def offer(self, frame: str) -> bool:
        self.frames.append(json.loads(frame))
        return True


@dataclass
class World:
    protocol: ActionProtocol
    hub: ChannelHub
    events: RecentEvents
    me: Member

    async def ask(self, text: str, channel: str = "general") -> list[dict[str, object]]:
        frames = await self.protocol.handle_text(text, Origin(channel=channel, recipient=self.me))
        return [json.loads(msgspec.json.encode(frame)) for frame in frames]


@pytest.fixture
async def world() -> AsyncIterator[World]:
    store = InMemoryOrderStore()
    await store.start()
    hub, events = ChannelHub(), RecentEvents()
    me = Member("general")
    hub.join(me)
    desk = OrderDesk(store=store, hub=hub, events=events)
    return World(ActionProtocol(orders=desk, hub=hub, events=events), hub, events, me)


def shape(frames: list[dict[str, object]]) -> list[str]:
    out = []
    for f in frames:
        extra = f.get("event") or f.get("step") or f.get("code")
        out.append(f"{f['type']} {extra}" if extra else str(f["type"]))
    return out


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
    world: World, text: str, expected: list[str]
) -> None:
    frames = await world.ask(text)
    assert shape(frames) == expected
    assert {f["request_id"] for f in frames} == {"r"}


async def test_every_event_frame_is_also_one_event_record(world: World) -> None:
    await world.ask('{"action":"echo","payload":{"n":1},"request_id":"e1"}')
    (record,) = world.events.query(limit=10)
    assert (record.event, record.request_id, record.channel, record.data) == (
        "ws.echo",
        "e1",
        "general",
        {"n": 1},
    )


async def test_get_order_of_a_missing_order_is_data_null(world: World) -> None:
    frames = await world.ask('{"action":"get_order","payload":{"id":999},"request_id":"r"}')
    assert frames[1]["data"] is None
    assert frames[2]["data"] == {"id": 999, "found": False}


async def test_list_orders_is_newest_first_and_limited(world: World) -> None:
    frames = await world.ask('{"action":"list_orders","payload":{"limit":3},"request_id":"r"}')
    ids = [o["id"] for o in frames[1]["data"]]  # type: ignore[union-attr,index]
    assert ids == [5, 4, 3]


async def test_an_illegal_transition_is_ack_then_error_and_changes_nothing(world: World) -> None:
    frames = await world.ask('{"action":"change_status","payload":{"id":4,"status":"paid"},"request_id":"r"}')
    assert shape(frames) == ["ack", "error invalid_transition"]
    after = await world.ask('{"action":"get_order","payload":{"id":4},"request_id":"r2"}')
    assert after[1]["data"]["status"] == "delivered"  # type: ignore[index]


async def test_change_status_of_a_missing_order(world: World) -> None:
    frames = await world.ask(
        '{"action":"change_status","payload":{"id":404,"status":"paid"},"request_id":"r"}'
    )
    assert shape(frames) == ["ack", "error order_not_found"]


async def test_broadcast_reaches_the_channel_with_a_null_request_id_and_no_other_channel(
    world: World,
) -> None:
    peer, stranger = Member("general"), Member("other")
    world.hub.join(peer)
    world.hub.join(stranger)
    frames = await world.ask('{"action":"broadcast","payload":{"message":"hi all"},"request_id":"b"}')
    assert frames[1]["request_id"] == "b"
    assert frames[2]["data"] == {"channel": "general", "message": "hi all", "delivered": 2}
    assert [(f["type"], f["request_id"], f["message"]) for f in peer.frames] == [
        ("broadcast", None, "hi all")
    ]
    assert stranger.frames == []
    assert world.me.frames == []  # the sender's copy is in its answer, not queued twice


async def test_order_notifications_reach_every_channel_but_not_the_requester_twice(world: World) -> None:
    stranger = Member("other")
    world.hub.join(stranger)
    await world.ask(
        '{"action":"create_order","payload":{"customer":"A","product":"B","quantity":2},"request_id":"c"}'
    )
    assert [(f["type"], f["event"], f["request_id"]) for f in stranger.frames] == [
        ("event", "order.created", None)
    ]
    assert world.me.frames == []


async def test_rest_broadcast_is_encoded_once_for_the_channel(world: World) -> None:
    peer = Member("general")
    world.hub.join(peer)
    assert broadcast_from_rest(world.hub, "general", "hello") == 2
    assert peer.frames[0]["source"] == "rest"
    assert peer.frames[0] == world.me.frames[0]


@pytest.mark.parametrize(
    ("text", "expected", "request_id"),
    [
        ("nope", "error invalid_json", None),
        ("[]", "error invalid_frame", None),
        ('{"request_id":"k"}', "error validation_error", "k"),
        ('{"action":"fly","request_id":"k"}', "error unknown_action", "k"),
        ('{"action":"broadcast","payload":{},"request_id":"k"}', "error validation_error", "k"),
    ],
)
async def test_bad_input_is_one_error_frame(
    world: World, text: str, expected: str, request_id: str | None
) -> None:
    frames = await world.ask(text)
    assert shape(frames) == [expected]
    assert frames[0]["request_id"] == request_id
