"""The requester hears its whole answer before any other client hears the fan-out of it.

Checked with the kernel's receive time of every frame (``SO_TIMESTAMPNS``) on plain sockets, so
the order is the order in which the service wrote to the sockets, not the order in which this
test happened to read them.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support import rawws
from tests.support.live import LiveService, running_service

PEERS = 30


@pytest.fixture(scope="module", params=["direct", "asgi"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveService]:
    env = {"WS_PING_INTERVAL": "0", "WS_DIRECT_WRITE": "1" if request.param == "direct" else "0"}
    with running_service(Path(tmp_path_factory.mktemp("first")) / "service.log", env) as live:
        yield live


def connect(service: LiveService, channel: str, stack: ExitStack) -> socket.socket:
    sock = stack.enter_context(rawws.handshake(service.port, channel=channel))
    rawws.stamp_arrivals(sock)
    return sock


@pytest.mark.parametrize(
    ("frame", "reply_count", "peer_channels"),
    [
        ('{"action":"broadcast","payload":{"message":"first"},"request_id":"b-1"}', 3, ["first"]),
        (
            '{"action":"create_order","payload":{"customer":"A","product":"B","quantity":1},"request_id":"c-1"}',
            3,
            ["first", "elsewhere"],
        ),
    ],
    ids=["broadcast", "order notification"],
)
def test_every_reply_frame_arrives_before_any_peer_gets_the_fan_out(
    service: LiveService, frame: str, reply_count: int, peer_channels: list[str]
) -> None:
    with ExitStack() as stack:
        requester = connect(service, "first", stack)
        peers = [connect(service, peer_channels[n % len(peer_channels)], stack) for n in range(PEERS)]
        rawws.until_stamped(requester)
        requester.sendall(rawws.text_frame(frame))
        replies = rawws.read_stamped_frames(requester, reply_count)
        fanned = [rawws.read_stamped_frames(peer, 1)[0] for peer in peers]
    request_id = json.loads(frame)["request_id"]
    assert [json.loads(payload)["request_id"] for _, payload in replies] == [request_id] * reply_count
    assert all(json.loads(payload)["request_id"] is None for _, payload in fanned)
    last_reply = max(stamp for stamp, _ in replies)
    first_peer = min(stamp for stamp, _ in fanned)
    assert last_reply <= first_peer, (
        f"a peer got the fan-out {(last_reply - first_peer) / 1000:.0f} µs earlier"
    )
