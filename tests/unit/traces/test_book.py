"""The trace book's bounds (count, age, bytes, steps) and lookups, with a clock the test drives."""

from __future__ import annotations

from service.traces.book import RequestTrace, TraceBook


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def book(clock: Clock, **bounds: int | float) -> TraceBook:
    settings: dict[str, int | float] = {"requests": 10, "ttl": 60.0, "max_bytes": 1_000_000, **bounds}
    return TraceBook(
        requests=int(settings["requests"]),
        ttl=float(settings["ttl"]),
        max_bytes=int(settings["max_bytes"]),
        max_steps=int(settings.get("max_steps", 100)),
        per_second=int(settings.get("per_second", 1000)),
        clock=clock,
        wall_clock=lambda: 1_767_268_800.0,
    )


def opened(traces: TraceBook, request_id: str, **kwargs: str) -> RequestTrace:
    trace = traces.open(request_id, transport="ws", channel="general", **kwargs)
    assert trace is not None
    return trace


def test_steps_are_kept_in_order_with_their_time_since_the_request_arrived() -> None:
    clock = Clock()
    traces = book(clock)
    trace = opened(traces, "r-1", action="echo")
    clock.now += 0.002
    trace.sent([b'{"type":"ack"}', b'{"type":"event"}'])
    clock.now += 0.001
    trace.add("log", "echo answered", {"event": "ws.echo"})
    (found,) = traces.find("r-1")
    assert found is trace
    # Frames that went at once are one step (readers show one per frame).
    assert [(round((at - trace.started) * 1000, 3), kind) for at, kind, *_ in trace.steps] == [
        (2.0, "sent"),
        (3.0, "log"),
    ]
    assert trace.steps[0][4] == [b'{"type":"ack"}', b'{"type":"event"}']
    assert trace.held == len(b'{"type":"ack"}{"type":"event"}')
    assert trace.action == "echo"


def test_every_request_that_reused_an_id_is_found_oldest_first() -> None:
    traces = book(Clock())
    first, other, second = opened(traces, "r-1"), opened(traces, "r-2"), opened(traces, "r-1")
    assert traces.find("r-1") == [first, second]
    assert traces.find("r-2") == [other]
    assert traces.find("r-3") == []


def test_past_the_count_the_oldest_request_goes_first() -> None:
    traces = book(Clock(), requests=3)
    for n in range(5):
        opened(traces, f"r-{n}")
    assert len(traces) == 3
    assert traces.find("r-0") == traces.find("r-1") == []
    assert [t.request_id for n in (2, 3, 4) for t in traces.find(f"r-{n}")] == ["r-2", "r-3", "r-4"]


def test_a_trace_older_than_the_ttl_is_gone() -> None:
    clock = Clock()
    traces = book(clock, ttl=10.0)
    opened(traces, "r-old")
    clock.now += 6
    opened(traces, "r-new")
    clock.now += 5
    assert traces.find("r-old") == []
    assert len(traces.find("r-new")) == 1
    assert len(traces) == 1


def test_past_the_bytes_the_oldest_traces_go_and_their_bytes_are_given_back() -> None:
    traces = book(Clock(), max_bytes=1000)
    first = opened(traces, "r-1")
    first.sent([b"x" * 600])
    second = opened(traces, "r-2")
    second.sent([b"y" * 600])
    assert traces.find("r-1") == []
    assert traces.find("r-2") == [second]
    third = opened(traces, "r-3")
    third.sent([b"z" * 300])
    assert [len(traces.find(f"r-{n}")) for n in (2, 3)] == [1, 1]
    # A trace dropped mid-request keeps working but takes none of the budget.
    first.sent([b"late" * 100])
    opened(traces, "r-4").sent([b"w" * 90])
    assert len(traces.find("r-2")) == 1


def test_a_request_keeps_its_first_steps_and_counts_the_rest() -> None:
    traces = book(Clock(), max_steps=3)
    trace = opened(traces, "r-1")
    for n in range(5):
        trace.add("log", f"line {n}")
    assert [summary for _, _, summary, _, _ in trace.steps] == ["line 0", "line 1", "line 2"]
    assert trace.truncated == 2


def test_zero_requests_turns_tracing_off() -> None:
    traces = book(Clock(), requests=0)
    assert not traces.enabled
    assert traces.open("r-1", transport="ws", channel="general") is None
    assert traces.find("r-1") == []


def test_past_per_second_the_rest_of_that_second_is_not_traced() -> None:
    clock = Clock()
    traces = book(clock, per_second=2)
    assert [traces.open(f"r-{n}", transport="ws", channel="general") is not None for n in range(4)] == [
        True,
        True,
        False,
        False,
    ]
    assert traces.skipped == 2
    assert traces.find("r-2") == []
    clock.now += 1
    assert traces.open("r-next", transport="ws", channel="general") is not None
