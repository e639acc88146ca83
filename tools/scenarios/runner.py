"""Running a scenario: its steps in order, then a last look for answers nobody expected."""

from __future__ import annotations

from typing import Any

from tools.scenarios.context import Run, Target
from tools.scenarios.failures import UNSET, Problem, Report, StepFailure, StepPlace
from tools.scenarios.matching import shown
from tools.scenarios.model import Scenario, step_kind
from tools.scenarios.steps import RUNNERS, request_id_of
from tools.scenarios.variables import UnknownVariable


def _place(run: Run, number: int, step: dict[str, Any]) -> StepPlace:
    kind = step_kind(step)
    options = step[kind] if isinstance(step[kind], dict) else {}
    connection = step.get("on") or options.get("on")
    if kind in ("connect", "close"):
        connection = step[kind]
    elif kind in ("send", "send_text", "expect_unsolicited", "expect_silence", "expect_close"):
        connection = connection or run.scenario.first_connection
    request_id: Any = UNSET
    if kind == "send":
        request_id = request_id_of(step["send"])
    elif kind == "expect_unsolicited":
        request_id = None
    return StepPlace(
        number=number,
        total=len(run.scenario.steps),
        kind=kind,
        connection=connection,
        request_id=request_id,
        title=step.get("title") or step.get("example"),
    )


def _leftovers(run: Run) -> None:
    """Frames answering an awaited request_id that arrived after its step: one fails the run."""
    for connection in run.connections.values():
        if connection.is_open and connection.closed is None:
            connection.receive_all(0)
        late = [frame for frame in connection.inbox if frame.get("request_id") in run.awaited - {None}]
        if late:
            raise Problem(
                f"{len(late)} frame(s) on {connection.name!r} answer request_id "
                f"{shown(late[0].get('request_id'))} after its step had all the frames it expected",
                arrived=late,
                connection=connection.name,
            )


def _substituted(run: Run, written: dict[str, Any]) -> dict[str, Any]:
    """``written`` with ``${name}`` replaced; expected frames are left for `check_frame`, frame by
    frame, so a frame may use what the one before it captured."""
    step: dict[str, Any] = run.variables.substituted(
        {key: value for key, value in written.items() if key != "expect"}
    )
    if "expect" in written:
        step["expect"] = written["expect"]
    if "expect_unsolicited" in written:
        step["expect_unsolicited"]["frames"] = written["expect_unsolicited"]["frames"]
    return step


def run_scenario(scenario: Scenario, target: Target) -> None:
    """Run ``scenario`` against ``target``; `StepFailure` with the whole report if a step fails."""
    run = Run(scenario=scenario, target=target)
    total = len(scenario.steps)
    place = StepPlace(number=total, total=total, kind="end of the scenario")
    try:
        for number, written in enumerate(scenario.steps, start=1):
            place = _place(run, number, written)
            step = _substituted(run, written)
            kind = step_kind(step)
            RUNNERS[kind](run, step, float(step.get("timeout", scenario.timeout)))
        place = StepPlace(number=total, total=total, kind="end of the scenario")
        _leftovers(run)
    except UnknownVariable as error:
        report = Report(scenario.name, place, Problem(str(error)), {})
        raise StepFailure(report.text()) from None
    except Problem as problem:
        received = run.received(problem.connection or place.connection)
        raise StepFailure(Report(scenario.name, place, problem, received).text()) from None
    finally:
        run.close_all()
