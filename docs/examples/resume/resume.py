"""Переподключение без потерь: клиент помнит `offset` и `epoch` последней рассылки канала и после
обрыва подключается снова с `since` и `epoch` — сервер досылает всё, что клиент пропустил, по
порядку и без повторов. Если история потеряна (`recovered: false`), клиент перезагружает
состояние и продолжает с `offset` из кадра `subscribed`.

Нужны Python 3.10+ и `pip install websockets`. Запуск при работающем сервисе:

    python resume.py

Сервис по другому адресу: `QA_KIT_HOST=stand.example:8002 python resume.py`.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import secrets
import socket
import struct
import time
from typing import Any
from urllib.parse import urlencode

import websockets
from websockets.asyncio.client import ClientConnection

HOST = os.environ.get("QA_KIT_HOST", "localhost:8002")
RUN = secrets.token_hex(4)  # свои каналы на каждый запуск: offset в них начинаются с 1
BROADCASTS = 200  # столько рассылок отправит издатель в первом сценарии,
PER_SECOND = 200  # примерно с такой скоростью
# После какой рассылки клиент теряет соединение и как.
DROPS = {50: "close", 100: "reset", 150: "server"}
PAUSE = 0.05  # секунды перед переподключением
AWAY = 105  # во втором сценарии: столько рассылок уходит, пока клиента нет


def rest(method: str, path: str) -> Any:
    """Запрос к REST API; ответ как JSON."""
    connection = http.client.HTTPConnection(HOST, timeout=5)
    connection.request(method, path)
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 200, (response.status, body)
    return body


def publish(channel: str, first: int, last: int, per_second: float = 0) -> None:
    """Рассылки `m{first}` … `m{last}` в канал через `POST /broadcast` — так пишет в канал бэкенд.

    Текст рассылки — её ожидаемый offset: так клиент проверит, что под каждым offset пришло
    то, что было отправлено (в свежем канале n-я рассылка получает offset n).
    """
    connection = http.client.HTTPConnection(HOST, timeout=5)
    for n in range(first, last + 1):
        connection.request("POST", "/broadcast?" + urlencode({"channel": channel, "message": f"m{n}"}))
        response = connection.getresponse()
        answer = json.loads(response.read())
        assert response.status == 200, answer
        assert answer["offset"] == n, answer
        if per_second:
            time.sleep(1 / per_second)
    connection.close()


class Subscriber:
    """Клиент канала: помнит, на чём остановился, и ничего не обрабатывает дважды."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.epoch: str | None = None  # эпоха потока канала, в которой клиент видел offset
        self.offset = 0  # offset последней обработанной рассылки; 0 — ещё ни одной
        self.received: list[int] = []  # состояние приложения: offset обработанных рассылок
        self.duplicates = 0  # рассылок с offset не больше последнего: повторы, отброшены
        self.lost: list[int] = []  # offset, которых нет и в истории канала

    def url(self) -> str:
        """Адрес для подключения: `since` — последний offset, `epoch` — его эпоха, если известна."""
        query: dict[str, str | int] = {"channel": self.channel, "since": self.offset}
        if self.epoch is not None:
            query["epoch"] = self.epoch
        return f"ws://{HOST}/ws?{urlencode(query)}"

    def on_subscribed(self, frame: dict[str, Any]) -> None:
        """Первый кадр соединения: можно ли продолжить с того места, где остановились."""
        assert frame["type"] == "subscribed", frame
        if frame["recovered"]:
            # Дальше придут frame["missed"] пропущенных рассылок по порядку, потом — новые.
            self.epoch = frame["epoch"]
        else:
            self.reload(frame["epoch"], frame["offset"])

    def on_broadcast(self, frame: dict[str, Any]) -> bool:
        """Обработать рассылку; `False` — это повтор: такой offset уже обработан."""
        if frame["epoch"] != self.epoch:
            # Поток канала начался заново, пока мы были подключены: история потеряна.
            self.reload(frame["epoch"], frame["offset"] - 1)
        if frame["offset"] <= self.offset:
            self.duplicates += 1
            return False
        self.apply(frame)
        return True

    def apply(self, frame: dict[str, Any]) -> None:
        """Изменить состояние приложения: ровно следующая рассылка, и та, что была отправлена."""
        offset = frame["offset"]
        assert offset == self.offset + 1, f"пропуск: после offset {self.offset} пришёл {offset}"
        assert frame["message"] == f"m{offset}", frame
        self.received.append(offset)
        self.offset = offset

    def reload(self, epoch: str, offset: int) -> None:
        """История потеряна: перезагрузить состояние и продолжить с `offset` эпохи `epoch`.

        Что сервер ещё хранит, берём из истории канала; остального там нет — его приложение
        берёт из своего источника (своя база, REST своего бэкенда). Здесь мы только считаем,
        сколько рассылок пришлось бы взять оттуда.
        """
        if epoch != self.epoch and self.epoch is not None:
            # Другая эпоха: offset начались заново, со старыми их не сравнить.
            self.offset = 0
        self.epoch = epoch
        loaded: list[int] = []
        lost: list[int] = []
        while self.offset < offset:
            page = rest("GET", f"/channels/{self.channel}/history?" + urlencode({"since": self.offset}))
            held = [f for f in page["frames"] if f["epoch"] == epoch and self.offset < f["offset"] <= offset]
            first = held[0]["offset"] if held else offset + 1
            lost.extend(range(self.offset + 1, first))
            self.offset = first - 1
            for frame in held:
                self.apply(frame)
                loaded.append(frame["offset"])
        self.lost.extend(lost)
        print(f"  состояние перезагружено: из истории — {span(loaded)}, нет и в истории — {span(lost)}")


