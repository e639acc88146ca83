"""Lossless resume under load, over real sockets: clients that join while broadcasts pour in,
and a reconnect storm (issue 15's main test). Every frame is checked against asyncapi.yaml
(each distinct frame text once: a broadcast reaches every client as the same bytes).

What both tests prove: whatever the moment a client (re)connects with ``since``, it gets every
offset after it exactly once and in order — the missed ones from the history, then live ones.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.client import Frame
from tests.support.live import LiveService, running_service
from tests.support.streams import SharedFrames, channel_info, post_broadcast, reset, room, ws_url

SEED = 15
CLIENTS = 50
BROADCASTS = 2000
RATE = 500
"""Broadcasts a second in the storm."""
HISTORY_SIZE = 2000
OUTBOX_FRAMES = 4096


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {
        "WS_PING_INTERVAL": "0",
        # The history holds every broadcast of a test, so every resume can be `recovered: true`
        # however long a client was away: these tests are about loss and duplicates, not about
        # the history's bounds (test_channels.py takes those).
        "CHANNEL_HISTORY_SIZE": str(HISTORY_SIZE),
        # The clients share one Python process (on 2 cores, about one core) with the publisher,
        # so one may fall far behind, and a resume may owe it the whole history at once. An
        # outbox above both (the service asks for at least the history size + 2) means no
        # client is closed as one that does not read (1008): that is another test's subject.
        "WS_OUTBOX_FRAMES": str(OUTBOX_FRAMES),
    }
    with running_service(Path(tmp_path_factory.mktemp("storm")) / "service.log", env) as live:
        yield live


@pytest.fixture
async def http(service: LiveService) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=service.http, timeout=10) as client:
        yield client


@dataclass
class Visit:
    """One connection of a client: the ``since`` it gave, its ``subscribed``, the offsets it got."""

    since: int
    subscribed: Frame
    offsets: list[int] = field(default_factory=list)
    ended: str = "done"
    """``close`` (a close handshake), ``reset`` (a TCP reset) or ``done`` (it saw the last offset)."""


def check_visits(visits: list[Visit], first: int, last: int) -> None:
    """Every offset ``first`` .. ``last`` exactly once and in order, and each ``subscribed`` right."""
    seen = [offset for visit in visits for offset in visit.offsets]
    assert seen == list(range(first, last + 1)), gaps_and_duplicates(seen, first, last)
    for visit in visits:
        subscribed = visit.subscribed
        assert subscribed["type"] == "subscribed", subscribed
        assert subscribed["recovered"] is True, (visit.since, subscribed)
        assert subscribed["missed"] == subscribed["offset"] - visit.since, (visit.since, subscribed)


def gaps_and_duplicates(seen: list[int], first: int, last: int) -> str:
    missing = sorted(set(range(first, last + 1)) - set(seen))
    twice = sorted(offset for offset in set(seen) if seen.count(offset) > 1)
    backwards = [(a, b) for a, b in itertools.pairwise(seen) if b <= a]
    return f"missing {missing[:20]}, twice {twice[:20]}, out of order {backwards[:10]} (of {len(seen)} seen)"


async def receive(connection: websockets.ClientConnection, frames: SharedFrames) -> Frame:
    async with asyncio.timeout(10):  # not wait_for: it makes a task per frame, a third of the CPU here
        return frames(await connection.recv())


# --- broadcasts during the handshake ----------------------------------------------------------

FLOOD = 1500
JOINERS = 30
POSTERS = 4


async def test_broadcasts_during_handshakes_are_neither_lost_nor_sent_twice(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    """Four posters flood ``POST /broadcast`` while clients join one after another with
    ``since`` (what the last answer said, or a little before): each gets every later offset once."""
    channel, frames, rng = room("flood"), SharedFrames(), random.Random(SEED)
    published: list[Frame] = []
    numbers = iter(range(FLOOD))

    async def poster() -> None:
        for n in numbers:
            published.append(await post_broadcast(http, channel, f"flood {n}"))

    async def joiner(k: int) -> Visit:
        while len(published) < (k + 1) * FLOOD // (JOINERS + 2):
            await asyncio.sleep(0.005)
        latest = published[-1]
        since = max(0, latest["offset"] - rng.choice([0, 0, 1, 5, 50]))
        url = ws_url(service, channel, since=since, epoch=latest["epoch"])
        async with websockets.connect(url, open_timeout=10) as connection:
            visit = Visit(since, await receive(connection, frames))
            while not visit.offsets or visit.offsets[-1] < FLOOD:
                visit.offsets.append((await receive(connection, frames))["offset"])
        return visit

    visits = await asyncio.gather(*(joiner(k) for k in range(JOINERS)), *(poster() for _ in range(POSTERS)))
    assert sorted(sent["offset"] for sent in published) == list(range(1, FLOOD + 1))
    joined = [visit for visit in visits if isinstance(visit, Visit)]
    assert len(joined) == JOINERS
    assert sum(visit.subscribed["missed"] for visit in joined) > 0
    for visit in joined:
        check_visits([visit], visit.since + 1, FLOOD)


# --- the reconnect storm --------------------------------------------------------------------


async def storm_client(service: LiveService, channel: str, n: int, frames: SharedFrames) -> list[Visit]:
    """Reads the channel until the last broadcast, dropping its connection 2 to 5 times at
    random offsets (a clean close or a TCP reset, at random) and resuming after the last offset
    it saw, under the epoch it was told."""
    rng = random.Random(f"{SEED}-{n}")
    drops = sorted(rng.sample(range(1, BROADCASTS), rng.randint(2, 5)))
    visits: list[Visit] = []
    last, epoch = 0, None
    while last < BROADCASTS:
        query: dict[str, str | int] = {"since": last} if epoch is None else {"since": last, "epoch": epoch}
        # max_queue=None: a client that closes with frames unread still reads the server's
        # close frame (websockets stops reading at 16 queued frames, and a close then waits 10 s).
        url = ws_url(service, channel, **query)
        connection = await websockets.connect(url, open_timeout=10, max_queue=None)
        visit = Visit(last, await receive(connection, frames))
        visits.append(visit)
        epoch = visit.subscribed["epoch"]
        while last < BROADCASTS:
            last = (await receive(connection, frames))["offset"]
            visit.offsets.append(last)
            if drops and last >= drops[0]:
                while drops and drops[0] <= last:
                    drops.pop(0)
                visit.ended = rng.choice(["close", "reset"])
                break
        if visit.ended == "reset":
            reset(connection)
        else:
            await connection.close()
        if visit.ended != "done":
            await asyncio.sleep(rng.uniform(0, 0.1))  # away: broadcasts go on without it
    return visits


async def test_a_reconnect_storm_loses_nothing_and_repeats_nothing(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel, frames = room("storm"), SharedFrames()
    published: list[Frame] = []

    async def publisher() -> float:
        """Paced at RATE a second; a few requests in flight, so one slow answer does not slow it."""
        loop, in_flight = asyncio.get_running_loop(), asyncio.Semaphore(8)
        started = loop.time()

        async def post(n: int) -> None:
            async with in_flight:
                published.append(await post_broadcast(http, channel, f"storm {n}"))

        posts = []
        for n in range(BROADCASTS):
            wait = started + n / RATE - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            posts.append(asyncio.create_task(post(n)))
        await asyncio.gather(*posts)
        return loop.time() - started

    started = time.monotonic()
    clients = asyncio.gather(*(storm_client(service, channel, n, frames) for n in range(CLIENTS)))
    publishing = await publisher()
    everyone = await clients
    elapsed = time.monotonic() - started

    assert sorted(sent["offset"] for sent in published) == list(range(1, BROADCASTS + 1))
    assert len({sent["epoch"] for sent in published}) == 1
    endings = [visit.ended for visits in everyone for visit in visits]
    assert endings.count("close") > CLIENTS // 2
    assert endings.count("reset") > CLIENTS // 2
    resumed = [visit.subscribed["missed"] for visits in everyone for visit in visits[1:]]
    assert sum(1 for missed in resumed if missed > 0) > len(resumed) // 2  # most were away a while
    for n, visits in enumerate(everyone):
        assert visits[0].since == 0
        assert {visit.subscribed["epoch"] for visit in visits} == {published[0]["epoch"]}
        try:
            check_visits(visits, 1, BROADCASTS)
        except AssertionError as failed:
            raise AssertionError(f"client {n}: {failed}") from None
    deadline = time.monotonic() + 5
    while (info := await channel_info(http, channel)) is not None and info["members"]:
        assert time.monotonic() < deadline, f"connections left behind: {info}"
        await asyncio.sleep(0.05)
    print(
        f"storm: {CLIENTS} clients, {len(endings) - CLIENTS} drops ({endings.count('reset')} resets),"
        f" {sum(resumed)} frames resent on resume, {BROADCASTS} broadcasts in {publishing:.1f} s"
        f" ({BROADCASTS / publishing:.0f}/s), {elapsed:.1f} s in all, {len(frames)} distinct frames checked"
    )
