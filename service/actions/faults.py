"""Faults a client asks for, applied to an answer as data (Sans-I/O), repeatable with a seed.

A request's ``simulate`` transforms the :class:`~service.actions.outcome.Outcome` of its answer:
which frames go out (``drop``, ``duplicate``, ``shuffle``; ``fail`` is decided by the
protocol before the action runs) and how (``delay_ms``, ``gap_ms``, ``fragment``, ``close``);
``service.delivery`` does the waiting. A connection's faults (the handshake's ``latency_ms``,
``jitter_ms``, ``drop_rate``, ``disconnect_after_ms``, ``seed``) are applied by the connection
itself. Every fault applied is also an event record ``fault.injected``.
"""

from __future__ import annotations

import random
from typing import Any

import msgspec

from generated import ws_messages as wire
from service import spec
from service.actions.context import RequestContext
from service.actions.frames import event_record
from service.actions.outcome import Close, Outcome, Publication, Timing
from service.errors import ValidationFailed

MAX_DELAYED_ANSWERS = 100
"""Delayed answers that may wait per connection; more are answered ``rate_limited``."""
SERVER_CLOSE_CODES = frozenset(int(code) for code in wire.ServerCloseCode)
APPLICATION_CLOSE_CODES = spec.number_bounds(wire.ApplicationCloseCode)
DEFAULT_DISCONNECT_CODE = 1012

_TYPE_OF: dict[type, str] = {
    frame_type: str(frame_type.__struct_config__.tag)
    for frame_type in (
        wire.AckFrame,
        wire.EchoFrame,
        wire.StepFrame,
        wire.BroadcastFrame,
        wire.OrderFrame,
        wire.OrdersFrame,
        wire.EventFrame,
        wire.ErrorFrame,
    )
}


def close_code_allowed(code: int) -> bool:
    """A code the server may be asked to close with (the spec's ``CloseCode``)."""
    return code in SERVER_CLOSE_CODES or APPLICATION_CLOSE_CODES.low <= code <= APPLICATION_CLOSE_CODES.high


def close_code_problem(code: int, *, pointer: str) -> ValidationFailed | None:
    """Why ``code`` cannot be asked for, naming ``pointer``; ``None`` when it can."""
    if close_code_allowed(code):
        return None
    allowed = ", ".join(str(c) for c in sorted(SERVER_CLOSE_CODES))
    return ValidationFailed(
        f"Close code must be one of {allowed} or "
        f"{APPLICATION_CLOSE_CODES.low}-{APPLICATION_CLOSE_CODES.high}, got {code} at {pointer}",
        pointer=pointer,
    )


def dice(seed: int | None, purpose: str) -> random.Random:
    """A random source for one purpose; with a seed, the same choices every time."""
    return random.Random(f"{seed}:{purpose}") if seed is not None else random.Random()  # noqa: S311 - not security


def frame_type(frame: wire.ServerFrame) -> str:
    """A server frame's ``type``."""
    return _TYPE_OF[type(frame)]


class ConnectionFaults(msgspec.Struct, frozen=True, kw_only=True):
    """The faults a client asked for at the handshake, for every frame of its connection."""

    latency_ms: int = 0
    jitter_ms: int = 0
    drop_rate: float = 0.0
    disconnect_after_ms: int | None = None
    disconnect_code: int = DEFAULT_DISCONNECT_CODE
    seed: int | None = None

    def asked(self) -> dict[str, Any]:
        """The parameters given, for the ``fault.injected`` record."""
        return {
            name: value
            for name, value in msgspec.structs.asdict(self).items()
            if value is not None and value != getattr(NO_CONNECTION_FAULTS, name)
        }


NO_CONNECTION_FAULTS = ConnectionFaults()


def inject(
    outcome: Outcome, simulate: wire.Simulate, *, rng: random.Random, action: str, context: RequestContext
) -> Outcome:
    """``outcome`` with the request's faults applied, and a ``fault.injected`` record."""
    replies = outcome.replies
    drop = simulate.drop if isinstance(simulate.drop, list) else []
    if drop:
        dropped = {kind.value for kind in drop}
        replies = [frame for frame in replies if frame_type(frame) not in dropped]
    duplicate = simulate.duplicate if isinstance(simulate.duplicate, list) else []
    if duplicate:
        doubled = {kind.value for kind in duplicate}
        replies = [
            copy
            for frame in replies
            for copy in ((frame, frame) if frame_type(frame) in doubled else (frame,))
        ]
    if simulate.shuffle is True:
        head = replies[:1] if replies and isinstance(replies[0], wire.AckFrame) else []
        rest = replies[len(head) :]
        rng.shuffle(rest)
        replies = head + rest
    outcome.replies = replies
    timing = Timing(
        delay=simulate.delay_ms / 1000 if isinstance(simulate.delay_ms, int) else 0.0,
        gap=simulate.gap_ms / 1000 if isinstance(simulate.gap_ms, int) else 0.0,
        fragments=simulate.fragment if isinstance(simulate.fragment, int) else 1,
    )
    close = simulate.close
    if isinstance(close, wire.SimulatedClose):
        reason = close.reason if isinstance(close.reason, str) else "simulated close (simulate.close)"
        outcome.close = Close(close.code, reason, "fault.injected")
        timing.close_after = close.after_frames if isinstance(close.after_frames, int) else 0
    if timing.delay or timing.gap or timing.fragments > 1 or timing.close_after is not None:
        outcome.timing = timing
    record = fault_record(
        {"target": "request", "action": action, "faults": msgspec.to_builtins(simulate)},
        request_id=context.request_id,
        channel=context.channel,
        ts=context.ts,
    )
    outcome.records = [*(outcome.records or ()), record]
    return outcome


def fault_record(
    data: dict[str, Any], *, request_id: str | None, channel: str | None, ts: str
) -> Publication:
    """A ``fault.injected`` record, keyed by the requester's channel."""
    record = event_record(wire.EventName.fault_injected, data, request_id=request_id, channel=channel, ts=ts)
    return (channel or "rest", record)


def connection_record(faults: dict[str, Any], *, channel: str, ts: str) -> Publication:
    """A ``fault.injected`` record for a fault of a whole connection."""
    return fault_record({"target": "connection", "faults": faults}, request_id=None, channel=channel, ts=ts)


def answer_span(outcome: Outcome) -> float:
    """Seconds from now until the last reply of ``outcome`` is sent."""
    timing = outcome.timing
    return timing.delay + timing.gap * max(len(outcome.replies) - 1, 0) if timing is not None else 0.0