def span(offsets: list[int]) -> str:
    """`offset 6…10 (5)` для идущих подряд offset; `ничего` для пустого списка."""
    return f"offset {offsets[0]}…{offsets[-1]} ({len(offsets)})" if offsets else "ничего"


def reset(ws: ClientConnection) -> None:
    """Оборвать TCP-соединение: RST вместо кадра закрытия, как при сбое сети."""
    sock = ws.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    ws.transport.abort()


async def connect(client: Subscriber, number: int) -> tuple[ClientConnection, dict[str, Any]]:
    """Подключиться с `since` и `epoch` клиента; соединение и его первый кадр, `subscribed`."""
    asked = f"since={client.offset}" + (" и epoch" if client.epoch is not None else "")
    ws = await websockets.connect(client.url())
    subscribed = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
    print(f"  подключение {number} ({asked}): recovered: {json.dumps(subscribed['recovered'])}")
    client.on_subscribed(subscribed)
    return ws, subscribed


async def receive(client: Subscriber, ws: ClientConnection, last: int, drops: dict[int, str]) -> bool:
    """Обрабатывать рассылки до offset `last`; после offset из `drops` — потерять соединение.

    `True` — получены все до `last`; `False` — соединение потеряно, пора переподключаться.
    """
    try:
        while client.offset < last:
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
            if frame["type"] != "broadcast" or not client.on_broadcast(frame):
                continue
            how = drops.get(client.offset)
            if how == "close":
                print(f"  после offset {client.offset} закрываем соединение сами (1000)")
                await ws.close()
                return False
            if how == "reset":
                print(f"  после offset {client.offset} обрываем TCP-соединение (RST, без кадра закрытия)")
                reset(ws)
                return False
            if how == "server":
                print(f"  после offset {client.offset} просим сервер закрыть соединение (simulate.close)")
                bye = {"action": "ping", "request_id": "r-bye", "simulate": {"close": {"code": 1012}}}
                await ws.send(json.dumps(bye))
                # Что придёт до закрытия, уже не обрабатываем: сервер дошлёт это снова.
                while True:
                    await asyncio.wait_for(ws.recv(), timeout=5)
    except websockets.ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd is not None else 1006
        print(f"  сервер закрыл соединение: {code}")
        return False
    return True


async def lossless() -> None:
    print(f"1) {BROADCASTS} рассылок через POST /broadcast, клиент трижды теряет соединение")
    client = Subscriber(f"resume-{RUN}")
    publisher = asyncio.create_task(asyncio.to_thread(publish, client.channel, 1, BROADCASTS, PER_SECOND))
    number = 0
    while True:
        number += 1
        ws, _ = await connect(client, number)
        if await receive(client, ws, BROADCASTS, DROPS):
            break
        await asyncio.sleep(PAUSE)
    await ws.close()
    await publisher
    assert client.received == list(range(1, BROADCASTS + 1)), client.received
    print(
        f"  получено {len(client.received)} рассылок: offset 1…{BROADCASTS}, каждый ровно один раз"
        f" и по порядку; повторов отброшено: {client.duplicates}"
    )


async def history_lost() -> None:
    print("2) пока клиента нет, в канал уходит больше рассылок, чем хранит история")
    client = Subscriber(f"resume-lost-{RUN}")
    publish(client.channel, 1, 5)
    ws, subscribed = await connect(client, 1)
    await receive(client, ws, 5, {})
    print(f"  следом пришли пропущенные: missed: {subscribed['missed']}, {span(client.received)}")
    await ws.close()
    print(f"  после offset {client.offset} закрываем соединение; пока клиента нет, уходит ещё {AWAY}")
    publish(client.channel, 6, 5 + AWAY)
    ws, _ = await connect(client, 2)
    last = 5 + AWAY + 2
    publish(client.channel, 6 + AWAY, last)
    await receive(client, ws, last, {})
    await ws.close()
    print(f"  дальше новые рассылки, как обычно: {span(client.received[-2:])}")
    print(f"  повторов отброшено: {client.duplicates}")
    assert sorted(client.received + client.lost) == list(range(1, last + 1)), "каждый offset — один раз"
    assert client.received == sorted(client.received), "по порядку"


async def main() -> None:
    await lossless()
    await history_lost()
    print("OK: после обрывов клиент получил всё ровно один раз, а о потерянной истории узнал сразу")


if __name__ == "__main__":
    asyncio.run(main())
