"""One function per kind of step. Each raises `Problem` when the service does not do what the
step expects; `tools.scenarios.runner` says which step it was."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tools.scenarios.connection import Refused
from tools.scenarios.context import Run
from tools.scenarios.failures import Problem
from tools.scenarios.frames import check_frame, expect_frames, no_more_answers
from tools.scenarios.matching import mismatches
from tools.scenarios.rest import call
from tools.specs import ContractError, frame_contract

DEFAULT_SILENCE = 0.3


def request_id_of(frame: Any) -> Any:
    """The ``request_id`` the answers to ``frame`` carry (``None`` when it has none)."""
    return frame.get("request_id") if isinstance(frame, dict) else None


def connect(run: Run, step: dict[str, Any], timeout: float) -> None:
    """Open the connection; or, with ``refused``, see the handshake refused as expected."""
    connection = run.connection(step["connect"])
    if connection.is_open:
        raise Problem(f"connection {step['connect']!r} is open already")
    refused = step.get("refused")
    try:
        connection.open(timeout)
    except Refused as refusal:
        if refused is None:
            raise Problem(
                f"the handshake was refused with HTTP {refusal.status}",
                arrived=refusal.body.decode("utf-8", "replace"),
            ) from refusal
        _check_refusal(run, refused, refusal)
        return
    if refused is not None:
        raise Problem(f"the handshake was accepted; expected HTTP {refused['status']}", expected=refused)


def _check_refusal(run: Run, refused: dict[str, Any], refusal: Refused) -> None:
    text = refusal.body.decode("utf-8", "replace")
    if refusal.status != refused["status"]:
        raise Problem(f"the handshake was refused with HTTP {refusal.status}", expected=refused, arrived=text)
    if "match" in refused:
        try:
            body = json.loads(text)
        except json.JSONDecodeError:
            raise Problem("the refusal's body is not JSON", expected=refused, arrived=text) from None
        found = mismatches(refused["match"], body, exact=False, stand_ins=run.stand_ins)
        if found:
            raise Problem(
                "the refusal's body does not match", expected=refused, arrived=body, mismatches=found
            )


def send(run: Run, step: dict[str, Any], timeout: float) -> None:
    """Send a frame (``send``: JSON, ``send_text``: as written) and check the frames answering it."""
    connection = run.opened(step.get("on"), timeout)
    if "send" in step:
        sent: Any = step["send"]
        text = json.dumps(sent, ensure_ascii=False)
    else:
        text = step["send_text"]
        try:
            sent = json.loads(text)
        except json.JSONDecodeError:
            sent = None
    request_id = request_id_of(sent)
    connection.send_text(text)
    expectations = step.get("expect")
    if expectations is None:
        return
    run.awaited.add(request_id)
    answers = expect_frames(run, connection, request_id, expectations, timeout)
    no_more_answers(connection, request_id, len(expectations))
    if answers and answers[0].get("type") == "ack":
        try:
            frame_contract().check_client_frame(sent)
        except ContractError as error:
            raise Problem(f"the service acknowledged a frame asyncapi.yaml refuses:\n{error}") from error


def expect_unsolicited(run: Run, step: dict[str, Any], timeout: float) -> None:
    """The frames with ``request_id: null``, in order."""
    options = step["expect_unsolicited"]
    connection = run.opened(options.get("on"), timeout)
    expect_frames(run, connection, None, options["frames"], timeout)


def expect_silence(run: Run, step: dict[str, Any], timeout: float) -> None:
    """No frame arrives (and none is left unread) for the step's seconds."""
    options = step["expect_silence"]
    connection = run.opened(options.get("on"), timeout)
    seconds = options.get("seconds", DEFAULT_SILENCE)
    connection.receive_all(seconds)
    if connection.inbox:
        raise Problem(
            f"expected no frame for {seconds:g} s; {len(connection.inbox)} arrived (or were left unread)",
            arrived=connection.inbox,
        )


def rest(run: Run, step: dict[str, Any], timeout: float) -> None:
    """An HTTP call, its status and body checked, its captures kept."""
    call(run, step["rest"], timeout)


def wait(run: Run, step: dict[str, Any], timeout: float) -> None:
    """Pause."""
    time.sleep(step["wait"])


def close(run: Run, step: dict[str, Any], timeout: float) -> None:
    """The client closes the connection."""
    run.opened(step["close"], timeout).close(step.get("code", 1000))


def expect_close(run: Run, step: dict[str, Any], timeout: float) -> None:
    """The server closes the connection with the expected code (and reason)."""
    options = step["expect_close"]
    connection = run.opened(options.get("on"), timeout)
    try:
        closed = connection.wait_close(time.monotonic() + timeout)
    except TimeoutError:
        raise Problem(f"the connection was not closed within {timeout:g} s", expected=options) from None
    arrived = {"code": closed.code, "reason": closed.reason}
    if closed.code != options["code"] or options.get("reason", "") not in closed.reason:
        raise Problem(f"the connection was closed with code {closed.code}", expected=options, arrived=arrived)


RUNNERS: dict[str, Callable[[Run, dict[str, Any], float], None]] = {
    "connect": connect,
    "send": send,
    "send_text": send,
    "expect_unsolicited": expect_unsolicited,
    "expect_silence": expect_silence,
    "rest": rest,
    "wait": wait,
    "close": close,
    "expect_close": expect_close,
}
"""The function that runs each kind of step."""

__all__ = ["RUNNERS", "check_frame", "request_id_of"]
