"""Every error the service reports, in one tree.

Each class carries its wire ``code`` (the ``error`` frame's ``code`` and the problem's ``code``)
and its HTTP status. The transport maps these in one place (``service.transport.problems`` for
REST, ``service.actions.frames.error_frame`` for WebSocket); nothing else decides a status.

    ServiceError
    ├── BadInput                     400 — the client sent something wrong
    │   ├── InvalidJson              invalid_json
    │   ├── InvalidFrame             invalid_frame
    │   ├── ValidationFailed         validation_error (names the field by JSON pointer)
    │   ├── UnknownAction            unknown_action
    │   └── FaultsDisabled           faults_disabled (FAULTS=off: no simulate, fault parameter, Prefer)
    ├── UnsupportedMediaType         415 unsupported_media_type (REST only)
    ├── OrderNotFound                404 order_not_found
    ├── TraceNotFound                404 trace_not_found (REST only)
    ├── InvalidTransition            409 invalid_transition
    ├── RateLimited                  429 rate_limited (WebSocket only)
    ├── HandshakeRefused             the WebSocket handshake is refused (400, 403 or 503)
    ├── UpgradeRequired              426 upgrade_required: plain HTTP to the WebSocket endpoint
    ├── SimulatedFailure             the code a request's ``simulate.fail`` asked for (WebSocket only)
    └── StorageUnavailable           503 storage_unavailable (REST: with Retry-After)
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of every error a client may see."""

    code = "internal_error"
    http_status = 500
    headers: dict[str, str] = {}  # noqa: RUF012 - read only: HTTP headers the answer must carry

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadInput(ServiceError):
    """The client sent something the contract does not allow."""

    code = "validation_error"
    http_status = 400


class InvalidJson(BadInput):
    """A text frame or body that is not JSON."""

    code = "invalid_json"


class InvalidFrame(BadInput):
    """A JSON value that is not an object, or a binary frame."""

    code = "invalid_frame"


class ValidationFailed(BadInput):
    """A field is missing or does not match its schema; ``pointer`` names it."""

    code = "validation_error"

    def __init__(self, message: str, *, pointer: str) -> None:
        super().__init__(message, details={"pointer": pointer})
        self.pointer = pointer


class UnknownAction(BadInput):
    """An ``action`` the service does not know."""

    code = "unknown_action"

    def __init__(self, action: str, *, supported: list[str]) -> None:
        super().__init__(
            f"Unknown action {action!r}; supported: {', '.join(supported)}",
            details={"supported_actions": supported},
        )


class FaultsDisabled(BadInput):
    """A request for a fault on a service that runs with ``FAULTS=off``."""

    code = "faults_disabled"

    def __init__(self, what: str) -> None:
        super().__init__(f"This service injects no faults (FAULTS=off); {what} is not accepted")


class SimulatedFailure(ServiceError):
    """The error a request's ``simulate.fail`` asked for; nothing was changed."""

    _DETAILS: dict[str, dict[str, Any]] = {"rate_limited": {"retry_after_ms": 1000}}  # noqa: RUF012

    def __init__(self, code: str) -> None:
        super().__init__(
            f"Simulated failure ({code}), as simulate.fail asked; nothing was changed",
            details={**self._DETAILS.get(code, {}), "simulated": True},
        )
        self.code = code


class UnsupportedMediaType(ServiceError):
    """A REST body that is not ``application/json``."""

    code = "unsupported_media_type"
    http_status = 415


class OrderNotFound(ServiceError):
    """No order has that id."""

    code = "order_not_found"
    http_status = 404

    def __init__(self, order_id: int) -> None:
        super().__init__(f"Order {order_id} does not exist", details={"id": order_id})
        self.order_id = order_id


class TraceNotFound(ServiceError):
    """No request with that ``request_id`` is kept for ``GET /trace``."""

    code = "trace_not_found"
    http_status = 404

    def __init__(self, request_id: str) -> None:
        super().__init__(
            f"No request with request_id {request_id!r} is kept (never seen, not traced past"
            " TRACE_PER_SECOND requests a second, or older than the trace bounds)"
        )


class InvalidTransition(ServiceError):
    """The status machine does not allow this change; nothing was changed."""

    code = "invalid_transition"
    http_status = 409

    def __init__(self, order_id: int, *, current: str, requested: str, allowed: list[str]) -> None:
        super().__init__(
            f"Order {order_id} cannot go from {current!r} to {requested!r}"
            + (f"; allowed: {', '.join(allowed)}" if allowed else "; it is final"),
            details={"id": order_id, "from": current, "to": requested, "allowed": allowed},
        )


class RateLimited(ServiceError):
    """A client sends faster than its limit; ``retry_after_ms`` says when it may again."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, retry_after: float) -> None:
        retry_after_ms = max(1, round(retry_after * 1000))
        super().__init__(
            f"Too many frames; try again in {retry_after_ms} ms", details={"retry_after_ms": retry_after_ms}
        )


class HandshakeRefused(ServiceError):
    """A WebSocket handshake the service will not accept; ``code`` is the refusal reason."""

    def __init__(self, message: str, *, code: str, http_status: int, pointer: str | None = None) -> None:
        super().__init__(message, details={"pointer": pointer} if pointer else None)
        self.code = code
        self.http_status = http_status
        self.pointer = pointer


class UpgradeRequired(ServiceError):
    """A plain HTTP request to the WebSocket endpoint."""

    code = "upgrade_required"
    http_status = 426
    headers = {"Upgrade": "websocket", "Connection": "Upgrade"}  # noqa: RUF012

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path} is a WebSocket endpoint: connect with a WebSocket client to ws://HOST:PORT{path}?channel=NAME"
        )


RETRY_AFTER_SECONDS = 1
"""A REST 503's ``Retry-After``: a store call after that long tries the store again."""


class StorageUnavailable(ServiceError):
    """The order store cannot be reached. The message never carries a DSN or SQL."""

    code = "storage_unavailable"
    http_status = 503
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}  # noqa: RUF012

    def __init__(self, message: str = "The order store is unavailable; try again later") -> None:
        super().__init__(message)
