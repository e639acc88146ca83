"""Сообщения по частям (`simulate.fragment`): библиотека собирает их сама, а на голом сокете
видно, что каждое пришло несколькими WebSocket-фреймами.

Нужны Python 3.10+ и `pip install websockets`. Запуск при работающем сервисе:

    python fragments.py

Сервис по другому адресу: `QA_KIT_HOST=stand.example:8002 python fragments.py`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct

import websockets

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
CHANNEL = "resilience-fragments"
TEXT = "Привет! Сообщение пришло по частям."
FRAGMENTS = 4


def echo_request(request_id: str) -> str:
    return json.dumps(
        {
            "action": "echo",
            "payload": {"text": TEXT},
            "request_id": request_id,
            "simulate": {"fragment": FRAGMENTS},  # каждый кадр ответа — в 4 фреймах
        },
        ensure_ascii=False,
    )


async def with_library() -> None:
    print("1) библиотека websockets")
    async with websockets.connect(f"ws://{HOST}/ws?channel={CHANNEL}") as ws:
        await ws.send(echo_request("r-frag-1"))
        for _ in range(3):  # ack, echo, event
            message = await asyncio.wait_for(ws.recv(), timeout=5)
            frame = json.loads(message)  # recv() отдаёт сообщение уже собранным
            print(f"  {frame['type']}: целое сообщение, символов: {len(message)}")
            if frame["type"] == "echo":
                assert frame["data"]["text"] == TEXT, frame
                print(f"  текст совпал: «{frame['data']['text']}»")


# --- Дальше WebSocket вручную, на обычном сокете (RFC 6455), чтобы увидеть сами фреймы. ---

OPCODES = {0x0: "продолжение", 0x1: "текст", 0x2: "двоичный", 0x8: "закрытие", 0x9: "ping", 0xA: "pong"}


def open_socket() -> socket.socket:
    """TCP-соединение и handshake; сокет сразу после `101 Switching Protocols`."""
    host, _, port = HOST.partition(":")
    sock = socket.create_connection((host, int(port or 80)), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET /ws?channel={CHANNEL} HTTP/1.1\r\nHost: {HOST}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def send_frame(sock: socket.socket, opcode: int, payload: bytes) -> None:
    """Один фрейм клиента: FIN=1, данные замаскированы (так требует RFC 6455)."""
    mask = os.urandom(4)
    if len(payload) < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload))
    else:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, len(payload))
    sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("сервер закрыл соединение")
        data += chunk
    return data


def read_frame(sock: socket.socket) -> tuple[bool, int, bytes]:
    """Один фрейм сервера (без маски): FIN, opcode, данные."""
    first, second = read_exactly(sock, 2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", read_exactly(sock, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", read_exactly(sock, 8))
    return bool(first & 0x80), first & 0x0F, read_exactly(sock, length)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def with_raw_socket() -> None:
    print("2) голый сокет")
    sock = open_socket()
    send_frame(sock, 0x1, echo_request("r-frag-2").encode())
    for _ in range(3):  # ack, echo, event
        pieces: list[bytes] = []
        while True:
            fin, opcode, data = read_frame(sock)
            readable = "читается" if is_utf8(data) else "сам по себе НЕ читается"
            print(f"  фрейм: FIN={int(fin)}, {OPCODES[opcode]}, байт: {len(data)}, как UTF-8 {readable}")
            pieces.append(data)
            if fin:  # последний фрейм сообщения
                break
        # Декодировать можно только сообщение целиком: буква может оказаться на стыке фреймов.
        frame = json.loads(b"".join(pieces).decode("utf-8"))
        print(f"  → {frame['type']}: сообщение из {len(pieces)} фреймов")
        assert len(pieces) == FRAGMENTS, pieces
    send_frame(sock, 0x8, struct.pack("!H", 1000))  # закрываем по правилам: код 1000
    sock.close()


async def main() -> None:
    await with_library()
    with_raw_socket()
    print(f"OK: каждое сообщение пришло {FRAGMENTS} фреймами, библиотека собрала их сама")


if __name__ == "__main__":
    asyncio.run(main())
