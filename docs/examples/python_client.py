"""A first WebSocket client for QA Kit WS: send `echo`, print every answer, check the pattern.

Needs Python 3.10+ and `pip install websockets`. Run with the service up:

    python python_client.py

The service on another address: `QA_KIT_HOST=stand.example:8002 python python_client.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import websockets

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
URL = f"ws://{HOST}/ws?channel=general"


def label(frame: dict[str, Any]) -> str:
    """`ack`, `echo`, `event ws.echo`: the frame type, with the event name for events."""
    return f"event {frame['event']}" if frame["type"] == "event" else frame["type"]


async def main() -> None:
    request = {"action": "echo", "payload": {"text": "hello"}, "request_id": "r-py-1"}
    async with websockets.connect(URL) as ws:
        await ws.send(json.dumps(request))
        answers = []
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
            print("<", json.dumps(frame, ensure_ascii=False))
            if frame["request_id"] != request["request_id"]:
                continue  # a frame for someone else (a broadcast, a notification)
            answers.append(label(frame))
            if frame["type"] in ("event", "error"):
                break  # the last answer to this request
    assert answers == ["ack", "echo", "event ws.echo"], answers
    print("OK:", " → ".join(answers))


if __name__ == "__main__":
    asyncio.run(main())
