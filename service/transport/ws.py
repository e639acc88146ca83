"""The WebSocket endpoint, as a plain ASGI handler: handshake, read loop, writer.

It reads a frame, asks the action protocol for the answer, and queues the encoded frames on
the connection's outbox; the outbox's own writer sends them. Nothing here decides what a
frame means.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import msgspec

from generated import rest_models as rest
from service.actions.frames import encode, error_frame
from service.actions.session import Origin
from service.channels.hub import ChannelHub
from service.channels.outbox import Outbox
from service.errors import InvalidFrame, ValidationFailed
from service.runtime import Runtime
from service.transport.channel_query import channel_of

log = logging.getLogger("service.ws")

Scope = dict[str, Any]
Message = dict[str, Any]

BINARY_REFUSED = InvalidFrame("Binary frames are not supported; send JSON as a text frame")
OVERFLOW_CLOSE = 1008


class Connection:
    """One accepted client: its channel and its outbox."""

    __slots__ = ("_send", "channel", "outbox", "writer")

    def __init__(self, channel: str, send: Any, *, outbox_frames: int) -> None:
        self.channel = channel
        self._send = send
        self.outbox = Outbox(self._send_text, limit=outbox_frames, on_overflow=self._overflowed)
        self.writer: asyncio.Task[None] | None = None

    def offer(self, frame: str) -> bool:
        return self.outbox.offer(frame)

    async def _send_text(self, text: str) -> None:
        await self._send({"type": "websocket.send", "text": text})

    def _overflowed(self) -> None:
        log.warning(
            "closing a client that does not read",
            extra={"event.action": "ws.outbox_overflow", "channel": self.channel},
        )
        if self.writer is not None:
            self.writer.cancel()
        asyncio.get_running_loop().create_task(self._close(OVERFLOW_CLOSE, "outbound queue overflow"))

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._send({"type": "websocket.close", "code": code, "reason": reason}), 5)


class WebSocketEndpoint:
    """``/ws?channel=NAME``."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._protocol = runtime.protocol
        self._hub: ChannelHub = runtime.hub
        self._outbox_frames = runtime.settings.limits.outbox_frames

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            channel = channel_of(scope.get("query_string", b""))
        except ValidationFailed as refused:
            await _deny(scope, send, refused)
            return
        await send({"type": "websocket.accept"})
        connection = Connection(channel, send, outbox_frames=self._outbox_frames)
        connection.writer = asyncio.create_task(connection.outbox.run())
        self._hub.join(connection)
        log.info("client connected", extra={"event.action": "ws.connected", "channel": channel})
        try:
            await self._serve(connection, receive)
        finally:
            self._hub.leave(connection)
            connection.outbox.close()
            connection.writer.cancel()
            log.info("client disconnected", extra={"event.action": "ws.disconnected", "channel": channel})

    async def _serve(self, connection: Connection, receive: Any) -> None:
        origin = Origin(channel=connection.channel, recipient=connection)
        handle = self._protocol.handle_text
        offer = connection.offer
        while True:
            message: Message = await receive()
            kind = message["type"]
            if kind == "websocket.receive":
                text = message.get("text")
                if text is None:
                    offer(encode(error_frame(BINARY_REFUSED, None)))
                    continue
                for frame in await handle(text, origin):
                    offer(encode(frame))
            elif kind == "websocket.disconnect":
                return


async def _deny(scope: Scope, send: Any, refused: ValidationFailed) -> None:
    """Refuse the handshake with HTTP 400 and a problem body, where the server allows it."""
    log.info("handshake refused: %s", refused.message, extra={"event.action": "ws.refused"})
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008, "reason": refused.message[:120]})
        return
    body = msgspec.json.encode(
        rest.Problem(
            type="about:blank",
            title="Bad Request",
            status=400,
            code=rest.Code.validation_error,
            detail=refused.message,
            errors=[rest.FieldError(pointer=refused.pointer, message=refused.message)],
        )
    )
    await send(
        {
            "type": "websocket.http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "websocket.http.response.body", "body": body})
