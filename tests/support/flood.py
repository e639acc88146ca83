"""A client that floods the service with frames as fast as its socket takes them, and reconnects
each time the service closes it. Run it in its own process:

    python -m tests.support.flood PORT SECONDS

It prints one JSON line: how many connections it opened and how many the service closed with a
close frame (and which codes).
"""

from __future__ import annotations

import json
import select
import socket
import struct
import sys
import time

from tests.support import rawws

FRAME = rawws.text_frame('{"action":"echo","payload":{"n":1},"request_id":"flood"}')
BURST = FRAME * 4000


def close_codes(buffer: bytearray) -> list[int]:
    """Consume whole server frames from ``buffer``; the codes of the close frames among them."""
    codes = []
    while len(buffer) >= 2:
        length, start = buffer[1] & 0x7F, 2
        if length == 126:
            length, start = struct.unpack("!H", buffer[2:4])[0], 4
        elif length == 127:
            length, start = struct.unpack("!Q", buffer[2:10])[0], 10
        if len(buffer) < start + length:
            break
        if buffer[0] & 0x0F == 0x8:
            payload = bytes(buffer[start : start + length])
            codes.append(struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005)
        del buffer[: start + length]
    return codes


def flood_once(port: int, deadline: float) -> int | None:
    """One connection: send until the service closes it; its close code (None: no close frame)."""
    sock = rawws.handshake(port, channel="flood")
    sock.setblocking(False)
    received = bytearray()
    pending = memoryview(BURST)
    try:
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock], [], 0.2)
            if readable:
                data = sock.recv(1 << 16)
                if not data:
                    return None
                received += data
                codes = close_codes(received)
                if codes:
                    return codes[0]
            if writable:
                try:
                    sent = sock.send(pending)
                except (BlockingIOError, InterruptedError):
                    continue
                pending = pending[sent:] if sent < len(pending) else memoryview(BURST)
    except OSError:
        return None
    finally:
        sock.close()
    return None


def main() -> int:
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    deadline = time.monotonic() + seconds
    connections, codes = 0, []
    while time.monotonic() < deadline:
        try:
            code = flood_once(port, deadline)
        except (OSError, ConnectionError):
            time.sleep(0.01)
            continue
        connections += 1
        if code is not None:
            codes.append(code)
    print(json.dumps({"connections": connections, "close_codes": codes}))
    return 0


if __name__ == "__main__":
    socket.setdefaulttimeout(5)
    raise SystemExit(main())
