"""Повтор с нарастающей паузой: запрос, на который сервер ответил `error storage_unavailable`.

Нужны Python 3.10+ и `pip install websockets`. Запуск при работающем сервисе:

    python retries.py

Сервис по другому адресу: `QA_KIT_HOST=stand.example:8002 python retries.py`.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
URL = f"ws://{HOST}/ws?channel=resilience-retries"

MAX_ATTEMPTS = 5
FIRST_PAUSE = 0.2  # секунды; каждая следующая пауза вдвое длиннее: 0.2, 0.4, 0.8, 1.6
RETRYABLE = {"storage_unavailable"}  # сбой на время: есть смысл повторить
FAILING_ATTEMPTS = 2  # столько первых попыток сервер «не может достать заказ» (simulate.fail)


def label(frame: dict[str, Any]) -> str:
    """`ack`, `order`, `event order.viewed`, `error storage_unavailable`."""
    if frame["type"] == "event":
        return f"event {frame['event']}"
    if frame["type"] == "error":
        return f"error {frame['code']}"
    return str(frame["type"])


async def answer_to(ws: ClientConnection, request_id: str) -> list[dict[str, Any]]:
    """Кадры ответа на `request_id` — до последнего (`event` или `error`)."""
    frames = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        if frame["request_id"] != request_id:
            continue  # чужой кадр (рассылка, уведомление)
        frames.append(frame)
        if frame["type"] in ("event", "error"):
            return frames


async def get_order(ws: ClientConnection, order_id: int) -> tuple[dict[str, Any], list[str]]:
    """Прочитать заказ, повторяя запрос после временного сбоя; заказ и request_id попыток."""
    attempts = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # У каждой попытки свой request_id: опоздавший ответ на прошлую попытку
        # не спутать с ответом на эту.
        request_id = f"r-order-{order_id}-a{attempt}"
        attempts.append(request_id)
        request: dict[str, Any] = {
            "action": "get_order",
            "payload": {"id": order_id},
            "request_id": request_id,
        }
        if attempt <= FAILING_ATTEMPTS:
            # В жизни сбой случается сам; здесь мы просим о нём сервер.
            request["simulate"] = {"fail": "storage_unavailable"}
        await ws.send(json.dumps(request))
        frames = await answer_to(ws, request_id)
        print(f"попытка {attempt} ({request_id}):", " → ".join(label(f) for f in frames))

        last = frames[-1]
        if last["type"] == "event":
            order = next(f["data"] for f in frames if f["type"] == "order")
            return order, attempts
        if last["code"] not in RETRYABLE or attempt == MAX_ATTEMPTS:
            raise RuntimeError(f"заказ {order_id} не получен: {last['code']}")
        pause = FIRST_PAUSE * 2 ** (attempt - 1)
        print(f"  временный сбой — повторим через {pause:.1f} с")
        await asyncio.sleep(pause)
    raise AssertionError("unreachable")


def faults_injected(request_id: str) -> list[dict[str, Any]]:
    """Что сервер сделал с этим запросом нарочно: последняя запись `fault.injected` о нём."""
    connection = http.client.HTTPConnection(HOST, timeout=5)
    connection.request("GET", f"/events?event=fault.injected&request_id={request_id}&limit=1")
    records: list[dict[str, Any]] = json.loads(connection.getresponse().read())
    connection.close()
    return records


async def main() -> None:
    async with websockets.connect(URL) as ws:
        order, attempts = await get_order(ws, 1)
    assert order["id"] == 1, order
    assert len(attempts) == FAILING_ATTEMPTS + 1, attempts
    print(f"OK: заказ 1 получен с попытки {len(attempts)}")

    print("что сервер сделал нарочно (GET /events?event=fault.injected):")
    for request_id in attempts:
        records = faults_injected(request_id)
        faults = [record["data"]["faults"] for record in records]
        print(f"  {request_id}:", json.dumps(faults) if faults else "без сбоев")


if __name__ == "__main__":
    asyncio.run(main())
