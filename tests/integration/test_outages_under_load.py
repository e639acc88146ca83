"""100 busy clients while PostgreSQL and then the Kafka broker go away and come back.

Every request gets an answer (its data, or a clear ``error``), nothing hangs, and afterwards
everything works again without a restart.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support.client import ContractClient
from tests.support.live import start_service
from tests.support.postgres import address_of, through_port
from tests.support.tansu import NO_RATE_LIMIT, running_tansu, wait_for_kafka
from tests.support.tcp_proxy import tcp_proxy

CLIENTS = 100
ANSWER_WITHIN = 6.0
"""No request may wait longer for its last frame (the store's own bound is DB_TIMEOUT_SECONDS=2)."""


async def busy_client(
    url: str, n: int, stop: asyncio.Event, outcomes: Counter[str], slowest: list[float]
) -> None:
    async with ContractClient.connect(url, channel=f"busy-{n % 5}") as client:
        i = n  # clients start at different actions, so every phase sees all three
        while not stop.is_set():
            i += 1
            requests: list[tuple[str, dict[str, Any]]] = [
                ("echo", {"n": i}),
                ("get_order", {"id": 1 + i % 5}),
                ("create_order", {"customer": f"c{n}", "product": "p", "quantity": 1}),
            ]
            action, payload = requests[i % 3]
            began = time.monotonic()
            frames = await client.request(action, payload, request_id=f"{n}-{i}", timeout=ANSWER_WITHIN)
            slowest[0] = max(slowest[0], time.monotonic() - began)
            last = frames[-1]
            outcomes[f"{action}:{last['code'] if last['type'] == 'error' else 'ok'}"] += 1
            await asyncio.sleep(0.05)


async def test_postgres_and_kafka_outages_under_load(
    tmp_path: Path, fresh_database: Callable[[], str]
) -> None:
    dsn = fresh_database()
    host, port = address_of(dsn)
    with tcp_proxy(host, port) as proxy, running_tansu(tmp_path / "tansu.log") as broker:
        env = {
            "DATABASE_URL": through_port(dsn, proxy.port),
            "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
            **NO_RATE_LIMIT,
        }
        service = start_service(tmp_path / "service.log", env)
        try:
            await wait_for_kafka(service, lambda state: state["status"] == "up")
            stop = asyncio.Event()
            phases: dict[str, Counter[str]] = {}
            outcomes: Counter[str] = Counter()
            slowest = [0.0]
            clients = [
                asyncio.create_task(busy_client(service.ws, n, stop, outcomes, slowest))
                for n in range(CLIENTS)
            ]

            async def phase(name: str, seconds: float) -> None:
                outcomes.clear()
                await asyncio.sleep(seconds)
                phases[name] = Counter(outcomes)

            await phase("normal", 2)
            proxy.cut()
            await phase("postgres down", 3)
            proxy.restore()
            await phase("postgres back", 3)
            broker.kill()
            await phase("kafka down", 3)
            broker.start()
            await phase("kafka back", 3)
            stop.set()
            await asyncio.gather(*clients)  # a request left unanswered would raise here

            async with httpx.AsyncClient(base_url=service.http, timeout=10) as http:
                state = await wait_for_kafka(
                    service, lambda s: s["status"] == "up" and s["buffered"] == 0, 20
                )
                health = (await http.get("/health")).json()
                assert (await http.get("/orders/1")).status_code == 200
        finally:
            assert service.stop() == 0
    for name, counts in phases.items():
        print(f"\n{name:14} {dict(sorted(counts.items()))}")
    print(f"slowest answer {slowest[0]:.2f}s; kafka after: {state}")

    assert slowest[0] < ANSWER_WITHIN
    assert all(sum(counts.values()) > CLIENTS for counts in phases.values()), (
        "every phase kept the clients busy"
    )
    assert all(outcome.endswith(":ok") for outcome in phases["normal"]), phases["normal"]
    down = phases["postgres down"]
    assert down["echo:ok"] > 0, "echo keeps working without the database"
    assert down["get_order:storage_unavailable"] + down["create_order:storage_unavailable"] > 0
    assert phases["postgres back"]["get_order:ok"] > 0, "orders work again without a restart"
    for name in ("kafka down", "kafka back"):
        assert all(outcome.endswith(":ok") for outcome in phases[name]), (
            f"a broker outage changes no answer ({name}): {phases[name]}"
        )
    assert health["status"] == "ok"
    assert state["dropped"] == 0
    log = "\n".join(service.log_lines())
    assert "Traceback" not in log
