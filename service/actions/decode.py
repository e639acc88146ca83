"""Decoding client input — a WebSocket text frame, a REST body — into a generated type.

:class:`InputDecoder` decodes straight into the type. Only when that fails is the input decoded
again, loosely, to say exactly what is wrong: ``invalid_json``, or ``validation_error`` naming
the field by JSON pointer. ``1.0`` counts as an integer (as in JSON Schema), every ``pattern`` is
matched whole (see :mod:`service.actions.patterns`), and JSON that nests deeper than the spec's
``NestingDepth`` is a ``validation_error`` before anything else is read (see
:mod:`service.actions.nesting`). The WebSocket adds what only a
frame has (``invalid_frame``, ``unknown_action``, the ``request_id`` to keep) in
:func:`decode_request`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import msgspec

from generated import ws_messages as wire
from service import spec
from service.actions.nesting import nests_deeper, too_deep_at
from service.actions.patterns import WholePatterns
from service.errors import BadInput, InvalidFrame, InvalidJson, UnknownAction, ValidationFailed

T = TypeVar("T")

SUPPORTED_ACTIONS: list[str] = [action.value for action in wire.ActionName]

_anything = msgspec.json.Decoder()
_MAX_REQUEST_ID = spec.REQUEST_ID.high
MAX_NESTING = spec.NESTING_DEPTH.high


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """What an :class:`InputDecoder` reads, as its errors name it."""

    not_json: str
    """How an ``invalid_json`` message starts."""
    too_deep: str
    """How the ``validation_error`` message for JSON nested past ``MAX_NESTING`` starts."""
    pointer_prefix: str = ""
    """Where the input sits in the request: pointers are ``/body/...`` for a REST body."""


FRAME = Source(
    not_json="Frame is not valid JSON",
    too_deep=f"The frame nests objects and arrays deeper than {MAX_NESTING} levels",
)
BODY = Source(
    not_json="The body is not valid JSON",
    too_deep=f"The body nests objects and arrays deeper than {MAX_NESTING} levels",
    pointer_prefix="/body",
)

Explain = Callable[[Any, ValidationFailed], Exception]
"""Given the loosely decoded value and the located error, the exception to raise instead."""


class InputDecoder(Generic[T]):
    """JSON into one generated type, or :class:`InvalidJson` / :class:`ValidationFailed`.

    One per type, made once: the fast decoder is built here, and looking one up by a union type
    on every frame would cost twice the decoding itself.
    """

    def __init__(self, into: type[T] | Any, *, source: Source, explain: Explain | None = None) -> None:
        self._into = into
        self._fast: msgspec.json.Decoder[T] = msgspec.json.Decoder(into)
        self._patterns = WholePatterns(into)
        self._source = source
        self._explain = explain

    def decode(self, data: str | bytes) -> T:
        """``data`` as the type; raises an error naming what is wrong, and where."""
        try:
            decoded = self._fast.decode(data)
        except msgspec.ValidationError:
            pass  # maybe only 1.0 for an integer; decode loosely to tell
        except (msgspec.DecodeError, UnicodeError) as exc:
            raise self._not_json(exc) from None
        except RecursionError:
            raise self._too_deep([]) from None
        else:
            if nests_deeper(data, MAX_NESTING):
                raise self._too_deep(too_deep_at(decoded, MAX_NESTING))
            self._patterns.check(decoded, pointer_prefix=self._source.pointer_prefix)
            return decoded
        try:
            value: Any = _anything.decode(data)
        except (msgspec.DecodeError, UnicodeError) as exc:
            raise self._not_json(exc) from None
        except RecursionError:
            raise self._too_deep([]) from None
        if nests_deeper(data, MAX_NESTING):  # first: past the limit nothing else is judged
            raise self._too_deep(too_deep_at(value, MAX_NESTING))
        try:
            converted = cast(T, msgspec.convert(integral_floats_as_ints(value), self._into))
        except msgspec.ValidationError as exc:
            error = validation_error(str(exc), pointer_prefix=self._source.pointer_prefix)
            raise (error if self._explain is None else self._explain(value, error)) from None
        self._patterns.check(converted, pointer_prefix=self._source.pointer_prefix)
        return converted

    def _too_deep(self, steps: list[str] | None) -> ValidationFailed:
        """Past ``MAX_NESTING`` at ``steps``; named at the root when too deep to read at all."""
        pointer = json_pointer(steps or [], prefix=self._source.pointer_prefix)
        return ValidationFailed(f"{self._source.too_deep} at {pointer}", pointer=pointer)

    def _not_json(self, exc: Exception) -> InvalidJson:
        if isinstance(exc, UnicodeError):
            # JSON text is UTF-8 (RFC 8259); msgspec finds out only when it reads a string.
            reason = getattr(exc, "reason", "")
            return InvalidJson(f"{self._source.not_json}: its text is not UTF-8 ({reason})")
        return InvalidJson(f"{self._source.not_json}: {exc}")


def integral_floats_as_ints(value: Any) -> Any:
    """``1.0`` → ``1`` throughout: JSON Schema counts ``1.0`` as an integer, msgspec does not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [integral_floats_as_ints(item) for item in value]
    return value


