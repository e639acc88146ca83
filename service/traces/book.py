"""What the service did for each request, kept for a while: the book ``GET /trace`` reads.

A request opens a :class:`RequestTrace` when it arrives; the parts that act on it add steps —
the frames sent back, the fan-out, store operations, event records and their Kafka delivery,
injected faults, a close, log lines — each with its time since the request arrived. The book
keeps the most recent traces within bounds (a count, an age and the bytes of frames they hold),
the oldest going first, so memory stays bounded whatever clients send.

A ``request_id`` is the client's choice, not unique: every kept request that carried it is
returned, oldest first. No I/O: the clocks are passed in, so tests drive time themselves.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from service.sampling import PerSecond

Step = tuple[float, str, str, dict[str, Any] | None, bytes | str | list[bytes] | None]
"""One thing done for a request: when (the book's clock), its kind, a summary in plain words,
the kind's own fields, and the frame it concerns. A tuple: a request adds several, and the
request path pays for each (readers turn them into JSON)."""

CURRENT: ContextVar[RequestTrace | None] = ContextVar("trace", default=None)
"""The trace of the request being answered, where code deep in the call (the store, the log)
has no other way to know it."""


class RequestTrace:
    """The steps of one request, in the order they happened."""

    __slots__ = (
        "_book",
        "action",
        "channel",
        "client_id",
        "held",
        "kept",
        "received",
        "request_id",
        "started",
        "steps",
        "transport",
        "truncated",
    )

    def __init__(
        self,
        book: TraceBook,
        started: float,
        *,
        request_id: str,
        transport: str,
        channel: str | None,
        client_id: str | None,
        action: str | None,
        received: str | None,
    ) -> None:
        self._book = book
        self.started = started
        """When the request arrived, on the book's clock."""
        self.request_id = request_id
        self.transport = transport
        self.channel = channel
        self.client_id = client_id
        self.action = action
        self.received = received
        """The frame received (a WebSocket request's first step, kept apart: it costs no step)."""
        self.steps: list[Step] = []
        self.truncated = 0
        """Steps not kept, past the book's ``max_steps``."""
        self.held = 0
        """Bytes of frames this trace keeps alive."""
        self.kept = True
        """Still in the book (a trace dropped mid-request takes no more of its byte budget)."""

    @property
    def received_at(self) -> float:
        """When the request arrived, in seconds since the epoch."""
        return self._book.wall_origin + self.started

    def add(
        self,
        kind: str,
        summary: str,
        fields: dict[str, Any] | None = None,
        frame: bytes | str | list[bytes] | None = None,
    ) -> None:
        """Record a step now (past the book's ``max_steps``, only count it). ``frame`` is the
        frame it concerns; a list, for several frames that went at once."""
        steps = self.steps
        book = self._book
        if len(steps) >= book.max_steps:
            self.truncated += 1
            return
        steps.append((book.clock(), kind, summary, fields, frame))
        if frame is not None and self.kept:
            self._hold(sum(map(len, frame)) if isinstance(frame, list) else len(frame))

    def _hold(self, size: int) -> None:
        self.held += size
        self._book.hold(size)

    def sent(self, frames: list[bytes], *, fragments: int = 1) -> None:
        """Frames handed to the requester's connection at once, in order: one step (readers
        show one per frame)."""
        self.add("sent", "", {"fragments": fragments} if fragments > 1 else None, frames)


class TraceBook:
    """The most recent request traces: at most ``requests`` of them, none older than ``ttl``
    seconds, at most ``max_bytes`` of frames in all.

    At most ``per_second`` requests are traced each second, as the action journal samples its
    lines: a tester at the keyboard gets every request traced, a load test pays for a thousand
    traces a second rather than for each of tens of thousands of requests (``skipped`` counts
    the rest). ``requests`` 0 turns tracing off: :meth:`open` returns ``None``.
    """

    def __init__(
        self,
        *,
        requests: int,
        ttl: float,
        max_bytes: int,
        max_steps: int = 100,
        per_second: int = 1000,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_requests = requests
        self._budget = PerSecond(per_second)
        self.skipped = 0
        """Requests not traced, past ``per_second``."""
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.max_steps = max_steps
        self.clock = clock
        self.wall_origin = wall_clock() - clock()
        """Add to a time of ``clock`` to get seconds since the epoch."""
        self._order: deque[RequestTrace] = deque()
        self._by_id: dict[str, list[RequestTrace]] = {}
        self._bytes = 0

    @property
    def enabled(self) -> bool:
        return self.max_requests > 0

    def __len__(self) -> int:
        return len(self._order)

    def open(
        self,
        request_id: str,
        *,
        transport: str,
        channel: str | None,
        client_id: str | None = None,
        action: str | None = None,
        received: str | None = None,
    ) -> RequestTrace | None:
        """Start the trace of a request that just arrived (``None`` when tracing is off);
        ``received``, the frame that carried it."""
        if not self.max_requests:
            return None
        now = self.clock()
        if not self._budget.take(now):
            self.skipped += 1
            return None
        trace = RequestTrace(
            self,
            now,
            request_id=request_id,
            transport=transport,
            channel=channel,
            client_id=client_id,
            action=action,
            received=received,
        )
        order = self._order
        order.append(trace)
        same = self._by_id.get(request_id)
        if same is None:
            self._by_id[request_id] = [trace]
        else:
            same.append(trace)
        if len(order) > self.max_requests:
            self._drop(order.popleft())
        if order[0].started < now - self.ttl:
            self._expire()
        return trace

    def hold(self, size: int) -> None:
        """A trace now keeps ``size`` more bytes of frames."""
        self._bytes += size
        if self._bytes > self.max_bytes:
            order = self._order
            while self._bytes > self.max_bytes and len(order) > 1:
                self._drop(order.popleft())

    def find(self, request_id: str) -> list[RequestTrace]:
        """The kept requests that carried ``request_id``, oldest first."""
        self._expire()
        return list(self._by_id.get(request_id, ()))

    def _expire(self) -> None:
        order, horizon = self._order, self.clock() - self.ttl
        while order and order[0].started < horizon:
            self._drop(order.popleft())

    def _drop(self, trace: RequestTrace) -> None:
        trace.kept = False
        self._bytes -= trace.held
        same = self._by_id[trace.request_id]
        same.remove(trace)
        if not same:
            del self._by_id[trace.request_id]
