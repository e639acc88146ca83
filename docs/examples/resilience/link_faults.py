"""Сбои всего соединения, заданные при handshake: задержка (`latency_ms`, `jitter_ms`) и потери
рассылок (`drop_rate`); `seed` делает случайность повторяемой.

Нужны Python 3.10+ и `pip install websockets`. Запуск при работающем сервисе:

    python link_faults.py

Сервис по другому адресу: `QA_KIT_HOST=stand.example:8002 python link_faults.py`.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import secrets
import time
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
RUN = secrets.token_hex(4)  # свои каналы на каждый запуск: записи прошлых запусков не мешают
BROADCASTS = 10


async def answer(ws: ClientConnection, request_id: str) -> list[dict[str, Any]]:
    """Кадры ответа на `request_id` — до последнего; кадры рассылок пропускаем."""
    frames = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        if frame["request_id"] == request_id:
            frames.append(frame)
            if frame["type"] in ("event", "error"):
                return frames


async def latency() -> None:
    print("1) latency_ms=300, jitter_ms=200, seed=1: каждый кадр — на 300–500 мс позже")
    url = f"ws://{HOST}/ws?channel=resilience-latency-{RUN}&latency_ms=300&jitter_ms=200&seed=1"
    async with websockets.connect(url) as ws:
        started = time.monotonic()
        await ws.send(json.dumps({"action": "ping", "request_id": "r-ping"}))
        await answer(ws, "r-ping")
        assert time.monotonic() - started >= 0.3
        print("  ping → event ws.pong: не быстрее 300 мс")

        for n in (1, 2, 3):
            await ws.send(json.dumps({"action": "echo", "payload": {"n": n}, "request_id": f"r-{n}"}))
        order: list[str] = []
        for _ in range(3 * 3):  # ack, echo, event на каждый запрос
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
            if not order or order[-1] != frame["request_id"]:
                order.append(frame["request_id"])
        # Джиттер разный у каждого кадра, но порядок кадров он не меняет.
        print("  три echo подряд, ответы пришли в порядке:", ", ".join(order))
        assert order == ["r-1", "r-2", "r-3"], order


def dropped_reported(channel: str) -> int:
    """Сколько рассылок этому каналу сервер не отправил нарочно (`fault.injected` с `dropped`)."""
    connection = http.client.HTTPConnection(HOST, timeout=5)
    connection.request("GET", "/events?event=fault.injected&limit=1000")
    records = json.loads(connection.getresponse().read())
    connection.close()
    return sum(1 for r in records if r["channel"] == channel and "dropped" in r["data"]["faults"])


async def drops(seed: int, run: int) -> list[int]:
    """Номера рассылок, дошедших до клиента с `drop_rate=0.5` и этим `seed`."""
    channel = f"resilience-drops-{RUN}-{run}"
    lossy_url = f"ws://{HOST}/ws?channel={channel}&drop_rate=0.5&seed={seed}"
    async with (
        websockets.connect(lossy_url) as lossy,
        websockets.connect(f"ws://{HOST}/ws?channel={channel}") as sender,
    ):
        await lossy.send(json.dumps({"action": "ping", "request_id": "ready"}))
        await answer(lossy, "ready")  # теперь он точно в канале

        for n in range(1, BROADCASTS + 1):
            request = {"action": "broadcast", "payload": {"message": str(n)}, "request_id": f"b-{n}"}
            await sender.send(json.dumps(request))
            await answer(sender, f"b-{n}")

        # Кадры одного соединения не обгоняют друг друга: когда придёт ответ на этот ping,
        # всё, что сервер успел отправить раньше, уже здесь.
        await lossy.send(json.dumps({"action": "ping", "request_id": "done"}))
        received = []
        while True:
            frame = json.loads(await asyncio.wait_for(lossy.recv(), timeout=5))
            if frame["type"] == "broadcast":
                received.append(int(frame["message"]))
            elif frame["request_id"] == "done" and frame["type"] == "event":
                break
    lost = dropped_reported(channel)
    assert lost == BROADCASTS - len(received), (lost, received)
    shown = ", ".join(map(str, received))
    print(f"  seed={seed}, прогон {run}: дошли {shown} из {BROADCASTS}; сервер сообщил о потерях: {lost}")
    return received


async def main() -> None:
    await latency()
    print("2) drop_rate=0.5: каждая рассылка доходит с вероятностью 1/2")
    first = await drops(seed=7, run=1)
    second = await drops(seed=7, run=2)
    other = await drops(seed=8, run=3)
    assert first == second, (first, second)
    assert other != first, other
    print("OK: один и тот же seed — одни и те же потери, другой seed — другие")


if __name__ == "__main__":
    asyncio.run(main())
