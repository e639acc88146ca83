"""Many concurrent status changes on the same orders, over REST and WebSocket, through the real
service on PostgreSQL: only legal chains happen, competing changes have one winner each, and
every real change makes exactly one event record and one notification to every other client.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from service.orders.model import OrderStatus
from tests.support.client import ContractClient, Frame
from tests.support.live import LiveService
from tests.support.orders import assert_legal_chain

pytestmark = pytest.mark.postgres

MIX = [
    "paid",
    "paid",
    "cancelled",
    "cancelled",
    "shipped",
    "shipped",
    "delivered",
    "delivered",
    "paid",
    "cancelled",
]
"""Ten competing requests per order: some legal alone, some only after another one."""
CHANGED = "order.status_changed"


async def create_orders(http: httpx.AsyncClient, count: int, label: str) -> list[int]:
    ids = []
    for n in range(count):
        response = await http.post(
            "/orders", json={"customer": f"{label} {n}", "product": "Race", "quantity": 1}
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def patch_all(http: httpx.AsyncClient, calls: list[tuple[int, str]]) -> list[httpx.Response]:
    """Every PATCH at once."""
    return await asyncio.gather(
        *(http.patch(f"/orders/{order_id}/status", json={"status": status}) for order_id, status in calls)
    )


async def ws_change_all(service: LiveService, ids: list[int]) -> list[tuple[int, str, str]]:
    """Ten clients, each sending change_status for every order at once: ``(order, status, outcome)``."""

    async def one_client(k: int) -> list[tuple[int, str, str]]:
        async with ContractClient.connect(service.ws, channel=f"racer-{k}") as client:
            wanted = {
                f"ws-{k}-{order_id}": (order_id, MIX[(k + i) % len(MIX)]) for i, order_id in enumerate(ids)
            }
            for request_id, (order_id, status) in wanted.items():
                payload = {"id": order_id, "status": status}
                await client.send({"action": "change_status", "payload": payload, "request_id": request_id})
            finals: dict[str, Frame] = {}
            while len(finals) < len(wanted):
                frame = await client.recv(timeout=10)
                if frame["request_id"] in wanted and frame["type"] in {"event", "error"}:
                    finals[frame["request_id"]] = frame
        return [
            (*wanted[request_id], "changed" if frame["type"] == "event" else frame["code"])
            for request_id, frame in finals.items()
        ]

    parts = await asyncio.gather(*(one_client(k) for k in range(len(MIX))))
    return [outcome for part in parts for outcome in part]


class Listener:
    """A client on a channel of its own that only watches ``order.status_changed`` notifications."""

    def __init__(self, client: ContractClient) -> None:
        self.client = client
        self.notifications: list[Frame] = []
        self._arrived = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Listener:
        self._task = asyncio.create_task(self._listen())
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _listen(self) -> None:
        while True:
            frame = await self.client.recv(timeout=120)
            if frame["type"] == "event" and frame["event"] == CHANGED:
                assert frame["request_id"] is None
                async with self._arrived:
                    self.notifications.append(frame)
                    self._arrived.notify_all()

    async def at_least(self, count: int, *, within: float = 10) -> None:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.notifications) >= count), within)

    async def after_silence(self, seconds: float = 0.5) -> list[Frame]:
        """The notifications, once none more came for ``seconds`` (a duplicate would have)."""
        count = -1
        while count != len(self.notifications):
            count = len(self.notifications)
            await asyncio.sleep(seconds)
        return self.notifications


def chains_from(records: list[dict[str, Any]]) -> dict[int, list[tuple[OrderStatus, OrderStatus]]]:
    chains: dict[int, list[tuple[OrderStatus, OrderStatus]]] = defaultdict(list)
    for record in records:
        order = record["data"]["order"]
        chains[order["id"]].append(
            (OrderStatus(record["data"]["previous_status"]), OrderStatus(order["status"]))
        )
    return chains


async def test_concurrent_status_changes_make_legal_chains_and_one_event_each(
    services: Callable[..., LiveService], fresh_database: Callable[[], str]
) -> None:
    service = services(fresh_database())
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    async with (
        httpx.AsyncClient(base_url=service.http, timeout=30, limits=limits) as http,
        ContractClient.connect(service.ws, channel="listener") as watcher,
        Listener(watcher) as listener,
    ):
        mixed = await create_orders(http, 20, "Mixed")
        identical = await create_orders(http, 5, "Identical")
        over_ws = await create_orders(http, 10, "Socket")

        began = time.monotonic()
        rest_calls = [(i, status) for i in mixed for status in MIX] + [
            (i, "paid") for i in identical for _ in MIX
        ]
        responses = await patch_all(http, rest_calls)
        ws_outcomes = await ws_change_all(service, over_ws)
        print(
            f"\n[race] {len(rest_calls)} PATCH + {len(ws_outcomes)} WS change_status in "
            f"{time.monotonic() - began:.2f} s"
        )

        assert {r.status_code for r in responses} <= {200, 409}, Counter(r.status_code for r in responses)
        rest_won = Counter(
            order_id for (order_id, _), r in zip(rest_calls, responses, strict=True) if r.status_code == 200
        )
        for (_, status), response in zip(rest_calls, responses, strict=True):
            if response.status_code == 200:
                assert response.json()["status"] == status
            else:
                assert response.json()["code"] == "invalid_transition"
        assert {outcome for *_, outcome in ws_outcomes} <= {"changed", "invalid_transition"}, ws_outcomes
        ws_won = Counter(order_id for order_id, _, outcome in ws_outcomes if outcome == "changed")
        won = rest_won + ws_won

        records = (await http.get("/events", params={"event": CHANGED, "limit": 1000})).json()
        chains = chains_from(records)
        for order_id in itertools.chain(mixed, identical, over_ws):
            final = (await http.get(f"/orders/{order_id}")).json()["status"]
            assert len(chains[order_id]) == won[order_id], f"order {order_id}: one event record per change"
            assert_legal_chain(chains[order_id], OrderStatus(final))
        for order_id in identical:  # ten identical legal-alone changes: exactly one winner
            assert won[order_id] == 1
            assert chains[order_id] == [(OrderStatus.CREATED, OrderStatus.PAID)]
        # A legal chain has at most one change from each status, and every order left `created`:
        # of the competing changes legal from `created` (paid, cancelled), exactly one won.
        for order_id in mixed + over_ws:
            assert [previous for previous, _ in chains[order_id]].count(OrderStatus.CREATED) == 1

        total = sum(won.values())
        print(
            f"[race] {total} changes won, {len(rest_calls) + len(ws_outcomes) - total} refused "
            "(409 / invalid_transition)"
        )
        await listener.at_least(total)
        notifications = await listener.after_silence()
    assert len(notifications) == total
    assert Counter(f["data"]["order"]["id"] for f in notifications) == won
