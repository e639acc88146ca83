"""One accepted WebSocket client: its channel, its outbox, and how frames reach it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from service.actions.protocol import POLICY_VIOLATION
from service.channels.outbox import Outbox
from service.transport.direct import DirectWriter
from service.transport.link_faults import LinkFaults
from service.transport.timers import Timers

log = logging.getLogger("service.ws")

CLOSE_GRACE = 1.0
"""Seconds to finish sending queued frames, then the close frame, before dropping the client."""


class Connection:
    """One accepted client: its channel, its outbox, and the writer that drains it."""

    __slots__ = ("_closing", "_direct", "_faults", "_send", "_timers", "channel", "outbox")

    def __init__(
        self, channel: str, send: Any, *, outbox_frames: int, direct: bool, faults: LinkFaults | None = None
    ) -> None:
        self.channel = channel
        self._send = send
        self._direct = DirectWriter.behind(send) if direct else None
        self.outbox = Outbox(self._send_frame, limit=outbox_frames, on_overflow=self._overflowed)
        self._closing = False
        self._faults = faults
        self._timers: Timers | None = None  # made on first use: most connections never wait

    @property
    def writes_directly(self) -> bool:
        """Frames go straight into the server's connection when it can take them (not ASGI sends)."""
        return self._direct is not None

    def offer(self, frame: bytes) -> bool:
        """A frame nobody on this connection asked for (a broadcast, a notification): send now if
        the connection can take it without waiting, else queue (in order)."""
        faults = self._faults
        if faults is not None:
            if faults.drops(frame):
                return False
            if faults.delays:
                self._after_latency(lambda: self._write((frame,)))
                return True
        direct = self._direct
        if direct is not None and self.outbox.idle and not self._closing and direct.ready():
            return direct.write((frame,))
        return self.outbox.offer(frame)

    def _write(self, frames: tuple[bytes, ...] | list[bytes]) -> bool:
        direct = self._direct
        if direct is not None and self.outbox.idle and not self._closing and direct.ready():
            return direct.write(frames)
        taken = True
        for frame in frames:
            taken = self.outbox.offer(frame) and taken
        return taken

    def offer_all(self, frames: list[bytes]) -> None:
        """The frames of an answer, in order; written together when they can be."""
        faults = self._faults
        if faults is not None and faults.delays:
            self._after_latency(lambda: self._write(frames))
            return
        direct = self._direct  # the common case inline: one call fewer per answer
        if direct is not None and self.outbox.idle and not self._closing and direct.ready():
            direct.write(frames)
            return
        for frame in frames:
            self.outbox.offer(frame)

    def offer_fragments(self, frame: bytes, fragments: int) -> None:
        """One frame as ``fragments`` WebSocket fragments (a text frame and continuations).

        Only a direct write can fragment; through ASGI sends, or behind frames still queued,
        the frame goes whole (nothing is lost, only the fragmenting).
        """
        faults = self._faults
        if faults is not None and faults.delays:
            self._after_latency(lambda: self._write_fragments(frame, fragments))
            return
        self._write_fragments(frame, fragments)

    def _write_fragments(self, frame: bytes, fragments: int) -> None:
        direct = self._direct
        if direct is not None and self.outbox.idle and not self._closing and direct.ready():
            direct.write_fragments(frame, fragments)
        else:
            self._write((frame,))

    def later(self, delay: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` in ``delay`` seconds, in order with this connection's other timers;
        never once the connection is gone."""
        if self._timers is None:
            self._timers = Timers()
        self._timers.at(delay, callback)

    def _after_latency(self, write: Callable[[], Any]) -> None:
        assert self._faults is not None
        loop = asyncio.get_running_loop()
        self.later(self._faults.delay(loop.time()), write)

    def stop(self) -> None:
        """The connection is gone: drop what is queued or waiting, stop every timer."""
        if self._timers is not None:
            self._timers.cancel()
        self.outbox.cancel()

    def close(self, code: int, reason: str) -> None:
        """Read nothing more; send what is queued, then the close frame; never waits."""
        if not self._closing:
            self._closing = True
            stop_reading = getattr(getattr(self._send, "__self__", None), "stop_reading", None)
            if stop_reading is not None:
                # The server's protocol (transport/uvicorn_ws.py): a client being closed, a
                # flooding one above all, costs no more CPU; what it still sends waits unread.
                stop_reading()
            self.outbox.close()
            asyncio.get_running_loop().create_task(self._close_after_writer(code, reason))

    async def _send_frame(self, frame: bytes) -> None:
        direct = self._direct
        if direct is not None and direct.ready():
            direct.write((frame,))
        else:
            await self._send({"type": "websocket.send", "text": frame.decode()})

    def _overflowed(self) -> None:
        log.warning(
            "closing a client that does not read",
            extra={"event.action": "ws.outbox_overflow", "channel": self.channel},
        )
        self.close(POLICY_VIOLATION, "outbound queue overflow: the client does not read")

    async def _close_after_writer(self, code: int, reason: str) -> None:
        await self.outbox.drained(CLOSE_GRACE)
        try:
            await asyncio.wait_for(
                self._send({"type": "websocket.close", "code": code, "reason": reason}), CLOSE_GRACE
            )
        except TimeoutError:
            # The client reads nothing, so not even the close frame gets through: drop the
            # connection rather than hold its socket and buffers forever.
            abort = self._direct.abort if self._direct is not None else _transport_abort(self._send)
            if abort is not None:
                abort()
        except Exception:  # noqa: S110 - the client is already gone: nothing left to close
            pass


def _transport_abort(send: Any) -> Any:
    """The server's ``transport.abort`` behind an ASGI ``send``, where it can be reached.

    ASGI has no way to drop a connection whose peer stopped reading; uvicorn's ``send`` is a
    bound method of its protocol, which holds the transport.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    return getattr(transport, "abort", None)
