"""The one place where errors become HTTP responses: RFC 9457 problems.

A :class:`~service.errors.ServiceError` keeps its own status and code; Litestar's own HTTP
errors (unknown path, wrong method, body too large) are mapped to the spec's codes; anything
else is a 500 ``internal_error`` whose details go to the log, never to the client.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException

from generated import rest_models as rest
from service.errors import ServiceError, ValidationFailed

log = logging.getLogger("service.transport")

PROBLEM_JSON = "application/problem+json"

_CODES_BY_STATUS = {
    400: rest.Code.validation_error,
    404: rest.Code.not_found,
    405: rest.Code.method_not_allowed,
    413: rest.Code.payload_too_large,
    414: rest.Code.uri_too_long,
    415: rest.Code.unsupported_media_type,
    503: rest.Code.storage_unavailable,
}


def problem_body(status: int, code: str, detail: str, *, pointer: str | None = None) -> bytes:
    """An RFC 9457 problem as JSON bytes; with ``pointer``, one field error naming it."""
    errors = [rest.FieldError(pointer=pointer, message=detail)] if pointer else None
    return _encode(status, rest.Code(code), detail, errors)


def problem(
    status: int,
    code: rest.Code,
    detail: str,
    *,
    errors: list[rest.FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    return Response(
        _encode(status, code, detail, errors), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _encode(status: int, code: rest.Code, detail: str, errors: list[rest.FieldError] | None) -> bytes:
    body = rest.Problem(
        type="about:blank",
        title=HTTPStatus(status).phrase,
        status=status,
        code=code,
        detail=detail,
        errors=errors if errors else msgspec.UNSET,
    )
    return msgspec.json.encode(body)


def service_error_response(_: Request[Any, Any, Any], exc: ServiceError) -> Response[bytes]:
    errors = None
    if isinstance(exc, ValidationFailed):
        errors = [rest.FieldError(pointer=exc.pointer, message=exc.message)]
    return problem(
        exc.http_status, rest.Code(exc.code), exc.message, errors=errors, headers=exc.headers or None
    )


def http_error_response(_: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    fallback = rest.Code.internal_error if status >= 500 else rest.Code.validation_error
    code = _CODES_BY_STATUS.get(status, fallback)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else HTTPStatus(status).phrase
    return problem(status, code, detail, headers=dict(exc.headers or {}))


def unexpected_error_response(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.exception(
        "unhandled error on %s %s", request.method, request.url.path, extra={"event.action": "http.error"}
    )
    return problem(500, rest.Code.internal_error, "The service failed to handle this request")


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    ServiceError: service_error_response,
    HTTPException: http_error_response,
    Exception: unexpected_error_response,
}
