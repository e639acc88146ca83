"""The running service's parts, wired together once, started and closed with the app."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass

from generated import rest_models as rest
from service import __version__
from service.actions.answers import ActionAnswers
from service.actions.journal import ActionJournal
from service.actions.order_desk import OrderDesk
from service.bus import open_kafka
from service.bus.memory import RecentEvents
from service.channels.hub import ChannelHub
from service.delivery import Delivery
from service.events.publisher import EventPublisher, Publishers
from service.orders.store import OrderStore
from service.settings import Settings
from service.storage import open_store
from service.storage.traced import TracedStore
from service.streams.history import ChannelHistory
from service.streams.presence import Roster
from service.traces.book import TraceBook

GOING_AWAY = 1001
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_memory() -> int:
    """This process's resident memory in bytes (0 where ``/proc`` is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


@dataclass(slots=True, kw_only=True)
class Runtime:
    """Everything a request handler needs."""

    settings: Settings
    store: OrderStore
    hub: ChannelHub
    recent_events: RecentEvents
    kafka: EventPublisher | None
    orders: OrderDesk
    history: ChannelHistory
    roster: Roster
    traces: TraceBook
    answers: ActionAnswers
    delivery: Delivery
    journal: ActionJournal
    started_at: float

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        traced = settings.traces
        traces = TraceBook(
            requests=traced.requests,
            ttl=traced.ttl_seconds,
            max_bytes=traced.max_bytes,
            per_second=traced.per_second,
        )
        store = open_store(settings.store)
        if traces.enabled:
            store = TracedStore(store)
        hub = ChannelHub(
            max_total=settings.limits.max_connections, max_per_channel=settings.limits.max_per_channel
        )
        recent = RecentEvents()
        kafka = open_kafka(settings.kafka)
        events = Publishers(recent) if kafka is None else Publishers(recent, kafka)
        journal = ActionJournal(
            mode=settings.server.log_actions, per_second=settings.server.log_actions_per_second
        )
        orders = OrderDesk(store=store)
        bounds = settings.history
        history = ChannelHistory(
            size=bounds.size,
            ttl=bounds.ttl_seconds,
            channels=bounds.channels,
            max_bytes=bounds.max_bytes,
            in_use=lambda channel: hub.size(channel) > 0,
        )
        roster = Roster()
        return cls(
            settings=settings,
            store=store,
            hub=hub,
            recent_events=recent,
            kafka=kafka,
            orders=orders,
            history=history,
            roster=roster,
            traces=traces,
            answers=ActionAnswers(orders=orders, history=history, roster=roster, journal=journal),
            delivery=Delivery(hub=hub, events=events, broker=kafka is not None),
            journal=journal,
            started_at=time.monotonic(),
        )

    async def start(self) -> None:
        self.journal.start()
        await self.store.start()
        if self.kafka is not None:
            await self.kafka.start()

    async def say_goodbye(self, *, grace: float = 3.0) -> int:
        """Close every WebSocket client with 1001 (going away); wait for them up to ``grace`` seconds."""
        asked = self.hub.close_everyone(GOING_AWAY, "the server is shutting down")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await self.hub.emptied()
        return asked

    async def close(self) -> None:
        if self.kafka is not None:
            await self.kafka.close()
        await self.store.close()
        await self.journal.close()

    async def health(self) -> rest.Health:
        """The service's state and each dependency's, for ``GET /health``."""
        store_error = await self.store.check()
        store = rest.StoreHealth(
            backend=rest.Backend(self.store.backend),
            status=rest.DependencyState.down if store_error else rest.DependencyState.up,
            **({"error": store_error} if store_error else {}),
        )
        if self.kafka is None:
            kafka = rest.KafkaHealth(status=rest.DependencyState.disabled, published=0, buffered=0, dropped=0)
        else:
            state = self.kafka.health()
            kafka = rest.KafkaHealth(
                status=rest.DependencyState(state.status),
                published=state.published,
                buffered=state.buffered,
                dropped=state.dropped,
                **({"topic": state.topic} if state.topic else {}),
                **({"error": state.error} if state.error else {}),
            )
        degraded = store.status == rest.DependencyState.down or kafka.status == rest.DependencyState.down
        return rest.Health(
            status=rest.Status.degraded if degraded else rest.Status.ok,
            version=__version__,
            uptime_seconds=round(time.monotonic() - self.started_at, 3),
            process=rest.ProcessHealth(
                rss_bytes=resident_memory(), tasks=len(asyncio.all_tasks()), connections=self.hub.total
            ),
            dependencies=rest.Dependencies(store=store, kafka=kafka),
        )
