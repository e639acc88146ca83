"""Таймаут ответа: сервер отвечает поздно (`simulate.delay_ms`), клиент перестаёт ждать.

Нужны Python 3.10+ и `pip install websockets`. Запуск при работающем сервисе:

    python timeouts.py

Сервис по другому адресу: `QA_KIT_HOST=stand.example:8002 python timeouts.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
URL = f"ws://{HOST}/ws?channel=resilience-timeouts"
DELAY_MS = 1000  # на столько сервер задержит каждый ответ


def label(frame: dict[str, Any]) -> str:
    """`ack`, `echo`, `event ws.echo`: тип кадра, у события — с его именем."""
    return f"event {frame['event']}" if frame["type"] == "event" else frame["type"]


async def read_answer(ws: ClientConnection, request_id: str) -> list[str]:
    """Кадры ответа на `request_id` — до последнего (`event` или `error`)."""
    answer = []
    while True:
        frame = json.loads(await ws.recv())
        if frame["request_id"] != request_id:
            # Ответ на запрос, которого мы уже не ждём: он опоздал. Не путаем его с нужным.
            print(f"  пропускаем опоздавший кадр {label(frame)} ({frame['request_id']})")
            continue
        answer.append(label(frame))
        if frame["type"] in ("event", "error"):
            return answer


async def ask(ws: ClientConnection, request_id: str, within: float) -> list[str] | None:
    """Отправить `echo` с задержкой на сервере и ждать ответ не дольше `within` секунд.

    `None` — ответа за это время не было.
    """
    request = {
        "action": "echo",
        "payload": {"text": "hello"},
        "request_id": request_id,
        "simulate": {"delay_ms": DELAY_MS},
    }
    await ws.send(json.dumps(request))
    try:
        return await asyncio.wait_for(read_answer(ws, request_id), within)
    except TimeoutError:
        return None


async def main() -> None:
    async with websockets.connect(URL) as ws:
        print(f"сервер задерживает ответы на {DELAY_MS} мс")

        print("1) ждём не дольше 0.3 с")
        answer = await ask(ws, "r-slow-1", within=0.3)
        assert answer is None, answer
        print("  r-slow-1: нет ответа за 0.3 с — таймаут, запрос не удался")

        print("2) ждём не дольше 3 с")
        started = time.monotonic()
        answer = await ask(ws, "r-slow-2", within=3)
        waited = time.monotonic() - started
        assert answer == ["ack", "echo", "event ws.echo"], answer
        assert waited >= DELAY_MS / 1000, waited
        print("  r-slow-2:", " → ".join(answer))
        print(f"  ответ пришёл не раньше чем через {DELAY_MS} мс, но до таймаута")
    print("OK: короткий таймаут сработал, длинный дождался ответа")


if __name__ == "__main__":
    asyncio.run(main())
