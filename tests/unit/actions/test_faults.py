"""A request's faults applied to its answer, as data: which frames, in which order, how sent."""

from __future__ import annotations

import random

import pytest

from generated import ws_messages as wire
from service.actions.context import RequestContext
from service.actions.faults import close_code_allowed, frame_type, inject
from service.actions.outcome import Outcome

CONTEXT = RequestContext(request_id="r", channel="room", ts="T")


def answer() -> Outcome:
    return Outcome(
        [
            wire.AckFrame(ts="T", request_id="r", action=wire.ActionName.triplet_demo),
            wire.StepFrame(ts="T", request_id="r", step=1),
            wire.StepFrame(ts="T", request_id="r", step=2),
            wire.EventFrame(ts="T", request_id="r", event=wire.EventName.ws_triplet_demo, data={"steps": 2}),
        ]
    )


def kinds(outcome: Outcome) -> list[str]:
    return [
        f"{frame_type(f)} {f.step}" if isinstance(f, wire.StepFrame) else frame_type(f)
        for f in outcome.replies
    ]


def apply(simulate: wire.Simulate, seed: int = 1) -> Outcome:
    return inject(answer(), simulate, rng=random.Random(seed), action="triplet_demo", context=CONTEXT)


def test_drop_and_duplicate_by_frame_type() -> None:
    outcome = apply(wire.Simulate(drop=[wire.FrameType.event], duplicate=[wire.FrameType.ack]))
    assert kinds(outcome) == ["ack", "ack", "step 1", "step 2"]


def test_shuffle_keeps_the_ack_first_and_is_repeatable() -> None:
    orders = {tuple(kinds(apply(wire.Simulate(shuffle=True), seed))) for seed in range(20)}
    assert all(order[0] == "ack" for order in orders)
    assert len(orders) > 1
    assert kinds(apply(wire.Simulate(shuffle=True), 5)) == kinds(apply(wire.Simulate(shuffle=True), 5))


def test_timing_fragments_and_close_are_set_for_the_delivery() -> None:
    close = wire.SimulatedClose(code=4001, after_frames=1)
    outcome = apply(wire.Simulate(delay_ms=1500, gap_ms=20, fragment=3, close=close))
    assert outcome.timing is not None
    timing = outcome.timing
    assert (timing.delay, timing.gap, timing.fragments, timing.close_after) == (1.5, 0.02, 3, 1)
    assert outcome.close is not None
    assert (outcome.close.code, outcome.close.log_event) == (4001, "fault.injected")


def test_faults_that_only_choose_frames_keep_the_plain_timing() -> None:
    assert apply(wire.Simulate(drop=[wire.FrameType.event], shuffle=True)).timing is None


def test_every_applied_fault_is_one_record() -> None:
    outcome = apply(wire.Simulate(delay_ms=10))
    assert outcome.records is not None
    ((key, record),) = outcome.records
    assert (key, record.event, record.request_id, record.channel) == ("room", "fault.injected", "r", "room")
    assert record.data == {"target": "request", "action": "triplet_demo", "faults": {"delay_ms": 10}}


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        (1000, True),
        (1012, True),
        (4000, True),
        (4999, True),
        (1005, False),
        (1009, False),
        (3000, False),
        (5000, False),
    ],
)
def test_close_codes_a_client_may_ask_for(code: int, allowed: bool) -> None:
    assert close_code_allowed(code) is allowed
