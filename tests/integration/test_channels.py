"""Channel streams over real sockets: resume after a reconnect, presence, history, ``GET
/channels``, and the handshake's bad values. Every frame is checked against asyncapi.yaml (the
ContractClient) and every REST body against openapi.yaml.

Whether a client got a frame it should not have is asked with a sentinel rather than by
waiting: a broadcast posted afterwards, and the frames before it. A connection's frames come in
the order the service wrote them, so whatever it wrote first comes before the sentinel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.client import ContractClient, Frame, types_of
from tests.support.live import LiveService, free_port, running_service, start_service
from tests.support.streams import (
    channel_info,
    check_problem,
    get_channels,
    get_history,
    get_presence,
    post_broadcast,
    reset,
    room,
    ws_url,
)
from tools.specs import frame_contract

HISTORY_SIZE = 8
"""Small, so that a client away for a few broadcasts is older than the history."""
OTHER_EPOCH = "000000000000"
SENTINEL = "sentinel-"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {"WS_PING_INTERVAL": "0", "CHANNEL_HISTORY_SIZE": str(HISTORY_SIZE)}
    with running_service(Path(tmp_path_factory.mktemp("channels")) / "service.log", env) as live:
        yield live


@pytest.fixture
async def http(service: LiveService) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=service.http, timeout=10) as client:
        yield client


async def broadcasts(http: httpx.AsyncClient, channel: str, *messages: str) -> list[Frame]:
    return [await post_broadcast(http, channel, message) for message in messages]


async def until_sentinel(client: ContractClient, http: httpx.AsyncClient, channel: str) -> list[Frame]:
    """Every frame ``client`` gets before a broadcast posted now (which it must get), but the
    sentinels posted earlier for other clients."""
    sentinel = f"{SENTINEL}{time.monotonic_ns()}"
    await post_broadcast(http, channel, sentinel)
    before = []
    while (frame := await client.recv()).get("message") != sentinel:
        if not str(frame.get("message", "")).startswith(SENTINEL):
            before.append(frame)
    return before


async def settled(http: httpx.AsyncClient, channel: str, *, members: int) -> Frame | None:
    """``channel``'s entry of ``GET /channels`` once it has ``members`` (the service notices a
    client gone a moment after the client goes), or as it is after 5 s."""
    deadline = time.monotonic() + 5
    while True:
        info = await channel_info(http, channel)
        if (info["members"] if info else 0) == members or time.monotonic() > deadline:
            return info
        await asyncio.sleep(0.02)


async def present_become(http: httpx.AsyncClient, channel: str, expected: list[tuple[str, str]]) -> None:
    """Return once ``GET /channels/{name}/presence`` lists ``expected`` (within 5 s)."""
    deadline = time.monotonic() + 5
    while (members := await get_presence(http, channel)) != expected:
        assert time.monotonic() < deadline, (members, expected)
        await asyncio.sleep(0.01)


def offsets(frames: list[Frame]) -> list[tuple[int, str]]:
    assert {frame["type"] for frame in frames} <= {"broadcast"}, types_of(frames)
    return [(frame["offset"], frame["message"]) for frame in frames]


async def subscribed(client: ContractClient) -> Frame:
    first = await client.recv()
    assert first["type"] == "subscribed", first
    assert client.received == [first]  # the very first frame of the connection
    return first


# --- resume ---------------------------------------------------------------------------------


async def test_a_client_that_resumes_gets_exactly_the_frames_it_missed_in_order_then_live_ones(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room()
    async with ContractClient.connect(service.ws, channel=channel) as client:
        await broadcasts(http, channel, "m1", "m2", "m3")
        seen = [await client.recv() for _ in range(3)]
    assert offsets(seen) == [(1, "m1"), (2, "m2"), (3, "m3")]
    epoch = seen[0]["epoch"]
    assert {frame["epoch"] for frame in seen} == {epoch}
    while_away = await broadcasts(http, channel, "m4", "m5", "m6", "m7")
    assert [(sent["offset"], sent["epoch"]) for sent in while_away] == [(n, epoch) for n in (4, 5, 6, 7)]
    async with ContractClient.connect(ws_url(service, channel, since=3, epoch=epoch)) as client:
        first = await subscribed(client)
        assert (first["channel"], first["epoch"], first["offset"]) == (channel, epoch, 7)
        assert (first["recovered"], first["missed"]) == (True, 4)
        missed = [await client.recv() for _ in range(4)]
        assert offsets(missed) == [(4, "m4"), (5, "m5"), (6, "m6"), (7, "m7")]
        assert {frame["request_id"] for frame in missed} == {None}
        await broadcasts(http, channel, "m8")
        assert offsets([await client.recv()]) == [(8, "m8")]
        assert await until_sentinel(client, http, channel) == []  # and nothing twice


async def test_another_epoch_is_not_recovered_and_goes_on_from_the_offset_now(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room()
    sent = await broadcasts(http, channel, "m1", "m2", "m3")
    async with ContractClient.connect(ws_url(service, channel, since=1, epoch=OTHER_EPOCH)) as client:
        first = await subscribed(client)
        assert (first["recovered"], first["missed"]) == (False, 0)
        assert (first["epoch"], first["offset"]) == (sent[-1]["epoch"], 3)
        await broadcasts(http, channel, "m4")
        assert offsets([await client.recv()]) == [(4, "m4")]


async def test_an_offset_older_than_the_history_is_not_recovered(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room()
    sent = await broadcasts(http, channel, *(f"m{n}" for n in range(1, HISTORY_SIZE + 3)))
    epoch, last = sent[-1]["epoch"], sent[-1]["offset"]
    assert last == HISTORY_SIZE + 2  # the history holds 3 .. last
    async with ContractClient.connect(ws_url(service, channel, since=2, epoch=epoch)) as client:
        first = await subscribed(client)
        assert (first["recovered"], first["missed"]) == (True, HISTORY_SIZE)
        missed = [await client.recv() for _ in range(HISTORY_SIZE)]
        assert [offset for offset, _ in offsets(missed)] == list(range(3, last + 1))
    async with ContractClient.connect(ws_url(service, channel, since=1, epoch=epoch)) as client:
        first = await subscribed(client)
        assert (first["recovered"], first["missed"], first["offset"]) == (False, 0, last)
        assert await until_sentinel(client, http, channel) == []  # nothing but live frames follow


async def test_an_offset_the_channel_never_reached_is_not_recovered(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room()
    (sent,) = await broadcasts(http, channel, "m1")
    async with ContractClient.connect(ws_url(service, channel, since=5, epoch=sent["epoch"])) as client:
        first = await subscribed(client)
        assert (first["recovered"], first["missed"], first["offset"]) == (False, 0, 1)


async def test_since_0_on_a_new_channel_is_recovered_with_nothing_missed(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room()
    async with ContractClient.connect(ws_url(service, channel, since=0)) as client:
        first = await subscribed(client)
        assert (first["recovered"], first["missed"], first["offset"]) == (True, 0, 0)
        (sent,) = await broadcasts(http, channel, "m1")
        assert sent["epoch"] == first["epoch"]  # the epoch it was told is the one frames come under
        assert offsets([await client.recv()]) == [(1, "m1")]


@pytest.mark.parametrize("query", [{}, {"presence": False}])
async def test_without_since_or_presence_there_is_no_subscribed_frame(
    service: LiveService, http: httpx.AsyncClient, query: dict[str, bool]
) -> None:
    channel = room()
    await broadcasts(http, channel, "before")
    async with ContractClient.connect(ws_url(service, channel, **query)) as client:
        assert types_of(await client.request("echo", {}, request_id="e")) == ["ack", "echo", "event ws.echo"]
        assert await until_sentinel(client, http, channel) == []
        assert [frame["type"] for frame in client.received] == ["ack", "echo", "event", "broadcast"]


async def test_epochs_change_when_the_embedded_store_restarts(tmp_path: Path) -> None:
    channel, port, env = room(), free_port(), {"WS_PING_INTERVAL": "0"}
    first = start_service(tmp_path / "first.log", env, port=port)
    try:
        async with httpx.AsyncClient(base_url=first.http) as http:
            sent = await broadcasts(http, channel, "m1", "m2")
    finally:
        first.stop()
    old_epoch = sent[-1]["epoch"]
    second = start_service(tmp_path / "second.log", env, port=port)  # the same address, a new life
    try:
        async with httpx.AsyncClient(base_url=second.http) as http:
            assert await channel_info(http, channel) is None  # its history went with the process
            async with ContractClient.connect(ws_url(second, channel, since=2, epoch=old_epoch)) as client:
                first_frame = await subscribed(client)
                assert (first_frame["recovered"], first_frame["missed"], first_frame["offset"]) == (
                    False,
                    0,
                    0,
                )
                new_epoch = first_frame["epoch"]
                assert new_epoch != old_epoch
                (again,) = await broadcasts(http, channel, "m1 again")
                assert (again["offset"], again["epoch"]) == (1, new_epoch)
                assert offsets([await client.recv()]) == [(1, "m1 again")]
    finally:
        second.stop()


# --- the handshake's bad values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ("since=-1", "/query/since"),
        ("since=abc", "/query/since"),
        ("since=1", "/query/epoch"),  # an offset over 0 needs the epoch it was seen in
        ("since=", "/query/since"),
        ("since=9007199254740992", "/query/since"),
        ("since=1&epoch=XYZ", "/query/epoch"),
        ("since=1&epoch=3f9a1c2b7d4e%0A", "/query/epoch"),
        ("epoch=3f9a1c2b7d4e", "/query/epoch"),
        ("presence=maybe", "/query/presence"),
        ("presence=true&name=", "/query/name"),
        ("presence=true&name=" + "n" * 65, "/query/name"),
        ("presence=true&name=a%00b", "/query/name"),
        ("presence=true&name=alice%0A", "/query/name"),
        ("name=alice", "/query/name"),
    ],
)
async def test_a_bad_resume_or_presence_value_refuses_the_handshake_with_a_400_problem(
    service: LiveService, query: str, pointer: str
) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(f"{service.ws}?channel=bad-values&{query}"):
            pass
    check_problem(refused.value.response, 400, pointer)


# --- presence -------------------------------------------------------------------------------


async def test_joins_and_leaves_reach_the_presence_members_only(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room()
    async with (
        ContractClient.connect(ws_url(service, channel, presence=True, name="alice")) as alice,
        ContractClient.connect(ws_url(service, channel)) as carol,
        contextlib.AsyncExitStack() as stack,
    ):
        alice_id = (await subscribed(alice))["client_id"]
        bob = await stack.enter_async_context(
            ContractClient.connect(ws_url(service, channel, presence=True, name="bob"))
        )
        bob_subscribed = await subscribed(bob)
        bob_id = bob_subscribed["client_id"]
        assert (bob_subscribed["recovered"], bob_subscribed["missed"]) == (False, 0)
        async with ContractClient.connect(ws_url(service, channel, presence=True)) as dave:
            dave_id = (await subscribed(dave))["client_id"]
            assert len({alice_id, bob_id, dave_id}) == 3

            def joined(client_id: str, name: str) -> Frame:
                return {"channel": channel, "client_id": client_id, "name": name}

            alice_heard = await until_sentinel(alice, http, channel)
            assert [(f["type"], f["event"], f["request_id"]) for f in alice_heard] == [
                ("event", "channel.joined", None)
            ] * 2
            assert [f["data"] for f in alice_heard] == [joined(bob_id, "bob"), joined(dave_id, dave_id)]
            assert [f["data"] for f in await until_sentinel(bob, http, channel)] == [joined(dave_id, dave_id)]
            assert await until_sentinel(dave, http, channel) == []  # not its own join
            assert await until_sentinel(carol, http, channel) == []  # not a presence member

            members = [(alice_id, "alice"), (bob_id, "bob"), (dave_id, dave_id)]
            answer = await carol.request("presence", {}, request_id="who")
            assert types_of(answer) == ["ack", "presence", "event channel.presence"]
            assert answer[1]["channel"] == channel
            assert [(m["client_id"], m["name"]) for m in answer[1]["members"]] == members
            assert answer[2]["data"] == {"channel": channel, "count": 3}
            assert await get_presence(http, channel) == members
            info = await channel_info(http, channel)
            assert info is not None
            assert (info["members"], info["present"]) == (4, 3)

            await bob.connection.close()  # a clean close
            # The service hears of a client gone a moment later, on its own schedule: wait for
            # the presence list to show it before asking with a sentinel.
            await present_become(http, channel, members[0::2])
            for client in (alice, dave):
                (left,) = await until_sentinel(client, http, channel)
                assert (left["event"], left["data"]) == ("channel.left", joined(bob_id, "bob"))
            reset(dave.connection)  # and a TCP reset
        await present_become(http, channel, members[:1])
        (left,) = await until_sentinel(alice, http, channel)
        assert (left["event"], left["data"]) == ("channel.left", joined(dave_id, dave_id))
        assert await until_sentinel(carol, http, channel) == []
        assert await get_presence(http, channel) == [(alice_id, "alice")]
        other = await alice.request("presence", {"channel": "nobody-here"}, request_id="elsewhere")
        assert other[1]["members"] == []


async def test_a_presence_client_may_resume_too(service: LiveService, http: httpx.AsyncClient) -> None:
    channel = room()
    sent = await broadcasts(http, channel, "m1", "m2", "m3")
    url = ws_url(service, channel, since=1, epoch=sent[0]["epoch"], presence=True, name="eve")
    async with ContractClient.connect(url) as eve:
        first = await subscribed(eve)
        assert (first["recovered"], first["missed"], first["offset"]) == (True, 2, 3)
        assert offsets([await eve.recv(), await eve.recv()]) == [(2, "m2"), (3, "m3")]
        async with ContractClient.connect(ws_url(service, channel, presence=True, name="frank")) as frank:
            frank_id = (await subscribed(frank))["client_id"]
            (heard,) = await until_sentinel(eve, http, channel)
            assert (heard["event"], heard["data"]["client_id"]) == ("channel.joined", frank_id)
            assert await get_presence(http, channel) == [(first["client_id"], "eve"), (frank_id, "frank")]


PRESENCE_CYCLES = 1000
AT_ONCE = 20


async def test_presence_counts_end_where_they_started_after_1000_connect_disconnect_cycles(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room("churn")
    async with ContractClient.connect(ws_url(service, channel, presence=True, name="watcher")) as watcher:
        watcher_id = (await subscribed(watcher))["client_id"]
        started = await channel_info(http, channel)
        assert started is not None
        assert (started["members"], started["present"]) == (1, 1)
        heard: list[Frame] = []

        async def listen() -> None:
            while True:
                heard.append(await watcher.recv(30))

        async def cycle(n: int) -> None:
            # The joins and leaves of the other clients come in unread: without max_queue=None,
            # websockets stops reading at 16 frames, and a close handshake then waits for its
            # close_timeout (10 s) as the server's close frame is never read.
            url = ws_url(service, channel, presence=True, name=f"n{n}")
            async with websockets.connect(url, max_queue=None) as client:
                first = json.loads(await client.recv())
                frame_contract().check_server_frame(first)
                assert first["type"] == "subscribed"
                if n % 3 == 0:
                    reset(client)

        listening = asyncio.create_task(listen())
        slots = asyncio.Semaphore(AT_ONCE)

        async def limited(n: int) -> None:
            async with slots:
                await cycle(n)

        await asyncio.gather(*(limited(n) for n in range(PRESENCE_CYCLES)))
        deadline = time.monotonic() + 10
        while len(heard) < 2 * PRESENCE_CYCLES and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if listening.done():
            listening.result()  # a frame the contract refuses, or the watcher's connection lost
        listening.cancel()
        ended = await settled(http, channel, members=1)
        events = [(frame["event"], frame["data"]["client_id"], frame["data"]["name"]) for frame in heard]
        joins = {client_id: name for event, client_id, name in events if event == "channel.joined"}
        leaves = {client_id: name for event, client_id, name in events if event == "channel.left"}
        assert len(events) == 2 * PRESENCE_CYCLES
        assert joins == leaves
        assert sorted(joins.values()) == sorted(f"n{n}" for n in range(PRESENCE_CYCLES))
        assert await get_presence(http, channel) == [(watcher_id, "watcher")]
        assert ended is not None
        assert (ended["members"], ended["present"]) == (1, 1)


# --- history and GET /channels --------------------------------------------------------------


async def test_the_history_action_and_rest_give_the_frames_after_since(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room()
    async with ContractClient.connect(service.ws, channel=channel) as client:
        sent = await broadcasts(http, channel, "m1", "m2", "m3", "m4", "m5")
        live = [await client.recv() for _ in range(5)]
        epoch = sent[0]["epoch"]
        answer = await client.request("history", {"since": 2, "limit": 2}, request_id="h")
        assert types_of(answer) == ["ack", "history", "event channel.history"]
        page = answer[1]
        assert (page["channel"], page["epoch"], page["offset"], page["complete"]) == (channel, epoch, 5, True)
        assert page["frames"] == live[2:4]  # as the channel's clients received them
        assert answer[2]["data"] == {"channel": channel, "since": 2, "count": 2}
        everything = (await client.request("history", {"channel": channel}, request_id="all"))[1]
        assert everything["frames"] == live

        assert await get_history(http, channel, since=2, limit=2) == {
            "channel": channel,
            "epoch": epoch,
            "offset": 5,
            "complete": True,
            "frames": live[2:4],
        }
        assert (await get_history(http, channel))["frames"] == live
        assert (await get_history(http, channel, since=5))["frames"] == []

        await broadcasts(http, channel, *(f"more{n}" for n in range(HISTORY_SIZE)))
        held = await get_history(http, channel)
        assert held["complete"] is False  # 1 .. 5 are gone: the size is HISTORY_SIZE
        assert [frame["offset"] for frame in held["frames"]] == list(range(6, 6 + HISTORY_SIZE))
        since_5 = (await client.request("history", {"since": 5}, request_id="h5"))[1]
        assert (since_5["complete"], len(since_5["frames"])) == (True, HISTORY_SIZE)


async def test_a_channel_without_history_has_an_empty_page_never_404(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    channel = room("quiet")
    body = await get_history(http, channel)
    assert (body["channel"], body["offset"], body["complete"], body["frames"]) == (channel, 0, True, [])
    assert await get_presence(http, channel) == []


@pytest.mark.parametrize(
    ("path", "params", "pointer"),
    [
        ("/channels/ok/history", {"since": "-1"}, "/query/since"),
        ("/channels/ok/history", {"since": "x"}, "/query/since"),
        ("/channels/ok/history", {"since": "9007199254740992"}, "/query/since"),
        ("/channels/ok/history", {"limit": "0"}, "/query/limit"),
        ("/channels/ok/history", {"limit": "1001"}, "/query/limit"),
        ("/channels/ok/history", {"limit": "1.5"}, "/query/limit"),
        ("/channels/ok/history", {"since": ["1", "2"]}, "/query/since"),
        ("/channels/bad%20name/history", {}, "/path/name"),
        ("/channels/" + "x" * 65 + "/history", {}, "/path/name"),
        ("/channels/bad%20name/presence", {}, "/path/name"),
    ],
)
async def test_bad_history_or_presence_parameters_are_400_with_the_pointer(
    http: httpx.AsyncClient, path: str, params: dict[str, str | list[str]], pointer: str
) -> None:
    check_problem(await http.get(path, params=params), 400, pointer)


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        ({"since": -1}, "/payload/since"),
        ({"since": "1"}, "/payload/since"),
        ({"limit": 0}, "/payload/limit"),
        ({"limit": 1001}, "/payload/limit"),
        ({"channel": "bad name"}, "/payload/channel"),
        ({"channel": "general\n"}, "/payload/channel"),
        ({"other": 1}, "/payload/other"),
    ],
)
async def test_a_bad_history_request_is_a_validation_error_with_the_pointer(
    service: LiveService, payload: Frame, pointer: str
) -> None:
    async with ContractClient.connect(service.ws, channel="history-errors") as client:
        answer = await client.raw_request(
            json.dumps({"action": "history", "payload": payload, "request_id": "bad"}), request_id="bad"
        )
        assert types_of(answer) == ["error validation_error"]
        assert answer[0]["details"]["pointer"] == pointer


async def test_get_channels_lists_members_presence_and_stream_positions(
    service: LiveService, http: httpx.AsyncClient
) -> None:
    with_history, with_members = room("a-history"), room("b-members")
    sent = await broadcasts(http, with_history, "m1", "m2")
    async with (
        ContractClient.connect(ws_url(service, with_members, presence=True)) as present,
        ContractClient.connect(service.ws, channel=with_members),
    ):
        await subscribed(present)
        listed = {entry["name"]: entry for entry in await get_channels(http)}
        assert listed[with_history] == {
            "name": with_history,
            "members": 0,
            "present": 0,
            "offset": 2,
            "epoch": sent[-1]["epoch"],
        }
        members = listed[with_members]
        assert (members["members"], members["present"], members["offset"]) == (2, 1, 0)
        assert members["epoch"] == (await post_broadcast(http, with_members, "first"))["epoch"]
    info = await settled(http, with_members, members=0)
    assert info is not None  # it keeps history, so it stays listed without members
    assert (info["members"], info["present"], info["offset"]) == (0, 0, 1)
