"""Applying an Outcome: the requester first, then the fan-out, then the publishers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from generated import ws_messages as wire
from service.actions.context import RequestContext
from service.actions.notices import channel_broadcast, presence_changed
from service.actions.outcome import Close, FanOut, Outcome, Publication, Timing
from service.channels.hub import ChannelHub
from service.delivery import Delivery
from service.events.publisher import Receipt
from service.streams.history import ChannelHistory
from service.traces.book import TraceBook

Log = list[tuple[str, Any]]


class Client:
    """A connection that writes into one log shared by everyone, so order across clients shows."""

    def __init__(self, name: str, channel: str, log: Log) -> None:
        self.name, self.channel, self._log = name, channel, log
        self.frames: list[bytes] = []
        self.timers: list[tuple[float, Callable[[], None]]] = []

    def offer(self, frame: bytes) -> bool:
        self._log.append((self.name, frame))
        self.frames.append(frame)
        return True

    def offer_all(self, frames: list[bytes]) -> None:
        for frame in frames:
            self.offer(frame)

    def close(self, code: int, reason: str) -> None:
        self._log.append((self.name, ("close", code)))

    def offer_fragments(self, frame: bytes, fragments: int) -> None:
        self._log.append((self.name, ("fragments", fragments)))
        self.frames.append(frame)

    def later(self, delay: float, callback: Callable[[], None]) -> None:
        self.timers.append((delay, callback))

    def run_timers(self) -> list[float]:
        """Fire every timer in due order (ties in the order they were set); their delays."""
        due = sorted(enumerate(self.timers), key=lambda item: (item[1][0], item[0]))
        self.timers.clear()
        for _, (_, callback) in due:
            callback()
        return [delay for _, (delay, _) in due]


class Sink:
    def __init__(self, log: Log) -> None:
        self._log = log

    def publish(self, record: wire.EventRecord, *, key: str, receipt: object = None) -> None:
        self._log.append(("publisher", (key, record.event.value, dict(record.data))))


def world(*members: tuple[str, str]) -> tuple[Delivery, ChannelHub, dict[str, Client], Log]:
    log: Log = []
    hub = ChannelHub()
    clients = {name: Client(name, channel, log) for name, channel in members}
    for client in clients.values():
        hub.join(client)
    return Delivery(hub=hub, events=Sink(log)), hub, clients, log


def test_the_requester_hears_its_whole_answer_before_anyone_hears_the_fan_out() -> None:
    delivery, _, clients, log = world(("me", "room"), ("peer1", "room"), ("peer2", "room"), ("away", "other"))
    context = RequestContext(request_id="b1", channel="room", ts="T")
    ack = wire.AckFrame(ts="T", request_id="b1", action=wire.ActionName.broadcast)
    outcome = channel_broadcast("hello", "room", context, replies=[ack], history=ChannelHistory())
    assert delivery.deliver(outcome, clients["me"]) == 3
    assert [who for who, _ in log] == ["me", "me", "me", "peer1", "peer2", "publisher"]
    event = json.loads(clients["me"].frames[-1])
    assert event["data"] == {
        "channel": "room",
        "message": "hello",
        "delivered": 3,
        "offset": 1,
        "epoch": event["data"]["epoch"],
    }
    assert log[-1][1] == ("room", "ws.broadcast", event["data"])
    assert clients["away"].frames == []


def test_the_fan_out_frame_is_encoded_once_and_never_goes_back_to_the_requester() -> None:
    delivery, _, clients, _ = world(("me", "a"), ("x", "a"), ("y", "b"))
    frame = b'{"type":"event"}'
    delivery.deliver(Outcome([], fan_out=FanOut(None, frame)), clients["me"])
    assert clients["me"].frames == []
    assert clients["x"].frames[0] is frame
    assert clients["y"].frames[0] is frame


def test_a_rest_fan_out_reaches_everyone_and_reports_the_audience() -> None:
    delivery, _, clients, log = world(("a", "room"), ("b", "room"), ("c", "elsewhere"))
    outcome = channel_broadcast("hi", "room", RequestContext(ts="T"), replies=[], history=ChannelHistory())
    assert delivery.deliver(outcome) == 2
    assert [who for who, _ in log] == ["a", "b"]
    assert json.loads(clients["a"].frames[0])["source"] == "rest"
    assert (
        delivery.deliver(
            channel_broadcast("hi", "empty", RequestContext(ts="T"), replies=[], history=ChannelHistory())
        )
        == 0
    )


def test_a_close_follows_the_requester_s_frames_and_is_logged_once(caplog: Any) -> None:
    delivery, _, clients, log = world(("me", "room"))
    outcome = Outcome(
        [wire.AckFrame(ts="T", request_id=None, action=wire.ActionName.ping)],
        close=Close(1008, "too many frames", "ws.flood_closed"),
    )
    delivery.deliver(outcome, clients["me"])
    assert [item if isinstance(item, tuple) else who for who, item in log] == ["me", ("close", 1008)]
    warnings = [r for r in caplog.records if getattr(r, "event.action", None) == "ws.flood_closed"]
    assert len(warnings) == 1


def test_records_are_published_in_order_after_the_frames() -> None:
    delivery, _, clients, log = world(("me", "room"))
    records: list[Publication] = [
        (
            f"k{n}",
            wire.EventRecord(
                event=wire.EventName.ws_pong, ts="T", request_id=None, channel="room", data={"n": n}
            ),
        )
        for n in range(3)
    ]
    delivery.deliver(
        Outcome([wire.AckFrame(ts="T", request_id=None, action=wire.ActionName.ping)], records), clients["me"]
    )
    assert log[0][0] == "me"
    assert [entry[1][0] for entry in log[1:]] == ["k0", "k1", "k2"]


def ack_and_steps(n: int = 2) -> list[wire.ServerFrame]:
    return [
        wire.AckFrame(ts="T", request_id="d", action=wire.ActionName.triplet_demo),
        *(wire.StepFrame(ts="T", request_id="d", step=k) for k in range(1, n + 1)),
    ]


def test_a_delayed_answer_waits_on_the_connection_while_the_fan_out_and_records_go_at_once() -> None:
    delivery, _, clients, log = world(("me", "room"), ("peer", "room"))
    outcome = channel_broadcast(
        "hi",
        "room",
        RequestContext(request_id="d", channel="room", ts="T"),
        replies=[],
        history=ChannelHistory(),
    )
    outcome.timing = Timing(delay=1.5)
    delivery.deliver(outcome, clients["me"])
    assert [who for who, _ in log] == ["peer", "publisher"]  # nothing for the requester yet
    assert clients["me"].run_timers() == [1.5]
    assert [json.loads(f)["type"] for f in clients["me"].frames] == ["broadcast", "event"]


def test_a_gap_spaces_the_replies_and_a_close_follows_after_frames() -> None:
    delivery, _, clients, log = world(("me", "room"))
    outcome = Outcome(
        ack_and_steps(3), close=Close(4001, "bye", "fault.injected"), timing=Timing(gap=0.25, close_after=2)
    )
    delivery.deliver(outcome, clients["me"])
    assert clients["me"].run_timers() == [0.0, 0.25, 0.25]
    assert [json.loads(f)["type"] for f in clients["me"].frames] == ["ack", "step"]
    assert log[-1] == ("me", ("close", 4001))


def test_fragments_are_asked_of_the_connection_frame_by_frame() -> None:
    delivery, _, clients, log = world(("me", "room"))
    delivery.deliver(Outcome(ack_and_steps(1), timing=Timing(fragments=4)), clients["me"])
    clients["me"].run_timers()
    assert log == [("me", ("fragments", 4)), ("me", ("fragments", 4))]


PRESENCE_WORLD = [("me", "room"), ("peer", "room"), ("plain", "room"), ("away", "other")]


def test_a_presence_change_reaches_the_channel_s_presence_clients_but_the_one_that_came() -> None:
    log: Log = []
    hub = ChannelHub()
    clients = {name: Client(name, channel, log) for name, channel in PRESENCE_WORLD}
    for name, client in clients.items():
        hub.join(client, present=name != "plain")
    delivery = Delivery(hub=hub, events=Sink(log))
    outcome = presence_changed(wire.EventName.channel_joined, "room", "c-0123456789ab", "me", ts="T")
    delivery.deliver(outcome, clients["me"])
    assert [who for who, _ in log] == ["peer", "publisher"]
    assert json.loads(clients["peer"].frames[0])["event"] == "channel.joined"


def test_a_traced_outcome_records_what_was_sent_the_fan_out_and_each_record_with_a_receipt() -> None:
    log: Log = []
    hub = ChannelHub()
    clients = {name: Client(name, "room", log) for name in ("me", "peer")}
    for client in clients.values():
        hub.join(client)
    delivery = Delivery(hub=hub, events=Sink(log), broker=True)
    traces = TraceBook(requests=10, ttl=60, max_bytes=1_000_000)
    trace = traces.open("b1", transport="ws", channel="room")
    assert trace is not None
    context = RequestContext(request_id="b1", channel="room", ts="T")
    ack = wire.AckFrame(ts="T", request_id="b1", action=wire.ActionName.broadcast)
    outcome = channel_broadcast("hello", "room", context, replies=[ack], history=ChannelHistory())
    outcome.trace = trace
    delivery.deliver(outcome, clients["me"])
    kinds = [kind for _, kind, *_ in trace.steps]
    assert kinds == ["sent", "fan_out", "event"]
    assert trace.steps[0][4] == clients["me"].frames
    _, _, _, fan_out, frame = trace.steps[1]
    assert fan_out == {"channel": "room", "recipients": 1}
    assert frame == clients["peer"].frames[0]
    _, _, _, event, _ = trace.steps[2]
    assert event is not None
    assert isinstance(event["receipt"], Receipt)
    assert event["receipt"].status == "pending"


def test_delayed_replies_are_traced_when_their_timer_fires() -> None:
    delivery, _, clients, _ = world(("me", "room"))
    traces = TraceBook(requests=10, ttl=60, max_bytes=1_000_000)
    trace = traces.open("d1", transport="ws", channel="room")
    assert trace is not None
    ack = wire.AckFrame(ts="T", request_id="d1", action=wire.ActionName.ping)
    delivery.deliver(Outcome([ack], timing=Timing(delay=0.5), trace=trace), clients["me"])
    assert trace.steps == []
    clients["me"].run_timers()
    assert [kind for _, kind, *_ in trace.steps] == ["sent"]
