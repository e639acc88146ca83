"""Reading REST parameters and bodies against the spec, with errors that name the field."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from litestar import Request

from service.actions.decode import BODY, InputDecoder
from service.errors import UnsupportedMediaType, ValidationFailed
from service.spec import Bounds

T = TypeVar("T")


def int_param(raw: str | None, *, pointer: str, bounds: Bounds, default: int | None = None) -> int:
    """A whole number within ``bounds`` from a query or path parameter."""
    if raw is None:
        if default is None:
            raise ValidationFailed(f"Parameter {pointer} is required", pointer=pointer)
        return default
    digits = raw[1:] if raw[:1] in "+-" else raw
    # The digit cap keeps int() cheap on hostile input; it never refuses a number within bounds.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > max(12, len(str(bounds.high))):
        raise ValidationFailed(
            f"Parameter {pointer} must be a whole number, got {raw[:40]!r}", pointer=pointer
        )
    value = int(raw)
    if not bounds.low <= value <= bounds.high:
        raise ValidationFailed(
            f"Parameter {pointer} must be between {bounds.low} and {bounds.high}, got {value}",
            pointer=pointer,
        )
    return value


def str_param(raw: str | None, *, pointer: str, length: Bounds, required: bool) -> str | None:
    """A string whose length is within ``length`` from a query parameter."""
    if raw is None:
        if required:
            raise ValidationFailed(f"Parameter {pointer} is required", pointer=pointer)
        return None
    if not length.low <= len(raw) <= length.high:
        raise ValidationFailed(
            f"Parameter {pointer} must be {length.low}-{length.high} characters long", pointer=pointer
        )
    return raw


def single(request: Request[Any, Any, Any], name: str) -> str | None:
    """A query parameter given at most once."""
    values = request.query_params.getall(name, [])
    if len(values) > 1:
        raise ValidationFailed(f"Parameter /query/{name} is given more than once", pointer=f"/query/{name}")
    return values[0] if values else None


_BODY_DECODERS: dict[type[Any], InputDecoder[Any]] = {}


async def json_body(request: Request[Any, Any, Any], into: type[T]) -> T:
    """The request body decoded into a generated struct; 415 unless it is JSON."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(f"The body must be application/json, got {media_type or 'nothing'!r}")
    decoder = _BODY_DECODERS.get(into)
    if decoder is None:
        decoder = _BODY_DECODERS[into] = InputDecoder(into, source=BODY)
    return cast(T, decoder.decode(await request.body()))
