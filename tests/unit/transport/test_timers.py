"""A connection's timers: due order, ties in the order set, all cancelled at once."""

from __future__ import annotations

import asyncio
import functools

from service.transport.timers import Timers


async def test_callbacks_run_in_due_order_and_ties_in_the_order_they_were_set() -> None:
    timers = Timers()
    ran: list[str] = []
    for name, delay in [("c", 0.06), ("a1", 0.02), ("b", 0.04), ("a2", 0.02), ("a3", 0.02), ("now", 0)]:
        timers.at(delay, functools.partial(ran.append, name))
    await asyncio.sleep(0.15)
    assert ran == ["now", "a1", "a2", "a3", "b", "c"]
    assert len(timers) == 0


async def test_cancel_forgets_every_callback() -> None:
    timers = Timers()
    ran: list[int] = []
    for n in range(5):
        timers.at(0.02 * n, functools.partial(ran.append, n))
    timers.cancel()
    await asyncio.sleep(0.15)
    assert ran == []


async def test_a_failing_callback_does_not_stop_the_others() -> None:
    timers = Timers()
    ran: list[int] = []

    def boom() -> None:
        raise RuntimeError("a bug")

    timers.at(0.01, boom)
    timers.at(0.01, lambda: ran.append(1))
    await asyncio.sleep(0.05)
    assert ran == [1]
