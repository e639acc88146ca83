"""The WebSocket endpoint, as a plain ASGI handler: handshake, read loop, writer.

It admits or refuses the handshake, reads a frame, asks the action protocol for the answer,
and queues the encoded frames on the connection's outbox; the outbox's own writer sends them.
Nothing here decides what a frame means.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from service.actions.decode import peek_request_id
from service.actions.frames import encode, error_frame
from service.actions.session import Origin
from service.channels.rate import TokenBucket
from service.errors import HandshakeRefused, InvalidFrame, RateLimited, ServiceError, ValidationFailed
from service.runtime import Runtime
from service.transport.channel_query import channel_of
from service.transport.connection import POLICY_VIOLATION, Connection
from service.transport.problems import problem_body

log = logging.getLogger("service.ws")

Scope = dict[str, Any]
Message = dict[str, Any]

BINARY_REFUSED = InvalidFrame("Binary frames are not supported; send JSON as a text frame")
INTERNAL_ERROR = ServiceError("The service failed to handle this frame; it has been logged")
MESSAGE_TOO_BIG = 1009


class WebSocketEndpoint:
    """``/ws?channel=NAME``."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._protocol = runtime.protocol
        self._hub = runtime.hub
        self._limits = runtime.settings.limits
        self._journal = runtime.journal

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        # One coroutine for the whole life of a connection: every frame held per idle client
        # is memory (see bench/), so the read loop is not split into helpers that stay awaited.
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            channel = self._admit(scope)
        except HandshakeRefused as refused:
            await _deny(scope, send, refused)
            return
        await send({"type": "websocket.accept"})
        limits = self._limits
        connection = Connection(channel, send, outbox_frames=limits.outbox_frames, direct=limits.direct_write)
        self._hub.join(connection)
        journal = self._journal
        journal.record(
            "ws.connected", action=None, channel=channel, request_id=None, message="client connected"
        )
        origin = Origin(channel=channel, recipient=connection)
        handle = self._protocol.handle_text
        bucket = TokenBucket(rate=limits.rate_per_second, burst=limits.rate_burst, now=time.monotonic())
        refused_in_a_row = 0
        try:
            while True:
                message: Message = await receive()
                kind = message["type"]
                if kind == "websocket.disconnect":
                    code = message.get("code", 1000)
                    if code == MESSAGE_TOO_BIG:
                        log.warning(
                            "closed a client that sent a frame over the limit (1009)",
                            extra={"event.action": "ws.frame_too_large", "channel": channel},
                        )
                    journal.record(
                        "ws.disconnected",
                        action=None,
                        channel=channel,
                        request_id=None,
                        message=f"client disconnected ({code})",
                    )
                    return
                if kind != "websocket.receive":
                    continue
                text = message.get("text")
                wait = bucket.take(time.monotonic())
                if wait:
                    refused_in_a_row += 1
                    if refused_in_a_row >= limits.rate_burst:
                        log.warning(
                            "closing a client that keeps flooding",
                            extra={"event.action": "ws.flood_closed", "channel": channel},
                        )
                        connection.close(POLICY_VIOLATION, "rate limit exceeded: too many frames")
                        continue
                    connection.offer(
                        encode(error_frame(RateLimited(wait), peek_request_id(text) if text else None))
                    )
                    continue
                refused_in_a_row = 0
                if text is None:
                    connection.offer(encode(error_frame(BINARY_REFUSED, None)))
                    continue
                try:
                    frames = await handle(text, origin)
                except Exception:
                    # A bug must cost the client one answer, never its connection.
                    log.exception(
                        "action failed unexpectedly",
                        extra={"event.action": "ws.internal_error", "channel": channel},
                    )
                    frames = [error_frame(INTERNAL_ERROR, peek_request_id(text))]
                connection.offer_all([encode(frame) for frame in frames])
        finally:
            self._hub.leave(connection)
            connection.outbox.cancel()

    def _admit(self, scope: Scope) -> str:
        allowed = self._limits.allowed_origins
        if allowed:
            origin = _header(scope, b"origin")
            if origin is not None and origin.rstrip("/") not in allowed:
                self._hub.refuse("origin_not_allowed")
                raise HandshakeRefused(
                    f"Origin {origin[:100]!r} is not allowed", code="origin_not_allowed", http_status=403
                )
        try:
            channel = channel_of(scope.get("query_string", b""))
        except ValidationFailed as bad:
            self._hub.refuse("bad_channel")
            raise HandshakeRefused(
                bad.message, code="validation_error", http_status=400, pointer=bad.pointer
            ) from None
        reason = self._hub.admit(channel)
        if reason == "too_many_connections":
            raise HandshakeRefused(
                "The service has as many connections as it takes; try again later",
                code=reason,
                http_status=503,
            )
        if reason == "channel_full":
            raise HandshakeRefused(
                f"Channel {channel!r} has as many clients as it takes; try again later",
                code=reason,
                http_status=503,
            )
        return channel


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _deny(scope: Scope, send: Any, refused: HandshakeRefused) -> None:
    """Refuse the handshake with an HTTP status and a problem body, where the server allows it."""
    log.info(
        "handshake refused: %s",
        refused.message,
        extra={"event.action": "ws.refused", "error_code": refused.code},
    )
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": refused.message[:120]})
        return
    body = problem_body(refused.http_status, refused.code, refused.message, pointer=refused.pointer)
    await send(
        {
            "type": "websocket.http.response.start",
            "status": refused.http_status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "websocket.http.response.body", "body": body})
