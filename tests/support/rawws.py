"""A WebSocket client made by hand on a plain socket, for clients that misbehave on purpose:
never read, never answer pings, reset the connection, or stop in the middle of a frame."""

from __future__ import annotations

import base64
import os
import socket
import struct


def handshake(port: int, *, channel: str = "general", rcvbuf: int | None = None) -> socket.socket:
    """Open a WebSocket connection and return the socket right after ``101 Switching Protocols``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws?channel={channel} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError(f"closed during the handshake: {response!r}")
        response += chunk
    if not response.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(f"handshake refused: {response!r}")
    return sock


def text_frame(text: str, *, fin: bool = True) -> bytes:
    """A masked client text frame."""
    payload = text.encode()
    mask = os.urandom(4)
    head = bytes([0x81 if fin else 0x01])
    length = len(payload)
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def reset(sock: socket.socket) -> None:
    """Close with a TCP reset instead of a close handshake."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Read (and drop) everything until the server closes the TCP connection or time runs out."""
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass
    except TimeoutError:
        return False
    except ConnectionError:
        return True
    return True
