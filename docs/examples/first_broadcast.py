"""Two clients in one channel: Alice sends `broadcast`, Alice and Bob both receive it.

Needs Python 3.10+ and `pip install websockets`. Run with the service up:

    python first_broadcast.py
"""

from __future__ import annotations

import asyncio
import json
import os

import websockets
from websockets.asyncio.client import ClientConnection

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
URL = f"ws://{HOST}/ws?channel=tutorial"


async def answers(ws: ClientConnection, request_id: str, who: str) -> None:
    """Print the frames `ws` receives up to the last answer to `request_id`."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        print(f"{who} <", json.dumps(frame, ensure_ascii=False))
        if frame["request_id"] == request_id and frame["type"] in ("event", "error"):
            return


async def main() -> None:
    async with websockets.connect(URL) as alice, websockets.connect(URL) as bob:
        # Bob's answer to a ping proves he is in the channel before Alice speaks.
        await bob.send(json.dumps({"action": "ping", "request_id": "bob-ready"}))
        await answers(bob, "bob-ready", "bob  ")

        request = {"action": "broadcast", "payload": {"message": "hi all"}, "request_id": "r-bc-1"}
        await alice.send(json.dumps(request))
        await answers(alice, "r-bc-1", "alice")

        frame = json.loads(await asyncio.wait_for(bob.recv(), timeout=5))
        print("bob   <", json.dumps(frame, ensure_ascii=False))
        assert frame["type"] == "broadcast"
        assert frame["message"] == "hi all"
        assert frame["request_id"] is None  # Bob did not ask: the frame answers nobody's request
    print("OK: Bob saw Alice's message")


if __name__ == "__main__":
    asyncio.run(main())