class RejectedFrame(Exception):
    """A frame that cannot be handled: the error to report and the request id to keep."""

    def __init__(self, error: BadInput, request_id: str | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.request_id = request_id


def _explain(value: Any, error: ValidationFailed) -> RejectedFrame:
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        return RejectedFrame(InvalidFrame(f"A frame must be a JSON object, got {kind}"), None)
    request_id = value.get("request_id")
    if not isinstance(request_id, str) or len(request_id) > _MAX_REQUEST_ID:
        request_id = None
    action = value.get("action")
    if not isinstance(action, str):
        problem = "missing" if action is None else "not a string"
        missing = ValidationFailed(f"Field 'action' is {problem} at /action", pointer="/action")
        return RejectedFrame(missing, request_id)
    if action not in SUPPORTED_ACTIONS:
        return RejectedFrame(UnknownAction(action, supported=SUPPORTED_ACTIONS), request_id)
    return RejectedFrame(error, request_id)


_frames: InputDecoder[wire.ClientFrame] = InputDecoder(wire.ClientFrame, source=FRAME, explain=_explain)


def decode_request(data: str | bytes) -> wire.ClientFrame:
    """The request in ``data``; raises :class:`RejectedFrame` for anything else."""
    try:
        return _frames.decode(data)
    except InvalidJson as bad:
        raise RejectedFrame(bad, None) from None
    except ValidationFailed as bad:  # too deep, or a pattern matched in part: no struct to keep
        raise RejectedFrame(bad, peek_request_id(data)) from None


_LOCATION = re.compile(r"^(?P<what>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_FIELD = re.compile(r"(?:missing required|unknown) field `(?P<name>.*)`$", re.DOTALL)
_STEP = re.compile(
    r"\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>\d+)\]|\[(?P<quoted>\"(?:[^\"\\]|\\.)*\")\]|(?P<hidden>\[\.\.\.\])"
)


def validation_error(message: str, *, pointer_prefix: str = "") -> ValidationFailed:
    """A msgspec validation message as a :class:`ValidationFailed` naming a JSON pointer.

    ``pointer_prefix`` places the decoded value in the request (``/body``): ``$`` is the prefix.
    """
    match = _LOCATION.match(message)
    what = match.group("what") if match else message
    steps = _path_steps(match.group("path") if match and match.group("path") else "$")
    field = _FIELD.search(what)
    if field:
        steps.append(field.group("name"))
    pointer = json_pointer(steps, prefix=pointer_prefix)
    return ValidationFailed(f"{what} at {pointer}", pointer=pointer)


def json_pointer(steps: list[str], *, prefix: str = "") -> str:
    """The JSON pointer of ``steps`` below ``prefix``; ``/`` for the whole of a frame."""
    pointer = "".join("/" + step.replace("~", "~0").replace("/", "~1") for step in steps)
    return prefix + pointer if pointer else prefix or "/"


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
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        return None
    return request_id if request_id is not None and len(request_id) <= _MAX_REQUEST_ID else None
