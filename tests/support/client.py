"""A real WebSocket client for tests: every frame it receives is checked against AsyncAPI.

A test cannot pass while the server sends a frame that does not conform: ``recv`` raises
:class:`~tools.specs.FrameContractError` with the JSON pointer of the problem. Frames a
test sends are checked too, unless it means to send bad input (``send_raw``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any, cast

import websockets
from websockets.asyncio.client import ClientConnection

from tools.specs import FrameContract

Frame = dict[str, Any]
_FINAL = {"event", "error"}


class ContractClient:
    """One WebSocket connection with frame checking and request/answer helpers."""

    def __init__(self, connection: ClientConnection, contract: FrameContract) -> None:
        self.connection = connection
        self.contract = contract
        self.received: list[Frame] = []
        """Every frame received, in order."""
        self.unsolicited: list[Frame] = []
        """Frames that answered no request of this client (``request_id: null``)."""

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, url: str, *, channel: str | None = None) -> AsyncIterator[ContractClient]:
        target = url if channel is None else f"{url}?channel={channel}"
        async with websockets.connect(target, max_size=2**22, open_timeout=10) as connection:
            yield cls(connection, FrameContract.load())

    async def send(self, frame: Frame) -> None:
        """Send a frame that the AsyncAPI document allows (checked before sending)."""
        self.contract.check_client_frame(frame)
        await self.connection.send(json.dumps(frame))

    async def send_raw(self, data: str | bytes) -> None:
        """Send anything at all: for tests of bad input."""
        await self.connection.send(data)

    async def recv(self, timeout: float = 5.0) -> Frame:
        """The next frame, checked against the spec."""
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        assert isinstance(raw, str), f"server sent a binary frame: {raw!r}"
        frame = cast(Frame, json.loads(raw))
        self.contract.check_server_frame(frame)
        self.received.append(frame)
        if frame.get("request_id") is None:
            self.unsolicited.append(frame)
        return frame

    async def answers(self, request_id: str | None, timeout: float = 5.0) -> list[Frame]:
        """Frames answering ``request_id`` up to and including its final ``event``/``error``.

        Frames for nobody (``request_id: null``) that arrive meanwhile go to ``unsolicited``.
        """
        frames: list[Frame] = []
        while True:
            frame = await self.recv(timeout)
            if frame.get("request_id") != request_id:
                continue
            frames.append(frame)
            if frame["type"] in _FINAL:
                return frames

    async def request(
        self, action: str, payload: Frame | None = None, *, request_id: str, timeout: float = 5.0
    ) -> list[Frame]:
        """Send a valid request and collect its answers."""
        frame: Frame = {"action": action, "request_id": request_id}
        if payload is not None:
            frame["payload"] = payload
        await self.send(frame)
        return await self.answers(request_id, timeout)

    async def raw_request(
        self, data: str | bytes, *, request_id: str | None, timeout: float = 5.0
    ) -> list[Frame]:
        """Send anything and collect the answers carrying ``request_id``."""
        await self.send_raw(data)
        return await self.answers(request_id, timeout)

    async def silent_for(self, seconds: float = 0.3) -> bool:
        """``True`` if no frame arrives within ``seconds``."""
        try:
            await self.recv(seconds)
        except TimeoutError:
            return True
        return False


def types_of(frames: list[Frame]) -> list[str]:
    """``["ack", "echo", "event ws.echo"]``: frame types, with event names and step numbers."""
    shown = []
    for frame in frames:
        if frame["type"] == "event":
            shown.append(f"event {frame['event']}")
        elif frame["type"] == "step":
            shown.append(f"step {frame['step']}")
        elif frame["type"] == "error":
            shown.append(f"error {frame['code']}")
        else:
            shown.append(frame["type"])
    return shown
