"""A WebSocket client made by hand on a plain socket, for clients that misbehave on purpose:
never read, never answer pings, reset the connection, or stop in the middle of a frame."""

from __future__ import annotations

import base64
import os
import socket
import struct
import time


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


SO_TIMESTAMPNS = 35
"""Linux: every read reports when the kernel received the data (``SCM_TIMESTAMPNS``)."""


def stamp_arrivals(sock: socket.socket) -> None:
    """Ask the kernel to time-stamp what arrives on ``sock`` (Linux only).

    The kernel switches receive time-stamps on for the whole machine a little later (deferred
    work), so wait with :func:`until_stamped` before relying on them.
    """
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)


def until_stamped(sock: socket.socket, timeout: float = 5.0) -> None:
    """Ping over ``sock`` (a service connection) until its answers carry a kernel receive time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.sendall(text_frame('{"action":"ping","request_id":"stamp-check"}'))
        if all(stamp is not None for stamp, _ in _read_frames(sock, 2, timeout)):
            return
        time.sleep(0.05)
    raise MissingStamp("the kernel gave no receive times within the time allowed")


class MissingStamp(RuntimeError):
    """A read came with no kernel receive time."""


def read_stamped_frames(sock: socket.socket, count: int, timeout: float = 5.0) -> list[tuple[int, bytes]]:
    """``count`` server frames, each with the kernel's receive time (ns) of the read that completed it.

    The times come from the kernel, not from this process: they show the order in which the
    server wrote to different sockets, however late this process gets round to reading them.
    """
    frames = _read_frames(sock, count, timeout)
    stamped = [(stamp, payload) for stamp, payload in frames if stamp is not None]
    if len(stamped) < len(frames):
        raise MissingStamp("the kernel gave no receive time (SO_TIMESTAMPNS); call until_stamped first")
    return stamped


def _read_frames(sock: socket.socket, count: int, timeout: float) -> list[tuple[int | None, bytes]]:
    sock.settimeout(timeout)
    buffer = b""
    frames: list[tuple[int | None, bytes]] = []
    while len(frames) < count:
        data, ancillary, _, _ = sock.recvmsg(65536, socket.CMSG_SPACE(16))
        if not data:
            raise ConnectionError(f"closed after {len(frames)} of {count} frames")
        stamps = [
            struct.unpack("qq", payload[:16]) for _, kind, payload in ancillary if kind == SO_TIMESTAMPNS
        ]
        stamp = stamps[-1][0] * 1_000_000_000 + stamps[-1][1] if stamps else None
        buffer += data
        while len(buffer) >= 2:
            length, start = buffer[1] & 0x7F, 2
            if length == 126:
                length, start = struct.unpack("!H", buffer[2:4])[0], 4
            elif length == 127:
                length, start = struct.unpack("!Q", buffer[2:10])[0], 10
            if len(buffer) < start + length:
                break
            frames.append((stamp, buffer[start : start + length]))
            buffer = buffer[start + length :]
    return frames


def read_messages(sock: socket.socket, count: int, timeout: float = 5.0) -> list[tuple[str, list[bytes]]]:
    """``count`` text messages, each with the fragments it came in (a text frame, then continuations)."""
    sock.settimeout(timeout)
    buffer = b""
    messages: list[tuple[str, list[bytes]]] = []
    pieces: list[bytes] = []
    while len(messages) < count:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {len(messages)} of {count} messages")
        buffer += chunk
        while len(buffer) >= 2:
            fin, opcode = buffer[0] & 0x80, buffer[0] & 0x0F
            length, start = buffer[1] & 0x7F, 2
            if length == 126:
                length, start = struct.unpack("!H", buffer[2:4])[0], 4
            elif length == 127:
                length, start = struct.unpack("!Q", buffer[2:10])[0], 10
            if len(buffer) < start + length:
                break
            payload, buffer = buffer[start : start + length], buffer[start + length :]
            if opcode in (0x1, 0x0):
                pieces.append(payload)
                if fin:
                    messages.append((b"".join(pieces).decode(), pieces))
                    pieces = []
    return messages
