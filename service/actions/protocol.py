"""One WebSocket client's side of the action protocol, Sans-I/O: a frame in, an Outcome out.

Modelled on python-websockets' ``ServerProtocol``: the shell hands over what it read and the
time (``now``, from a monotonic clock, so tests can use a fake one); the protocol decides
everything the contract says about that frame — the rate limit and the close of a client that
keeps flooding, the refusal of binary frames, the ``error`` for a frame it cannot read, the
answer, and the ``internal_error`` answer when a bug gets in the way — and returns it as an
:class:`~service.actions.outcome.Outcome` for ``service.delivery`` to apply.
"""

from __future__ import annotations

import logging
import random

import msgspec

from generated import ws_messages as wire
from service.actions import faults
from service.actions.answers import ACTION_OF, ActionAnswers
from service.actions.context import RequestContext
from service.actions.decode import RejectedFrame, decode_request, peek_request_id
from service.actions.frames import error_frame
from service.actions.frames import now as wall_clock
from service.actions.journal import ActionJournal
from service.actions.outcome import Close, Outcome
from service.actions.rate import TokenBucket
from service.errors import FaultsDisabled, InvalidFrame, RateLimited, ServiceError, SimulatedFailure
from service.traces.book import CURRENT, RequestTrace, TraceBook

log = logging.getLogger("service.ws")
_UNSET = msgspec.UNSET

POLICY_VIOLATION = 1008
BINARY_REFUSED = InvalidFrame("Binary frames are not supported; send JSON as a text frame")
INTERNAL_ERROR = ServiceError("The service failed to handle this frame; it has been logged")
FLOODING = Close(POLICY_VIOLATION, "rate limit exceeded: too many frames", "ws.flood_closed")


