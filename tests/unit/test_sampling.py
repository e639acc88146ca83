"""The per-second budget shared by the action journal and the trace book."""

from __future__ import annotations

from service.sampling import PerSecond


def test_at_most_limit_a_second_and_a_new_second_starts_afresh() -> None:
    budget = PerSecond(2)
    assert [budget.take(10.1), budget.take(10.5), budget.take(10.9)] == [True, True, False]
    assert [budget.take(11.0), budget.take(11.2), budget.take(11.3)] == [True, True, False]


def test_a_refused_take_spends_nothing() -> None:
    budget = PerSecond(1)
    assert budget.take(5.0)
    for _ in range(10):
        assert not budget.take(5.5)
    assert budget.take(6.0)
