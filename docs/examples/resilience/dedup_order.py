"""Разбор ответов по `request_id`: ответы перемешаны (`delay_ms`), кадры повторяются
(`duplicate`) и идут не по порядку (`shuffle`). Клиент собирает кадры по запросам, отбрасывает
повторы и проверяет порядок каждого ответа: первым `ack`, последним `event` или `error`.

Нужны Python 3.10+ и `pip install websockets`. Запуск при работающем сервисе:

    python dedup_order.py

Сервис по другому адресу: `QA_KIT_HOST=stand.example:8002 python dedup_order.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
# seed делает перемешивание (shuffle) одинаковым при каждом запуске.
URL = f"ws://{HOST}/ws?channel=resilience-order&seed=3"

REQUESTS: list[dict[str, Any]] = [
    # Ответ целиком придёт на 400 мс позже — уже после ответов на следующие запросы.
    {"action": "triplet_demo", "request_id": "r-slow", "simulate": {"delay_ms": 400}},
    # ack и echo придут по два раза.
    {
        "action": "echo",
        "payload": {"text": "hello"},
        "request_id": "r-dup",
        "simulate": {"duplicate": ["ack", "echo"]},
    },
    # step придут по два раза, и все кадры после ack — в случайном порядке.
    {"action": "triplet_demo", "request_id": "r-mix", "simulate": {"shuffle": True, "duplicate": ["step"]}},
]
QUIET = 0.5  # секунды тишины после последнего ожидаемого кадра: вдруг придёт ещё что-то


def label(frame: dict[str, Any]) -> str:
    """`ack`, `step 1`, `event ws.echo`: тип кадра и то, что отличает его от соседей."""
    if frame["type"] == "event":
        return f"event {frame['event']}"
    if frame["type"] == "step":
        return f"step {frame['step']}"
    return str(frame["type"])


def order_problems(labels: list[str]) -> list[str]:
    """Чем порядок кадров одного ответа нарушает контракт (пустой список — ничем)."""
    problems = []
    if labels[0] != "ack":
        problems.append("первым пришёл не ack")
    if not labels[-1].startswith(("event", "error")):
        problems.append("последним пришёл не event/error")
    steps = [int(x.split()[1]) for x in labels if x.startswith("step")]
    if steps != sorted(steps):
        problems.append("step не по порядку")
    return problems


async def collect(ws: ClientConnection, request_ids: set[str]) -> list[dict[str, Any]]:
    """Все кадры, пока на каждый запрос не придёт `event`/`error`, и ещё `QUIET` секунд тишины.

    Порядок может быть нарушен, поэтому последний кадр ответа ещё не значит «больше ничего не будет».
    """
    frames = []
    finished: set[str] = set()
    while finished != request_ids:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
        frames.append(frame)
        if frame["type"] in ("event", "error"):
            finished.add(frame["request_id"])
    while True:
        try:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), QUIET)))
        except TimeoutError:
            return frames


async def main() -> None:
    async with websockets.connect(URL) as ws:
        for request in REQUESTS:
            await ws.send(json.dumps(request))
        print("отправлены подряд:", ", ".join(r["request_id"] for r in REQUESTS))
        frames = await collect(ws, {r["request_id"] for r in REQUESTS})

    print("пришли в таком порядке:")
    groups: dict[str, list[str]] = {}  # request_id → кадры ответа без повторов
    duplicates: dict[str, int] = {}
    seen: set[str] = set()
    for frame in frames:
        request_id = frame["request_id"]
        # Повтор — тот же кадр ещё раз: тот же запрос, тот же тип, тот же шаг.
        key = f"{request_id}/{label(frame)}"
        repeated = key in seen
        seen.add(key)
        print(f"  {request_id:7} {label(frame)}{'  (повтор)' if repeated else ''}")
        if repeated:
            duplicates[request_id] = duplicates.get(request_id, 0) + 1
        else:
            groups.setdefault(request_id, []).append(label(frame))

    print("по запросам:")
    broken = []
    for request_id, labels in groups.items():
        problems = order_problems(labels)
        verdict = "НАРУШЕН: " + ", ".join(problems) if problems else "порядок верный"
        print(f"  {request_id}: {' → '.join(labels)}; повторов {duplicates.get(request_id, 0)}; {verdict}")
        if problems:
            broken.append(request_id)

    assert list(groups) == ["r-dup", "r-mix", "r-slow"], list(groups)  # r-slow пришёл последним
    assert broken == ["r-mix"], broken  # перемешали только r-mix
    print("OK: повторы отброшены, нарушение порядка найдено там, где мы его заказали (r-mix)")


if __name__ == "__main__":
    asyncio.run(main())
