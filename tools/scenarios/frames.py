"""Checking frames against a step's expectations, in order, for one request_id."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from tools.scenarios.connection import Connection
from tools.scenarios.context import Run
from tools.scenarios.failures import Problem
from tools.scenarios.matching import mismatches, shown
from tools.specs import ContractError, frame_contract


def conforms(name: str, frame: Any) -> None:
    """Raise `Problem` unless ``frame`` conforms to the AsyncAPI message or schema ``name``."""
    contract = frame_contract()
    messages = contract.schemas.document["components"]["messages"]
    try:
        if name in messages:
            contract.check_message(name, frame)
        elif name in contract.schemas.names():
            contract.schemas.check(name, frame, what="frame")
        else:
            raise Problem(
                f"conforms: asyncapi.yaml has no message or schema {name!r} "
                f"(messages: {', '.join(sorted(messages))})"
            )
    except ContractError as error:
        raise Problem(f"the frame does not conform to {name}:\n{error}", arrived=frame) from error


def check_frame(run: Run, expectation: dict[str, Any], frame: Any, label: str) -> None:
    """Raise `Problem` unless ``frame`` meets ``expectation``; then keep its captures."""
    expected = run.variables.substituted(expectation)
    if "type" in expected and frame.get("type") != expected["type"]:
        raise Problem(
            f"{label}: expected a frame of type {expected['type']!r}, arrived type {frame.get('type')!r}",
            expected=expected,
            arrived=frame,
        )
    for key, exact in (("match", False), ("frame", True)):
        if key in expected:
            found = mismatches(expected[key], frame, exact=exact, stand_ins=run.stand_ins)
            if found:
                what = "is not the expected frame" if exact else "does not match"
                raise Problem(f"{label} {what}", expected=expected, arrived=frame, mismatches=found)
    if "conforms" in expected:
        conforms(expected["conforms"], frame)
    if "capture" in expected:
        try:
            run.variables.capture(expected["capture"], frame)
        except LookupError as error:
            raise Problem(f"{label}: cannot capture: {error}", arrived=frame) from error


def expect_frames(
    run: Run,
    connection: Connection,
    request_id: Any,
    expectations: Sequence[dict[str, Any]],
    timeout: float,
) -> list[Any]:
    """The frames answering ``request_id`` on ``connection``, each checked against its expectation."""
    deadline = time.monotonic() + timeout
    answering = "unsolicited (request_id null)" if request_id is None else f"answering {shown(request_id)}"
    taken: list[Any] = []
    for number, expectation in enumerate(expectations, start=1):
        label = f"frame {number} of {len(expectations)} {answering}"
        try:
            frame = connection.take(request_id, deadline)
        except TimeoutError:
            raise Problem(
                f"timed out after {timeout:g} s waiting for {label}; "
                f"{len(taken)} of {len(expectations)} arrived: {shown(taken)}",
                expected=run.variables.substituted(expectation),
            ) from None
        taken.append(frame)
        check_frame(run, expectation, frame, label)
    return taken


def no_more_answers(connection: Connection, request_id: Any, expected: int) -> None:
    """Raise `Problem` if a frame answering ``request_id`` is already waiting past the expected ones."""
    connection.receive_all(0)
    extra = [frame for frame in connection.inbox if frame.get("request_id") == request_id]
    if extra:
        raise Problem(
            f"{len(extra)} more frame(s) answer {shown(request_id)} than the {expected} expected",
            arrived=extra[0],
        )
