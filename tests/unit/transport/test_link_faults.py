"""A connection's latency, jitter and drops: order kept, repeatable with a seed."""

from __future__ import annotations

from typing import Any

from service.actions.faults import ConnectionFaults
from service.transport.link_faults import LinkFaults

BROADCAST = b'{"type":"broadcast","ts":"T","request_id":null,"channel":"c","message":"m","source":"ws"}'


def test_every_frame_waits_the_latency_and_never_overtakes_the_one_before() -> None:
    link = LinkFaults(ConnectionFaults(latency_ms=100, jitter_ms=80, seed=1), now=0.0, report=lambda _: None)
    dues = []
    for n in range(200):
        now = n * 0.001
        dues.append(now + link.delay(now))
    assert all(due >= n * 0.001 + 0.1 for n, due in enumerate(dues))
    assert dues == sorted(dues)


def test_the_same_seed_drops_the_same_frames_and_each_drop_is_reported() -> None:
    def run(seed: int) -> tuple[list[bool], list[dict[str, Any]]]:
        reports: list[dict[str, Any]] = []
        link = LinkFaults(ConnectionFaults(drop_rate=0.5, seed=seed), now=0.0, report=reports.append)
        return [link.drops(BROADCAST) for _ in range(100)], reports

    first, reports = run(7)
    assert first == run(7)[0]
    assert first != run(8)[0]
    assert 20 < sum(first) < 80
    assert reports[0] == {"dropped": "broadcast", "drop_rate": 0.5}
    assert len(reports) == sum(first)


def test_no_faults_no_wait_no_drop() -> None:
    link = LinkFaults(ConnectionFaults(), now=0.0, report=lambda _: None)
    assert not link.delays
    assert not link.drops(BROADCAST)
