"""Переподключение: сервер закрыл соединение с кодом 1011 или 1012, клиент подключается снова
и продолжает работу; с кодом 1008 — не подключается.

Нужны Python 3.10+ и `pip install websockets`. Запуск при работающем сервисе:

    python reconnect.py

Сервис по другому адресу: `QA_KIT_HOST=stand.example:8002 python reconnect.py`.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
from typing import Any
from urllib.parse import urlencode

import websockets
from websockets.asyncio.client import ClientConnection

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
URL = f"ws://{HOST}/ws?channel=resilience-reconnect"

# Коды, после которых стоит подключиться снова: сервер уходит (1001), сбой на сервере (1011),
# перезапуск (1012), «попробуйте позже» (1013), обрыв без кадра закрытия (1006).
# 1000 (всё, до свидания) и 1008 (нарушение правил) — нет: повтор не поможет.
RECONNECT_CODES = {1001, 1006, 1011, 1012, 1013}
FIRST_PAUSE = 0.1  # секунды; каждая следующая пауза вдвое длиннее
MAX_ATTEMPTS = 5


class GaveUp(Exception):
    """Сервер закрыл соединение с кодом, после которого переподключаться не надо."""


def close_code(closed: websockets.ConnectionClosed) -> int:
    """Код закрытия от сервера; 1006 — если кадра закрытия не было (обрыв)."""
    return closed.rcvd.code if closed.rcvd is not None else 1006


def label(frame: dict[str, Any]) -> str:
    """`ack`, `echo`, `event ws.echo`: тип кадра, у события — с его именем."""
    return f"event {frame['event']}" if frame["type"] == "event" else frame["type"]


async def connect(url: str) -> ClientConnection:
    """Подключиться; если сервер ещё не поднялся — повторять с нарастающей паузой."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return await websockets.connect(url)
        except (OSError, websockets.InvalidStatus) as error:  # не слушает порт или ответил 503
            pause = FIRST_PAUSE * 2 ** (attempt - 1)
            print(f"  не подключились ({error}); ещё раз через {pause:.1f} с")
            await asyncio.sleep(pause)
    raise GaveUp(f"сервер недоступен после {MAX_ATTEMPTS} попыток")


async def reconnect_after(closed: websockets.ConnectionClosed, url: str) -> ClientConnection:
    """Новое соединение, если код закрытия это позволяет; иначе `GaveUp`."""
    code = close_code(closed)
    reason = closed.rcvd.reason if closed.rcvd is not None else ""
    print(f"  сервер закрыл соединение: {code} «{reason}»")
    if code not in RECONNECT_CODES:
        print(f"  {code} — переподключение не поможет, останавливаемся")
        raise GaveUp(str(code))
    print(f"  {code} — переподключаемся через {FIRST_PAUSE:.1f} с")
    await asyncio.sleep(FIRST_PAUSE)
    return await connect(url)


async def read_answer(ws: ClientConnection, request_id: str, got: list[str]) -> list[str]:
    """Дописать в `got` кадры ответа на `request_id` — до последнего (`event` или `error`)."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        if frame["request_id"] != request_id:
            continue
        got.append(label(frame))
        if frame["type"] in ("event", "error"):
            return got


async def request(
    ws: ClientConnection, frame: dict[str, Any], fault: dict[str, Any]
) -> tuple[ClientConnection, list[str]]:
    """Отправить запрос и получить ответ; при обрыве — новое соединение и тот же запрос снова.

    `fault` — сбой, о котором просим сервер в первой попытке (как сервер, упавший один раз).
    Возвращает соединение, которым пользоваться дальше, и кадры ответа.
    """
    await ws.send(json.dumps({**frame, "simulate": fault}))
    got: list[str] = []
    try:
        return ws, await read_answer(ws, frame["request_id"], got)
    except websockets.ConnectionClosed as closed:
        print(f"  {frame['request_id']}: до обрыва пришло: {', '.join(got) or 'ничего'}")
        ws = await reconnect_after(closed, URL)
    # Старое соединение закрыто, его ответы не придут: тот же request_id не спутается.
    print(f"  повторяем {frame['request_id']}")
    await ws.send(json.dumps(frame))
    return ws, await read_answer(ws, frame["request_id"], [])


def rest(method: str, path: str) -> Any:
    """Запрос к REST API; ответ как JSON."""
    connection = http.client.HTTPConnection(HOST, timeout=5)
    connection.request(method, path)
    body = json.loads(connection.getresponse().read())
    connection.close()
    return body


async def ping(ws: ClientConnection, request_id: str) -> None:
    """`ping` и ответ на него: после этого клиент точно в канале."""
    await ws.send(json.dumps({"action": "ping", "request_id": request_id}))
    await read_answer(ws, request_id, [])


async def next_broadcast(ws: ClientConnection) -> str:
    """Текст следующей рассылки, которая придёт этому клиенту."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        if frame["type"] == "broadcast":
            return str(frame["message"])


async def server_fails_mid_answer() -> None:
    print("1) сбой посреди ответа: simulate.close с кодом 1011 после первого кадра")
    ws = await connect(URL)
    echo = {"action": "echo", "payload": {"text": "hello"}, "request_id": "r-echo-1"}
    ws, answer = await request(ws, echo, {"close": {"code": 1011, "after_frames": 1}})
    print("  r-echo-1:", " → ".join(answer))
    assert answer == ["ack", "echo", "event ws.echo"], answer
    await ws.close()


async def server_restarts() -> None:
    print("2) перезапуск: disconnect_after_ms=1000, код по умолчанию — 1012")
    channel = "resilience-restart"
    # Сервер закроет каждое такое подключение через секунду после handshake.
    url = f"ws://{HOST}/ws?channel={channel}&disconnect_after_ms=1000"
    ws = await connect(url)
    for n, text in enumerate(["до перезапуска", "после перезапуска"], start=1):
        await ping(ws, f"r-ready-{n}")
        rest("POST", "/broadcast?" + urlencode({"channel": channel, "message": text}))
        print(f"  подписчик получил рассылку «{await next_broadcast(ws)}»")
        if n == 1:
            try:
                await asyncio.wait_for(ws.recv(), timeout=5)  # ждём, пока сервер «перезапустится»
                raise AssertionError("сервер должен был закрыть соединение")
            except websockets.ConnectionClosed as closed:
                ws = await reconnect_after(closed, url)
    await ws.close()

    # Что сервер сделал нарочно с подключениями этого канала (самые новые записи — первые).
    records = rest("GET", "/events?event=fault.injected&limit=50")
    ours = [r["data"]["faults"] for r in records if r["channel"] == channel][:3]
    print("  fault.injected этого канала:", ", ".join(json.dumps(f) for f in reversed(ours)))


async def server_refuses() -> None:
    print("3) нарушение правил: simulate.close с кодом 1008")
    ws = await connect(URL)
    ping_frame = {"action": "ping", "request_id": "r-ping-1"}
    try:
        await request(ws, ping_frame, {"close": {"code": 1008, "reason": "go away"}})
        raise AssertionError("клиент не должен был переподключиться")
    except GaveUp:
        pass


async def main() -> None:
    await server_fails_mid_answer()
    await server_restarts()
    await server_refuses()
    print("OK: после 1011 и 1012 клиент подключился снова и продолжил, после 1008 — нет")


if __name__ == "__main__":
    asyncio.run(main())