class ActionProtocol:
    """The protocol state of one connection: its channel, its rate budget, whether it is closing."""

    __slots__ = (
        "_answers",
        "_bucket",
        "_channel",
        "_client_id",
        "_closing",
        "_delayed",
        "_dice",
        "_faults_enabled",
        "_flood_after",
        "_journal",
        "_refused",
        "_seed",
        "_traces",
    )

    def __init__(
        self,
        answers: ActionAnswers,
        *,
        channel: str,
        rate_per_second: float,
        rate_burst: int,
        now: float,
        journal: ActionJournal | None = None,
        faults_enabled: bool = True,
        seed: int | None = None,
        traces: TraceBook | None = None,
        client_id: str | None = None,
    ) -> None:
        self._answers = answers
        self._channel = channel
        self._bucket = TokenBucket(rate=rate_per_second, burst=rate_burst, now=now)
        self._flood_after = rate_burst
        self._refused = 0
        self._closing = False
        self._journal = journal
        self._faults_enabled = faults_enabled
        self._seed = seed
        self._traces = traces if traces is not None and traces.enabled else None
        self._client_id = client_id
        # Made on first use: most clients never ask for a fault (a Random is ~2.5 KB).
        self._dice: random.Random | None = None
        self._delayed: list[float] | None = None

    @property
    def closing(self) -> bool:
        """The protocol asked to close this connection; later frames are not answered."""
        return self._closing

    async def receive_text(self, text: str, now: float) -> Outcome:
        """Answer one text frame received at ``now`` (monotonic seconds)."""
        if self._closing:
            return Outcome([])
        wait = self._bucket.take(now)
        if wait:
            return self._over_rate(text, wait)
        self._refused = 0
        try:
            request = decode_request(text)
        except RejectedFrame as rejected:
            trace = self._trace(rejected.request_id, None, text)
            if trace is not None:
                token = CURRENT.set(trace)
            if self._journal is not None:
                self._journal.record(
                    "frame.rejected",
                    action=None,
                    channel=self._channel,
                    request_id=rejected.request_id,
                    message=f"frame rejected ({rejected.error.code}): {rejected.error.message}",
                )
            outcome = Outcome([error_frame(rejected.error, rejected.request_id)], trace=trace)
            if trace is not None:
                CURRENT.reset(token)
            return outcome
        request_id = request.request_id if isinstance(request.request_id, str) else None
        context = RequestContext(request_id=request_id, channel=self._channel, ts=wall_clock())
        trace = self._trace(request_id, ACTION_OF[type(request)].value, text)
        if trace is not None:
            token = CURRENT.set(trace)
        try:
            if request.simulate is not _UNSET:
                outcome = await self._simulated(request, request.simulate, context, now)
            else:
                outcome = await self._answers.answer(request, context)
        except Exception:
            # A bug must cost the client one answer, never its connection.
            log.exception(
                "action failed unexpectedly",
                extra={"event.action": "ws.internal_error", "channel": self._channel},
            )
            outcome = Outcome([error_frame(INTERNAL_ERROR, request_id)])
        if trace is not None:
            CURRENT.reset(token)
            outcome.trace = trace
        return outcome

    def _trace(self, request_id: str | None, action: str | None, text: str) -> RequestTrace | None:
        """Open the trace of a request that has a ``request_id`` (none is kept without one)."""
        traces = self._traces
        if traces is None or request_id is None:
            return None
        return traces.open(
            request_id,
            transport="ws",
            channel=self._channel,
            client_id=self._client_id,
            action=action,
            received=text,
        )

    async def _simulated(
        self, request: wire.ClientFrame, simulate: wire.Simulate, context: RequestContext, now: float
    ) -> Outcome:
        """The answer, with the faults the request asked for (or why they are refused)."""
        request_id = context.request_id
        if not self._faults_enabled:
            return Outcome([error_frame(FaultsDisabled("simulate"), request_id)])
        if isinstance(simulate.close, wire.SimulatedClose):
            bad = faults.close_code_problem(simulate.close.code, pointer="/simulate/close/code")
            if bad is not None:
                return Outcome([error_frame(bad, request_id)])
        delayed = self._delayed if self._delayed is not None else []
        delayed[:] = [due for due in delayed if due > now]
        if (simulate.delay_ms or simulate.gap_ms) and len(delayed) >= faults.MAX_DELAYED_ANSWERS:
            limit = RateLimited(min(delayed) - now)
            return Outcome([error_frame(limit, request_id)])
        action = ACTION_OF[type(request)].value
        if isinstance(simulate.fail, wire.ErrorCode):
            ack = wire.AckFrame(ts=context.ts, request_id=request_id, action=ACTION_OF[type(request)])
            outcome = Outcome([ack, error_frame(SimulatedFailure(simulate.fail.value), request_id)])
        else:
            outcome = await self._answers.answer(request, context)
        if self._dice is None:
            self._dice = faults.dice(self._seed, "answers")
        outcome = faults.inject(outcome, simulate, rng=self._dice, action=action, context=context)
        trace = CURRENT.get()
        if trace is not None:
            asked = msgspec.to_builtins(simulate)
            trace.add(
                "fault",
                f"faults injected into the answer: {msgspec.json.encode(asked).decode()}",
                {"faults": asked},
            )
        span = faults.answer_span(outcome)
        if span:
            delayed.append(now + span)
            self._delayed = delayed
        if self._journal is not None:
            self._journal.record(
                "fault.injected",
                action=action,
                channel=self._channel,
                request_id=request_id,
                message=f"faults injected into the answer: {msgspec.json.encode(simulate).decode()}",
            )
        return outcome

    def receive_binary(self, data: bytes, now: float) -> Outcome:
        """Answer one binary frame: the contract has none, so ``error invalid_frame``."""
        if self._closing:
            return Outcome([])
        wait = self._bucket.take(now)
        if wait:
            return self._over_rate(None, wait)
        self._refused = 0
        return Outcome([error_frame(BINARY_REFUSED, None)])

    def _over_rate(self, text: str | None, wait: float) -> Outcome:
        """A frame over the rate: ``rate_limited``, or the close of a client that keeps flooding.

        Frames that arrive after the close are not answered (see ``closing``).
        """
        self._refused += 1
        if self._refused >= self._flood_after:
            self._closing = True
            return Outcome([], close=FLOODING)
        request_id = peek_request_id(text) if text else None
        return Outcome([error_frame(RateLimited(wait), request_id)])
