"""The outbox: ordering, no task while idle, and the bound on a slow client."""

from __future__ import annotations

import asyncio

from service.channels.outbox import Outbox


async def test_outbox_sends_in_order_and_needs_no_task_when_idle() -> None:
    sent: list[bytes] = []

    async def send(frame: bytes) -> None:
        await asyncio.sleep(0)
        sent.append(frame)

    outbox = Outbox(send, limit=100, on_overflow=lambda: None)
    assert outbox.idle
    tasks_before = len(asyncio.all_tasks())
    for n in range(50):
        assert outbox.offer(str(n).encode())
    assert len(asyncio.all_tasks()) == tasks_before + 1
    outbox.close()
    assert not outbox.offer(b"late")
    await outbox.drained(1)
    assert sent == [str(n).encode() for n in range(50)]
    assert outbox.idle
    assert len(asyncio.all_tasks()) == tasks_before


async def test_a_client_that_does_not_read_overflows_instead_of_growing() -> None:
    blocked = asyncio.Event()
    overflows: list[bool] = []

    async def never_returns(_: bytes) -> None:
        await blocked.wait()

    outbox = Outbox(never_returns, limit=10, on_overflow=lambda: overflows.append(True))
    accepted = sum(outbox.offer(str(n).encode()) for n in range(100))
    await asyncio.sleep(0)
    assert accepted == 10
    assert overflows == [True]
    assert outbox.overflowed
    assert len(outbox) == 0
    await outbox.drained(1)
