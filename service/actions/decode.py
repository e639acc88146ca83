"""Decoding a client's text frame into a generated request struct, or a precise error.

The fast path decodes straight into the tagged union of requests. Only when that fails is the
frame decoded again, loosely, to tell the client exactly what is wrong and to keep its
``request_id`` when one can be read.
"""

from __future__ import annotations

import re
from typing import Any, cast

import msgspec

from generated import ws_messages as wire
from service import spec
from service.actions.money import amount_of
from service.errors import BadInput, InvalidFrame, InvalidJson, UnknownAction, ValidationFailed

SUPPORTED_ACTIONS: list[str] = [action.value for action in wire.ActionName]

_requests = msgspec.json.Decoder(wire.ClientFrame)
_anything = msgspec.json.Decoder()
_MAX_REQUEST_ID = spec.REQUEST_ID.high


class RejectedFrame(Exception):
    """A frame that cannot be handled: the error to report and the request id to keep."""

    def __init__(self, error: BadInput, request_id: str | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.request_id = request_id


def decode_request(data: str | bytes) -> wire.ClientFrame:
    """The request in ``data``; raises :class:`RejectedFrame` for anything else."""
    try:
        request = cast(wire.ClientFrame, _requests.decode(data))
    except msgspec.ValidationError:
        request = _decode_slowly(data)
    except msgspec.DecodeError as exc:
        raise RejectedFrame(InvalidJson(f"Frame is not valid JSON: {exc}"), None) from None
    except RecursionError:
        raise RejectedFrame(TOO_DEEP, peek_request_id(data)) from None
    if isinstance(request, wire.CreateOrderRequest) and isinstance(request.payload.amount, str):
        try:
            amount_of(request.payload.amount, pointer="/payload/amount")
        except ValidationFailed as bad:
            request_id = request.request_id if isinstance(request.request_id, str) else None
            raise RejectedFrame(bad, request_id) from None
    return request


def integral_floats_as_ints(value: Any) -> Any:
    """``1.0`` → ``1`` throughout: JSON Schema counts ``1.0`` as an integer, msgspec does not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [integral_floats_as_ints(item) for item in value]
    return value


def _decode_slowly(data: str | bytes) -> wire.ClientFrame:
    try:
        value: Any = _anything.decode(data)
    except msgspec.DecodeError as decode_error:
        raise RejectedFrame(InvalidJson(f"Frame is not valid JSON: {decode_error}"), None) from None
    except RecursionError:
        raise RejectedFrame(TOO_DEEP, peek_request_id(data)) from None
    try:
        return cast(wire.ClientFrame, msgspec.convert(integral_floats_as_ints(value), wire.ClientFrame))
    except msgspec.ValidationError as exc:
        raise _explain(value, exc) from None
    except RecursionError:
        raise RejectedFrame(TOO_DEEP, peek_request_id(data)) from None


TOO_DEEP = ValidationFailed(
    "The frame is nested too deeply to be read (a few hundred levels at most)", pointer="/"
)
"""JSON nested deeper than the decoder's recursion allows: answered, never a crash."""


def _explain(value: Any, exc: msgspec.ValidationError) -> RejectedFrame:
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        return RejectedFrame(InvalidFrame(f"A frame must be a JSON object, got {kind}"), None)
    request_id = value.get("request_id")
    if not isinstance(request_id, str) or len(request_id) > _MAX_REQUEST_ID:
        request_id = None
    action = value.get("action")
    if not isinstance(action, str):
        problem = "missing" if action is None else "not a string"
        error = ValidationFailed(f"Field 'action' is {problem} at /action", pointer="/action")
        return RejectedFrame(error, request_id)
    if action not in SUPPORTED_ACTIONS:
        return RejectedFrame(UnknownAction(action, supported=SUPPORTED_ACTIONS), request_id)
    return RejectedFrame(validation_error(str(exc)), request_id)


_LOCATION = re.compile(r"^(?P<what>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_FIELD = re.compile(r"(?:missing required|unknown) field `(?P<name>.*)`$", re.DOTALL)
_STEP = re.compile(
    r"\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>\d+)\]|\[(?P<quoted>\"(?:[^\"\\]|\\.)*\")\]|(?P<hidden>\[\.\.\.\])"
)


def validation_error(message: str) -> ValidationFailed:
    """A msgspec validation message as a :class:`ValidationFailed` naming a JSON pointer."""
    match = _LOCATION.match(message)
    what = match.group("what") if match else message
    steps = _path_steps(match.group("path") if match and match.group("path") else "$")
    field = _FIELD.search(what)
    if field:
        steps.append(field.group("name"))
    pointer = "".join("/" + step.replace("~", "~0").replace("/", "~1") for step in steps)
    pointer = pointer or "/"
    return ValidationFailed(f"{what} at {pointer}", pointer=pointer)


def _path_steps(path: str) -> list[str]:
    steps: list[str] = []
    for step in _STEP.finditer(path[1:]):
        if step.group("hidden") is not None:
            break  # msgspec does not name dict keys: point at the object that holds them
        if step.group("name") is not None:
            steps.append(step.group("name"))
        elif step.group("index") is not None:
            steps.append(step.group("index"))
        else:
            steps.append(msgspec.json.decode(step.group("quoted"), type=str))
    return steps


class _RequestIdOnly(msgspec.Struct):
    request_id: str | None = None


_request_id_only = msgspec.json.Decoder(_RequestIdOnly)


def peek_request_id(data: str | bytes) -> str | None:
    """The frame's ``request_id`` if it is cheaply readable, for answers that skip decoding."""
    try:
        request_id = _request_id_only.decode(data).request_id
    except (msgspec.DecodeError, RecursionError):
        return None
    return request_id if request_id is not None and len(request_id) <= _MAX_REQUEST_ID else None
