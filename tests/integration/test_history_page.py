"""A history page is one WebSocket frame: it stays under 1 MiB, the default frame limit of
common clients (Python's ``websockets`` among them), however large the broadcasts; the rest
is asked for from the page's last offset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import websockets

from tests.support.live import running_service

MESSAGE = "\x01" * 4096
"""The longest message, each character escaped to six bytes: a frame of ~24.7 KB."""
SENT = 60
"""~1.5 MB of frames in all: more than one page holds."""


async def history(ws: Any, since: int, request_id: str) -> dict[str, Any]:
    await ws.send(json.dumps({"action": "history", "payload": {"since": since}, "request_id": request_id}))
    while True:
        raw = await ws.recv()
        frame = json.loads(raw)
        if frame["type"] == "history" and frame["request_id"] == request_id:
            assert len(raw.encode()) < 2**20
            return dict(frame)


async def test_a_history_page_stays_under_1_mib_and_the_rest_follows_from_its_last_offset(
    tmp_path: Path,
) -> None:
    with running_service(tmp_path / "service.log", {"WS_PING_INTERVAL": "0"}) as live:
        # websockets' default max_size (1 MiB): a larger page would close this client with 1009.
        async with websockets.connect(f"{live.ws}?channel=big") as ws:
            for n in range(SENT):
                frame = {"action": "broadcast", "payload": {"message": MESSAGE}, "request_id": f"b{n}"}
                await ws.send(json.dumps(frame))
            first = await history(ws, 0, "h1")
            offsets = [f["offset"] for f in first["frames"]]
            assert 1 < len(offsets) < SENT
            assert (first["complete"], first["offset"]) == (True, SENT)
            rest = await history(ws, offsets[-1], "h2")
            offsets += [f["offset"] for f in rest["frames"]]
        assert offsets == list(range(1, SENT + 1))
        async with httpx.AsyncClient(base_url=live.http) as http:
            response = await http.get("/channels/big/history")
        assert len(response.content) < 2**20
        assert [f["offset"] for f in response.json()["frames"]] == offsets[: len(first["frames"])]
