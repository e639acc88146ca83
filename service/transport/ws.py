"""The WebSocket endpoint, as a plain ASGI handler: handshake, then read → protocol → delivery.

It admits or refuses the handshake, then for each frame it reads it asks the connection's
:class:`~service.actions.protocol.ActionProtocol` for the outcome and hands that to
``service.delivery``. Nothing here decides what a frame means or what the contract's limits
say about it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from service.actions.faults import ConnectionFaults, connection_record
from service.actions.frames import now
from service.actions.protocol import POLICY_VIOLATION, ActionProtocol
from service.errors import FaultsDisabled, HandshakeRefused, ValidationFailed
from service.runtime import Runtime
from service.streams.presence import new_client_id
from service.transport.channel_query import channel_of, handshake_query
from service.transport.connection import Connection
from service.transport.fault_query import faults_of
from service.transport.link_faults import LinkFaults
from service.transport.problems import problem_body
from service.transport.subprotocol import chosen_subprotocol
from service.transport.subscribers import Subscribers
from service.transport.subscription_query import Subscription, subscription_of

log = logging.getLogger("service.ws")

Scope = dict[str, Any]
Message = dict[str, Any]

MESSAGE_TOO_BIG = 1009


class WebSocketEndpoint:
    """``/ws?channel=NAME``."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._answers = runtime.answers
        self._deliver = runtime.delivery.deliver
        self._hub = runtime.hub
        self._limits = runtime.settings.limits
        self._journal = runtime.journal
        self._faults_enabled = runtime.settings.faults.enabled
        self._traces = runtime.traces if runtime.traces.enabled else None
        self._fallback_told = False
        self._subscribers = Subscribers(
            hub=runtime.hub,
            history=runtime.history,
            roster=runtime.roster,
            deliver=runtime.delivery.deliver,
            journal=runtime.journal,
        )

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        # One coroutine for the whole life of a connection: every frame held per idle client
        # is memory (see bench/), so the read loop is not split into helpers that stay awaited.
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            channel, asked, subscription = self._admit(scope)
        except HandshakeRefused as refused:
            await _deny(scope, send, refused)
            return
        await send(
            {"type": "websocket.accept", "subprotocol": chosen_subprotocol(scope.get("subprotocols", ()))}
        )
        limits = self._limits
        faults = None
        if asked is not None:
            report = self._fault_reporter(channel)
            report(asked.asked())
            faults = LinkFaults(asked, now=asyncio.get_running_loop().time(), report=report)
        connection = Connection(
            channel, send, outbox_frames=limits.outbox_frames, direct=limits.direct_write, faults=faults
        )
        if asked is not None and asked.disconnect_after_ms is not None:
            self._disconnect_later(connection, asked, report)
        if limits.direct_write and not connection.writes_directly and not self._fallback_told:
            self._fallback_told = True
            log.warning(
                "direct writes are on, but this server's connections do not allow them: ASGI sends instead",
                extra={"event.action": "ws.write_path", "write_path": "asgi"},
            )
        client_id = None
        if subscription is None:
            self._hub.join(connection)
        else:
            client_id = self._subscribers.join(connection, subscription)
        journal = self._journal
        journal.record(
            "ws.connected", action=None, channel=channel, request_id=None, message="client connected"
        )
        protocol = ActionProtocol(
            self._answers,
            channel=channel,
            rate_per_second=limits.rate_per_second,
            rate_burst=limits.rate_burst,
            now=time.monotonic(),
            journal=journal,
            faults_enabled=self._faults_enabled,
            seed=asked.seed if asked is not None else None,
            traces=self._traces,
            # Traces name the connection a request came on, with or without presence.
            client_id=client_id or (new_client_id() if self._traces is not None else None),
        )
        deliver = self._deliver
        try:
            while True:
                message: Message = await receive()
                kind = message["type"]
                if kind == "websocket.receive":
                    text = message.get("text")
                    if text is not None:
                        deliver(await protocol.receive_text(text, time.monotonic()), connection)
                    else:
                        deliver(
                            protocol.receive_binary(message.get("bytes") or b"", time.monotonic()), connection
                        )
                elif kind == "websocket.disconnect":
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
        finally:
            self._hub.leave(connection)
            if client_id is not None:
                self._subscribers.leave(connection, client_id)
            connection.stop()

    def _fault_reporter(self, channel: str) -> Callable[[dict[str, Any]], None]:
        """Publishes a ``fault.injected`` record (and a log line) for a fault of this connection."""
        publish, journal = self._runtime.delivery.publish, self._journal

        def report(applied: dict[str, Any]) -> None:
            publish([connection_record(applied, channel=channel, ts=now())])
            journal.record(
                "fault.injected",
                action=None,
                channel=channel,
                request_id=None,
                message=f"faults injected into the connection: {applied}",
            )

        return report

    def _disconnect_later(
        self, connection: Connection, asked: ConnectionFaults, report: Callable[[dict[str, Any]], None]
    ) -> None:
        code = asked.disconnect_code

        def disconnect() -> None:
            report({"disconnect_code": code})
            connection.close(code, "simulated disconnect (disconnect_after_ms)")

        assert asked.disconnect_after_ms is not None
        connection.later(asked.disconnect_after_ms / 1000, disconnect)

    def _admit(self, scope: Scope) -> tuple[str, ConnectionFaults | None, Subscription | None]:
        allowed = self._limits.allowed_origins
        if allowed:
            origin = _header(scope, b"origin")
            if origin is not None and origin.rstrip("/") not in allowed:
                self._hub.refuse("origin_not_allowed")
                raise HandshakeRefused(
                    f"Origin {origin[:100]!r} is not allowed", code="origin_not_allowed", http_status=403
                )
        query = handshake_query(scope.get("query_string", b""))
        try:
            channel = channel_of(query)
        except ValidationFailed as bad:
            self._hub.refuse("bad_channel")
            raise HandshakeRefused(
                bad.message, code="validation_error", http_status=400, pointer=bad.pointer
            ) from None
        try:
            asked = faults_of(query, enabled=self._faults_enabled)
            subscription = subscription_of(query)
        except ValidationFailed as bad:
            raise HandshakeRefused(
                bad.message, code="validation_error", http_status=400, pointer=bad.pointer
            ) from None
        except FaultsDisabled as off:
            raise HandshakeRefused(off.message, code=off.code, http_status=off.http_status) from None
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
        return channel, asked, subscription


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
