"""Reading REST parameters and bodies against the spec, with errors that name the field."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request

from service.actions.decode import integral_floats_as_ints, validation_error
from service.errors import InvalidJson, UnsupportedMediaType, ValidationFailed

T = TypeVar("T")


def int_param(raw: str | None, *, pointer: str, low: int, high: int, default: int | None = None) -> int:
    """A whole number in ``[low, high]`` from a query or path parameter."""
    if raw is None:
        if default is None:
            raise ValidationFailed(f"Parameter {pointer} is required", pointer=pointer)
        return default
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        raise ValidationFailed(
            f"Parameter {pointer} must be a whole number, got {raw[:40]!r}", pointer=pointer
        )
    value = int(raw)
    if not low <= value <= high:
        raise ValidationFailed(
            f"Parameter {pointer} must be between {low} and {high}, got {value}", pointer=pointer
        )
    return value


def str_param(raw: str | None, *, pointer: str, max_length: int, required: bool) -> str | None:
    if raw is None:
        if required:
            raise ValidationFailed(f"Parameter {pointer} is required", pointer=pointer)
        return None
    if not 1 <= len(raw) <= max_length:
        raise ValidationFailed(f"Parameter {pointer} must be 1-{max_length} characters long", pointer=pointer)
    return raw


def single(request: Request[Any, Any, Any], name: str) -> str | None:
    """A query parameter given at most once."""
    values = request.query_params.getall(name, [])
    if len(values) > 1:
        raise ValidationFailed(f"Parameter /query/{name} is given more than once", pointer=f"/query/{name}")
    return values[0] if values else None


async def json_body(request: Request[Any, Any, Any], into: type[T]) -> T:
    """The request body decoded into a generated struct; 415 unless it is JSON."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(f"The body must be application/json, got {media_type or 'nothing'!r}")
    body = await request.body()
    try:
        return msgspec.json.decode(body, type=into)
    except msgspec.ValidationError:
        pass  # maybe only 1.0 for an integer; decode again to tell
    except msgspec.DecodeError as exc:
        raise InvalidJson(f"The body is not valid JSON: {exc}") from None
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise InvalidJson(f"The body is not valid JSON: {exc}") from None
    try:
        return msgspec.convert(integral_floats_as_ints(value), into)
    except msgspec.ValidationError as exc:
        error = validation_error(str(exc))
        pointer = "/body" + (error.pointer if error.pointer != "/" else "")
        message = error.message.rsplit(" at ", 1)[0] + f" at {pointer}"
        raise ValidationFailed(message, pointer=pointer) from None
