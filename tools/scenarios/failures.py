"""What a failed step reports: which step, which request_id, what was expected, what arrived,
and the frames its connection had received so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tools.scenarios.matching import Mismatch, shown

_SHOWN_FRAMES = 20
UNSET = object()


class Problem(Exception):
    """Raised by a step; the runner adds where it happened and makes it a `StepFailure`."""

    def __init__(
        self,
        what: str,
        *,
        expected: Any = UNSET,
        arrived: Any = UNSET,
        mismatches: Sequence[Mismatch] = (),
        connection: str | None = None,
    ) -> None:
        super().__init__(what)
        self.what = what
        self.expected = expected
        self.arrived = arrived
        self.mismatches = list(mismatches)
        self.connection = connection


class StepFailure(AssertionError):
    """A scenario that did not go as written; its message is the whole report."""


@dataclass(frozen=True)
class StepPlace:
    """Where a step is: its number, its kind and what it concerns."""

    number: int
    total: int
    kind: str
    connection: str | None = None
    request_id: Any = UNSET
    title: str | None = None

    def __str__(self) -> str:
        details = [f"on {self.connection!r}"] if self.connection else []
        if self.request_id is not UNSET:
            details.append(f"request_id {shown(self.request_id)}")
        text = (
            f"step {self.number} of {self.total} ({self.kind}{', ' if details else ''}{', '.join(details)})"
        )
        return f"{text}: {self.title}" if self.title else text


@dataclass
class Report:
    """The text of a `StepFailure`."""

    scenario: str
    place: StepPlace
    problem: Problem
    received: dict[str, list[Any]] = field(default_factory=dict)

    def text(self) -> str:
        """The report, one fact a line."""
        lines = [f"scenario {self.scenario!r}, {self.place}", f"  {self.problem.what}"]
        if self.problem.expected is not UNSET:
            lines.append(f"  expected: {shown(self.problem.expected)}")
        if self.problem.arrived is not UNSET:
            lines.append(f"  arrived:  {shown(self.problem.arrived)}")
        if self.problem.mismatches:
            lines.append("  differences:")
            lines += [f"    {mismatch}" for mismatch in self.problem.mismatches]
        for name, frames in self.received.items():
            lines.append(f"  frames received so far on {name!r} ({len(frames)}):")
            first = max(0, len(frames) - _SHOWN_FRAMES)
            if first:
                lines.append(f"    … {first} earlier frames")
            lines += [
                f"    {index}. {shown(frame)}" for index, frame in enumerate(frames[first:], start=first + 1)
            ]
            if not frames:
                lines.append("    (none)")
        return "\n".join(lines)
