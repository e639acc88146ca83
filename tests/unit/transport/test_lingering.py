"""The lingering close: drop what the peer still sends, close when it is quiet, done, or too slow."""

from __future__ import annotations

import asyncio
import os

from service.transport.lingering import Lingering, is_close_frame


class Transport:
    def __init__(self) -> None:
        self.closed_at: float | None = None
        self.reading = False

    def is_reading(self) -> bool:
        return self.reading

    def resume_reading(self) -> None:
        self.reading = True

    def close(self) -> None:
        if self.closed_at is None:
            self.closed_at = asyncio.get_running_loop().time()


def close_frame(payload: bytes = b"\x03\xe8") -> bytes:
    return bytes([0x88, 0x80 | len(payload)]) + os.urandom(4) + payload


def test_only_a_read_that_is_one_close_frame_counts() -> None:
    assert is_close_frame(close_frame())
    assert is_close_frame(close_frame(b""))
    assert is_close_frame(close_frame(b"\x03\xe8" + b"r" * 123))
    assert not is_close_frame(b"x" * 100 + close_frame())  # the end of something else
    assert not is_close_frame(close_frame() + b"more")
    assert not is_close_frame(close_frame()[:-1])
    assert not is_close_frame(b"")


async def test_it_closes_once_the_peer_is_quiet() -> None:
    transport = Transport()
    loop = asyncio.get_running_loop()
    started = loop.time()
    Lingering(transport, loop, quiet=0.05, limit=5)  # type: ignore[arg-type]
    assert transport.reading
    await asyncio.sleep(0.3)
    assert transport.closed_at is not None
    assert 0.05 <= transport.closed_at - started <= 0.2


async def test_it_closes_at_once_on_the_peer_s_close_frame() -> None:
    transport = Transport()
    loop = asyncio.get_running_loop()
    lingering = Lingering(transport, loop, quiet=1.0, limit=5)  # type: ignore[arg-type]
    lingering.heard(b"x" * 100)
    assert transport.closed_at is None
    lingering.heard(close_frame())
    assert transport.closed_at is not None


async def test_a_peer_that_never_stops_is_cut_off_at_the_limit() -> None:
    transport = Transport()
    loop = asyncio.get_running_loop()
    started = loop.time()
    lingering = Lingering(transport, loop, quiet=0.02, limit=0.2)  # type: ignore[arg-type]
    while transport.closed_at is None and loop.time() - started < 2:
        lingering.heard(b"flood")
        await asyncio.sleep(0.005)
    assert transport.closed_at is not None
    assert transport.closed_at - started < 0.4
