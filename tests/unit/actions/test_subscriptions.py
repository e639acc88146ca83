"""What a client that resumes (``since``) or asks for presence is sent first: ``subscribed``,
then exactly the frames it missed, in order, every one a frame the AsyncAPI document allows."""

from __future__ import annotations

import json
from typing import Any

from service.actions.context import RequestContext
from service.actions.notices import channel_broadcast
from service.actions.subscriptions import first_frames
from service.streams.history import ChannelHistory
from tools.specs import frame_contract

Frame = dict[str, Any]
CLIENT = "c-0123456789ab"


def broadcast(history: ChannelHistory, channel: str, *messages: str) -> list[bytes]:
    """Publish each message as ``POST /broadcast`` does; the frames the channel's clients got."""
    sent = []
    for message in messages:
        outcome = channel_broadcast(
            message, channel, RequestContext(ts="2026-01-01T12:00:00.000000Z"), replies=[], history=history
        )
        assert outcome.fan_out is not None
        sent.append(outcome.fan_out.frame)
    return sent


def decoded(frames: list[bytes]) -> list[Frame]:
    out = [json.loads(frame) for frame in frames]
    for frame in out:
        frame_contract().check_server_frame(frame)
    return out


def subscribed_of(frames: list[Frame]) -> Frame:
    first = frames[0]
    assert first["type"] == "subscribed"
    assert first["request_id"] is None
    assert first["client_id"] == CLIENT
    return first


def test_a_resume_within_the_history_sends_the_missed_frames_in_order_and_nothing_else() -> None:
    history = ChannelHistory()
    sent = broadcast(history, "room", "m1", "m2", "m3", "m4", "m5")
    broadcast(history, "other", "elsewhere")
    epoch = history.position("room").epoch
    raw = first_frames(history, "room", CLIENT, since=2, epoch=epoch)
    assert raw[1:] == sent[2:]  # the very frames the live clients got, not copies made again
    frames = decoded(raw)
    subscribed = subscribed_of(frames)
    assert (subscribed["channel"], subscribed["epoch"], subscribed["offset"]) == ("room", epoch, 5)
    assert (subscribed["recovered"], subscribed["missed"]) == (True, 3)
    assert [(f["offset"], f["message"]) for f in frames[1:]] == [(3, "m3"), (4, "m4"), (5, "m5")]


def test_a_client_that_saw_everything_or_nothing_of_an_empty_channel_is_recovered_with_none_missed() -> None:
    history = ChannelHistory()
    broadcast(history, "room", "m1", "m2")
    (frame,) = decoded(first_frames(history, "room", CLIENT, since=2, epoch=history.position("room").epoch))
    assert (frame["recovered"], frame["missed"], frame["offset"]) == (True, 0, 2)
    (frame,) = decoded(first_frames(history, "fresh", CLIENT, since=0, epoch=None))
    assert (frame["recovered"], frame["missed"], frame["offset"]) == (True, 0, 0)
    assert frame["epoch"] == history.position("fresh").epoch


def test_since_zero_gets_all_the_history_and_without_an_epoch_it_is_not_checked() -> None:
    history = ChannelHistory()
    broadcast(history, "room", "m1", "m2", "m3")
    frames = decoded(first_frames(history, "room", CLIENT, since=0, epoch=None))
    assert (subscribed_of(frames)["recovered"], subscribed_of(frames)["missed"]) == (True, 3)
    assert [f["offset"] for f in frames[1:]] == [1, 2, 3]


def test_another_epoch_is_not_recovered_and_gets_no_frames() -> None:
    history = ChannelHistory()
    broadcast(history, "room", "m1", "m2", "m3")
    frames = decoded(first_frames(history, "room", CLIENT, since=1, epoch="000000000000"))
    assert len(frames) == 1
    subscribed = subscribed_of(frames)
    assert (subscribed["recovered"], subscribed["missed"], subscribed["offset"]) == (False, 0, 3)
    assert subscribed["epoch"] == history.position("room").epoch  # the epoch to go on with


def test_an_offset_older_than_the_history_is_not_recovered() -> None:
    history = ChannelHistory(size=3)
    broadcast(history, "room", *(f"m{n}" for n in range(1, 9)))
    epoch = history.position("room").epoch
    frames = decoded(first_frames(history, "room", CLIENT, since=4, epoch=epoch))
    assert [(f["recovered"], f["missed"]) for f in frames] == [(False, 0)]
    frames = decoded(first_frames(history, "room", CLIENT, since=5, epoch=epoch))  # 6, 7, 8 are held
    assert (subscribed_of(frames)["recovered"], [f["offset"] for f in frames[1:]]) == (True, [6, 7, 8])


def test_an_offset_the_channel_never_reached_is_not_recovered() -> None:
    history = ChannelHistory()
    broadcast(history, "room", "m1")
    frames = decoded(first_frames(history, "room", CLIENT, since=5, epoch=history.position("room").epoch))
    assert [(f["recovered"], f["missed"], f["offset"]) for f in frames] == [(False, 0, 1)]


def test_without_since_a_presence_client_gets_subscribed_alone_with_the_position_now() -> None:
    history = ChannelHistory()
    broadcast(history, "room", "m1", "m2")
    (frame,) = decoded(first_frames(history, "room", CLIENT, since=None, epoch=None))
    assert (frame["recovered"], frame["missed"], frame["offset"]) == (False, 0, 2)
    assert frame["epoch"] == history.position("room").epoch
