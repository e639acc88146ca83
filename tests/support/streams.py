"""Helpers for the channel stream tests (history, resume, presence) over real sockets.

* `ws_url` builds a handshake URL with ``since``, ``epoch``, ``presence``, ``name``.
* `reset` drops a WebSocket connection with a TCP reset (``SO_LINGER`` 0), no close frame.
* `post_broadcast` and the ``get_*`` helpers call the REST paths and check every body against
  openapi.yaml.
* `SharedFrames` parses and checks each distinct frame text once: a broadcast reaches every
  client of a channel as the same bytes, so a test with thousands of them checks each once.
"""

from __future__ import annotations

import json
import socket
import struct
import uuid
from typing import Any, cast
from urllib.parse import urlencode

import httpx
from websockets.asyncio.client import ClientConnection

from tests.support.live import LiveService
from tools.specs import check_openapi_schema, frame_contract

Frame = dict[str, Any]


def room(prefix: str = "room") -> str:
    """A channel name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ws_url(service: LiveService, channel: str, **query: str | int | bool) -> str:
    """``/ws?channel=...&since=...``; ``True`` is written ``true``."""
    params: dict[str, str] = {"channel": channel}
    for name, value in query.items():
        params[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"{service.ws}?{urlencode(params)}"


def reset(connection: ClientConnection) -> None:
    """Drop ``connection`` as a crashed client or a broken network would: a TCP reset, no close frame."""
    sock = connection.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.transport.abort()


async def post_broadcast(http: httpx.AsyncClient, channel: str, message: str) -> Frame:
    """``POST /broadcast``; its body (``channel``, ``delivered``, ``offset``, ``epoch``), checked."""
    response = await http.post("/broadcast", params={"channel": channel, "message": message})
    assert response.status_code == 200, response.text
    body = cast(Frame, response.json())
    check_openapi_schema("BroadcastResult", body)
    return body


async def get_channels(http: httpx.AsyncClient) -> list[Frame]:
    """``GET /channels``, each entry checked against ``ChannelInfo``."""
    response = await http.get("/channels")
    assert response.status_code == 200, response.text
    listed = cast(list[Frame], response.json())
    for entry in listed:
        check_openapi_schema("ChannelInfo", entry)
    assert [entry["name"] for entry in listed] == sorted(entry["name"] for entry in listed)
    return listed


async def channel_info(http: httpx.AsyncClient, channel: str) -> Frame | None:
    """``channel``'s entry of ``GET /channels``, ``None`` when it is not listed."""
    return next((entry for entry in await get_channels(http) if entry["name"] == channel), None)


async def get_presence(http: httpx.AsyncClient, channel: str) -> list[tuple[str, str]]:
    """``GET /channels/{name}/presence``: ``(client_id, name)`` in the order given."""
    response = await http.get(f"/channels/{channel}/presence")
    assert response.status_code == 200, response.text
    body = response.json()
    check_openapi_schema("Presence", body)
    assert body["channel"] == channel
    return [(member["client_id"], member["name"]) for member in body["members"]]


async def get_history(http: httpx.AsyncClient, channel: str, **params: int) -> Frame:
    """``GET /channels/{name}/history``, its body checked against ``HistoryPage``."""
    response = await http.get(f"/channels/{channel}/history", params=params)
    assert response.status_code == 200, response.text
    body = cast(Frame, response.json())
    check_openapi_schema("HistoryPage", body)
    for frame in body["frames"]:
        frame_contract().check_server_frame(frame)  # a broadcast as a WebSocket client gets it
    return body


def check_problem(response: httpx.Response | Any, status: int, pointer: str) -> Frame:
    """A problem body (RFC 9457) with ``status``, ``validation_error`` and one error at ``pointer``.

    ``response`` is an httpx response or the response of a refused WebSocket handshake.
    """
    status_code = getattr(response, "status_code", None)
    assert status_code == status, (status_code, getattr(response, "body", None))
    headers = response.headers
    assert headers["content-type"] == "application/problem+json"
    raw = response.content if isinstance(response, httpx.Response) else response.body
    problem = cast(Frame, json.loads(raw))
    check_openapi_schema("Problem", problem)
    assert (problem["status"], problem["code"]) == (status, "validation_error"), problem
    assert [error["pointer"] for error in problem["errors"]] == [pointer], problem
    return problem


class SharedFrames:
    """Frame texts parsed and checked against asyncapi.yaml once each, then shared (read-only)."""

    def __init__(self) -> None:
        self._seen: dict[str, Frame] = {}

    def __call__(self, raw: str | bytes) -> Frame:
        assert isinstance(raw, str), f"server sent a binary frame: {raw!r}"
        frame = self._seen.get(raw)
        if frame is None:
            frame = cast(Frame, json.loads(raw))
            frame_contract().check_server_frame(frame)
            self._seen[raw] = frame
        return frame

    def __len__(self) -> int:
        return len(self._seen)
