"""The fan-out outcomes of channels: broadcasts take the channel's next offset and are kept;
joins and leaves go to the channel's presence clients only."""

from __future__ import annotations

import json

import msgspec
import pytest

from generated import ws_messages as wire
from service.actions.context import RequestContext
from service.actions.notices import channel_broadcast, presence_changed
from service.streams.history import ChannelHistory
from tools.specs import frame_contract

TS = "2026-01-01T12:00:00.000000Z"


@pytest.mark.parametrize("name", [wire.EventName.channel_joined, wire.EventName.channel_left])
def test_a_presence_change_goes_to_the_channel_s_presence_clients_and_to_the_publishers(
    name: wire.EventName,
) -> None:
    outcome = presence_changed(name, "room", "c-0123456789ab", "alice", ts=TS)
    assert outcome.replies == []
    assert outcome.fan_out is not None
    assert (outcome.fan_out.channel, outcome.fan_out.present_only, outcome.fan_out.tally) == (
        "room",
        True,
        None,
    )
    frame = json.loads(outcome.fan_out.frame)
    frame_contract().check_server_frame(frame)
    data = {"channel": "room", "client_id": "c-0123456789ab", "name": "alice"}
    assert frame == {"type": "event", "ts": TS, "request_id": None, "event": name.value, "data": data}
    assert outcome.records is not None
    ((key, record),) = outcome.records
    assert key == "room"
    record_json = json.loads(msgspec.json.encode(record))
    frame_contract().check_event_record(record_json)
    assert (record_json["event"], record_json["channel"], record_json["data"]) == (name.value, "room", data)


def test_a_broadcast_takes_the_channel_s_next_offset_and_is_kept_as_the_others_get_it() -> None:
    history = ChannelHistory()
    offsets = []
    for n in range(3):
        outcome = channel_broadcast(f"m{n}", "room", RequestContext(ts=TS), replies=[], history=history)
        assert outcome.fan_out is not None
        assert outcome.fan_out.tally is not None
        offsets.append(outcome.fan_out.tally["offset"])
        assert outcome.fan_out.tally["epoch"] == history.position("room").epoch
    assert offsets == [1, 2, 3]
    kept = history.after("room", 0).frames
    assert outcome.fan_out is not None
    assert kept[-1] == outcome.fan_out.frame
    frames = [json.loads(frame) for frame in kept]
    for frame in frames:
        frame_contract().check_server_frame(frame)
    assert [(f["offset"], f["message"], f["source"], f["request_id"]) for f in frames] == [
        (1, "m0", "rest", None),
        (2, "m1", "rest", None),
        (3, "m2", "rest", None),
    ]


def test_a_websocket_broadcast_gives_its_sender_the_offset_too() -> None:
    history = ChannelHistory()
    channel_broadcast("first", "room", RequestContext(ts=TS), replies=[], history=history)
    replies: list[wire.ServerFrame] = []
    context = RequestContext(request_id="b1", channel="room", ts=TS)
    outcome = channel_broadcast("hi", "room", context, replies=replies, history=history)
    own, event = (json.loads(msgspec.json.encode(frame)) for frame in outcome.replies)
    assert outcome.fan_out is not None
    others = json.loads(outcome.fan_out.frame)
    epoch = history.position("room").epoch
    assert (own["request_id"], own["offset"], own["epoch"], own["source"]) == ("b1", 2, epoch, "ws")
    assert {**others, "request_id": "b1"} == own
    assert (event["data"]["offset"], event["data"]["epoch"]) == (2, epoch)
