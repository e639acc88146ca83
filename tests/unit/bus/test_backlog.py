"""The publisher's buffer, no I/O: rounds grouped by key, order per key, the bound and drops."""

from __future__ import annotations

import pytest

from service.bus.backlog import Backlog, Round


def add(backlog: Backlog, key: str, n: int) -> bool:
    return backlog.add(key.encode(), f"{key}-{n}".encode())


def values(round_: Round) -> list[str]:
    """The round's values, key by key (the order a broker's batches would hold them in)."""
    return [value.decode() for batch in round_.values() for value in batch]


def test_rounds_take_the_oldest_records_first() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    for n in range(5):
        assert add(backlog, "a", n)
    assert values(backlog.take(3)) == ["a-0", "a-1", "a-2"]
    assert backlog.settle({b"a": 3}) == 0
    assert (backlog.published, len(backlog), backlog.waiting) == (3, 2, 2)
    assert values(backlog.take(10)) == ["a-3", "a-4"]


def test_a_round_groups_records_by_key_in_publish_order_oldest_key_first() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    for key, n in [("b", 1), ("a", 1), ("b", 2), ("c", 1), ("a", 2)]:
        add(backlog, key, n)
    round_ = backlog.take(4)
    assert {key.decode(): [v.decode() for v in vs] for key, vs in round_.items()} == {
        "b": ["b-1", "b-2"],
        "a": ["a-1", "a-2"],
    }
    assert list(round_) == [b"b", b"a"]
    backlog.settle({b"b": 2, b"a": 2})
    assert values(backlog.take(10)) == ["c-1"]


def test_a_key_cut_by_the_round_size_keeps_its_rest_first_in_line() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    for key, n in [("a", 1), ("a", 2), ("a", 3), ("b", 1)]:
        add(backlog, key, n)
    assert values(backlog.take(2)) == ["a-1", "a-2"]
    backlog.settle({b"a": 2})
    assert values(backlog.take(10)) == ["a-3", "b-1"]


def test_the_bound_counts_the_round_in_flight_and_refuses_the_newest() -> None:
    backlog = Backlog(limit=3, max_record_bytes=1000)
    assert all(add(backlog, "a", n) for n in range(3))
    backlog.take(2)
    assert not add(backlog, "a", 3)
    assert (backlog.dropped, len(backlog)) == (1, 3)
    backlog.settle({b"a": 2})
    assert add(backlog, "a", 4)
    assert values(backlog.take(10)) == ["a-2", "a-4"]


def test_what_a_key_did_not_deliver_goes_back_ahead_of_newer_records() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    for key, n in [("a", 1), ("b", 1), ("a", 2), ("b", 2), ("c", 1)]:
        add(backlog, key, n)
    backlog.take(4)
    add(backlog, "a", 3)  # arrives while the round is in flight
    # Only a-1 of key a reached the broker (say a-2 sat in a failed batch); b got through.
    assert backlog.settle({b"a": 1, b"b": 2}) == 1
    assert backlog.published == 3
    assert values(backlog.take(10)) == ["a-2", "a-3", "c-1"]


def test_a_key_with_no_outcome_counts_as_not_delivered() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    add(backlog, "a", 1)
    add(backlog, "b", 1)
    backlog.take(2)
    assert backlog.settle({}) == 2
    assert (backlog.published, backlog.waiting) == (0, 2)
    assert sorted(values(backlog.take(10))) == ["a-1", "b-1"]


def test_a_record_too_large_for_the_broker_is_refused_up_front() -> None:
    backlog = Backlog(limit=10, max_record_bytes=10)
    assert not backlog.add(b"k", b"x" * 10)
    assert backlog.add(b"k", b"x" * 9)
    assert (backlog.dropped, len(backlog)) == (1, 1)


def test_rounds_are_settled_one_at_a_time_and_completely() -> None:
    backlog = Backlog(limit=10, max_record_bytes=1000)
    add(backlog, "a", 1)
    add(backlog, "a", 2)
    with pytest.raises(RuntimeError, match="no round in flight"):
        backlog.settle({})
    backlog.take(1)
    with pytest.raises(RuntimeError):
        backlog.take(1)
    with pytest.raises(ValueError, match="2 delivered of 1"):
        backlog.settle({b"a": 2})
    with pytest.raises(ValueError, match="not in the round"):
        backlog.settle({b"z": 1})
