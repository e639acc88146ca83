"""The action log: off the request path, bounded under load, complete when asked."""

from __future__ import annotations

import logging

import pytest

from service.actions.journal import ActionJournal


def note(journal: ActionJournal, n: int) -> None:
    for i in range(n):
        journal.record(
            "ws.echo", action="echo", channel="general", request_id=f"r-{i}", message="echo answered"
        )


def test_sampling_keeps_at_most_the_budget_and_says_how_many_it_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    journal = ActionJournal(mode="sample", per_second=10)
    note(journal, 25)
    with caplog.at_level(logging.INFO, logger="service.actions"):
        journal.flush()
    lines = [r for r in caplog.records if getattr(r, "action", None) == "echo"]
    assert len(lines) == 10
    assert [getattr(r, "request_id", None) for r in lines] == [f"r-{i}" for i in range(10)]
    assert lines[0].__dict__["event.action"] == "ws.echo"
    (summary,) = [r for r in caplog.records if r.__dict__.get("event.action") == "log.sampled"]
    assert summary.__dict__["skipped_lines"] == 15


def test_all_logs_every_action_and_off_logs_none(caplog: pytest.LogCaptureFixture) -> None:
    everything, nothing = ActionJournal(mode="all"), ActionJournal(mode="off")
    note(everything, 500)
    note(nothing, 500)
    with caplog.at_level(logging.INFO, logger="service.actions"):
        everything.flush()
        nothing.flush()
    assert len(caplog.records) == 500


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        ActionJournal(mode="verbose")
