"""The bare reference: a minimal `websockets` server doing what the benchmark asks, nothing more.

``echo`` is answered by two frames (``echo``, then ``event``); ``broadcast`` goes to every
connected client with ``websockets.broadcast``. No validation, no correlation beyond copying
``request_id``, no logging: the floor the service is measured against.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import uvloop
import websockets
from websockets.asyncio.server import ServerConnection, broadcast

CLIENTS: set[ServerConnection] = set()


async def handler(connection: ServerConnection) -> None:
    CLIENTS.add(connection)
    try:
        async for message in connection:
            request = json.loads(message)
            action = request.get("action")
            request_id = request.get("request_id")
            if action == "echo":
                await connection.send(
                    json.dumps({"type": "echo", "request_id": request_id, "data": request.get("payload")})
                )
                await connection.send(
                    json.dumps({"type": "event", "event": "ws.echo", "request_id": request_id})
                )
            elif action == "broadcast":
                frame = json.dumps({"type": "broadcast", "message": request["payload"]["message"]})
                broadcast(CLIENTS, frame)
                await connection.send(
                    json.dumps({"type": "event", "event": "ws.broadcast", "request_id": request_id})
                )
    finally:
        CLIENTS.discard(connection)


async def serve(port: int) -> None:
    async with websockets.serve(handler, "127.0.0.1", port, compression=None, max_size=64 * 1024):
        print("ready", flush=True)
        await asyncio.Future()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvloop.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
