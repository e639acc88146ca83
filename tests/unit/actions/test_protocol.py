"""One connection's protocol without a socket: its policies, driven by a fake clock.

The rate limit, the close of a client that keeps flooding, the refusal of binary frames, bad
input and the ``internal_error`` answer are all decided here; these tests need no server.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from generated import ws_messages as wire
from service.actions.answers import ActionAnswers
from service.actions.context import RequestContext
from service.actions.journal import ActionJournal
from service.actions.order_desk import OrderDesk
from service.actions.outcome import Outcome
from service.actions.protocol import ActionProtocol
from service.storage.memory import InMemoryOrderStore

Frame = dict[str, Any]
RATE, BURST = 8.0, 5
ECHO = '{"action":"echo","payload":{},"request_id":"%s"}'


def frames_of(outcome: Outcome) -> list[Frame]:
    return [json.loads(msgspec.json.encode(frame)) for frame in outcome.replies]


def kinds(outcome: Outcome) -> list[str]:
    return [f"{f['type']} {f['code']}" if f["type"] == "error" else f["type"] for f in frames_of(outcome)]


@pytest.fixture
async def answers() -> ActionAnswers:
    store = InMemoryOrderStore()
    await store.start()
    return ActionAnswers(orders=OrderDesk(store=store))


def protocol_for(answers: ActionAnswers, *, journal: ActionJournal | None = None) -> ActionProtocol:
    return ActionProtocol(
        answers, channel="room", rate_per_second=RATE, rate_burst=BURST, now=100.0, journal=journal
    )


async def test_a_burst_is_answered_then_the_next_frame_is_rate_limited_with_when_to_retry(
    answers: ActionAnswers,
) -> None:
    protocol = protocol_for(answers)
    for n in range(BURST):
        assert kinds(await protocol.receive_text(ECHO % n, 100.0)) == ["ack", "echo", "event"]
    limited = await protocol.receive_text(ECHO % "over", 100.0)
    (frame,) = frames_of(limited)
    assert (frame["code"], frame["request_id"]) == ("rate_limited", "over")
    assert frame["details"] == {"retry_after_ms": 125}  # one token at 8 a second
    assert limited.close is None
    assert limited.records is None


async def test_the_budget_refills_with_time(answers: ActionAnswers) -> None:
    protocol = protocol_for(answers)
    for n in range(BURST):
        await protocol.receive_text(ECHO % n, 100.0)
    assert kinds(await protocol.receive_text(ECHO % "a", 100.05)) == ["error rate_limited"]
    assert kinds(await protocol.receive_text(ECHO % "b", 100.15)) == ["ack", "echo", "event"]
    assert kinds(await protocol.receive_text(ECHO % "c", 100.15)) == ["error rate_limited"]


async def test_a_client_refused_burst_times_in_a_row_is_closed_with_1008_once(answers: ActionAnswers) -> None:
    protocol = protocol_for(answers)
    for n in range(BURST):
        await protocol.receive_text(ECHO % n, 100.0)
    outcomes = [await protocol.receive_text(ECHO % n, 100.0) for n in range(BURST)]
    assert [kinds(o) for o in outcomes[:-1]] == [["error rate_limited"]] * (BURST - 1)
    closing = outcomes[-1]
    assert (closing.replies, closing.close is not None) == ([], True)
    assert closing.close is not None
    assert (closing.close.code, closing.close.log_event) == (1008, "ws.flood_closed")
    assert protocol.closing
    # Whatever arrives while the connection closes is not answered, and the close is not repeated.
    for later in (await protocol.receive_text(ECHO % "x", 200.0), protocol.receive_binary(b"x", 200.0)):
        assert (later.replies, later.close, later.fan_out, later.records) == ([], None, None, None)


async def test_an_answered_frame_resets_the_flood_count(answers: ActionAnswers) -> None:
    protocol = protocol_for(answers)
    clock = 100.0
    for n in range(BURST):
        await protocol.receive_text(ECHO % n, clock)
    for _ in range(5):
        for n in range(BURST - 1):
            assert kinds(await protocol.receive_text(ECHO % n, clock)) == ["error rate_limited"]
        clock += 1 / RATE
        assert kinds(await protocol.receive_text(ECHO % "ok", clock)) == ["ack", "echo", "event"]
    assert not protocol.closing


async def test_a_binary_frame_is_refused_and_counts_against_the_rate(answers: ActionAnswers) -> None:
    protocol = protocol_for(answers)
    refused = protocol.receive_binary(b"\x00\x01", 100.0)
    (frame,) = frames_of(refused)
    assert (frame["code"], frame["request_id"]) == ("invalid_frame", None)
    assert "Binary frames are not supported" in frame["message"]
    for _ in range(BURST - 1):
        protocol.receive_binary(b"x", 100.0)
    assert kinds(protocol.receive_binary(b"x", 100.0)) == ["error rate_limited"]


@pytest.mark.parametrize(
    ("text", "code", "request_id"),
    [
        ("nope", "invalid_json", None),
        ("[]", "invalid_frame", None),
        ('{"request_id":"k"}', "validation_error", "k"),
        ('{"action":"fly","request_id":"k"}', "unknown_action", "k"),
        ('{"action":"broadcast","payload":{},"request_id":"k"}', "validation_error", "k"),
    ],
)
async def test_bad_input_is_one_error_frame_and_is_journalled(
    answers: ActionAnswers, text: str, code: str, request_id: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    journal = ActionJournal(mode="all")
    protocol = protocol_for(answers, journal=journal)
    outcome = await protocol.receive_text(text, 100.0)
    (frame,) = frames_of(outcome)
    assert (frame["code"], frame["request_id"]) == (code, request_id)
    assert (outcome.records, outcome.close) == (None, None)
    caplog.set_level("INFO", "service.actions")
    journal.flush()
    logged = [(getattr(r, "event.action", None), getattr(r, "request_id", None)) for r in caplog.records]
    assert logged == [("frame.rejected", request_id)]


class Broken(ActionAnswers):
    async def answer(self, request: wire.ClientFrame, context: RequestContext) -> Outcome:
        raise RuntimeError("a bug")


async def test_a_bug_costs_one_internal_error_answer_not_the_connection(
    answers: ActionAnswers, caplog: pytest.LogCaptureFixture
) -> None:
    protocol = ActionProtocol(
        Broken(orders=OrderDesk(store=InMemoryOrderStore())),
        channel="room",
        rate_per_second=RATE,
        rate_burst=BURST,
        now=0.0,
    )
    outcome = await protocol.receive_text(ECHO % "boom", 0.0)
    (frame,) = frames_of(outcome)
    assert (frame["code"], frame["request_id"]) == ("internal_error", "boom")
    assert "a bug" not in frame["message"]  # the details go to the log only
    assert outcome.close is None
    assert not protocol.closing
    assert any(r.getMessage() == "action failed unexpectedly" and r.exc_info for r in caplog.records)


async def test_frames_carry_the_connection_s_channel(answers: ActionAnswers) -> None:
    protocol = protocol_for(answers)
    outcome = await protocol.receive_text('{"action":"ping","request_id":"p"}', 100.0)
    assert outcome.records is not None
    assert outcome.records[0][1].channel == "room"
    assert outcome.records[0][0] == "room"
