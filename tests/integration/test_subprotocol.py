"""The subprotocol ``qakit.v1``, as two client libraries see it, against the live service.

``websocket-client`` is strict: a client that offers a subprotocol and hears none back fails its
own handshake ("Invalid WebSocket Header"). ``websockets`` follows RFC 6455: no answer means no
subprotocol. Either way the service accepts the connection and answers frames the same.
"""

from __future__ import annotations

import json

import pytest
import websocket
import websockets
from websockets.typing import Subprotocol

from tests.support.live import LiveService

ECHO = '{"action": "echo", "payload": {"text": "sub"}, "request_id": "sub-1"}'
UNKNOWN = ["chat", "qakit.v2"]


def url(live: LiveService) -> str:
    return f"{live.ws}?channel=general"


def echo_types(client: websocket.WebSocket) -> list[str]:
    client.send(ECHO)
    return [json.loads(client.recv())["type"] for _ in range(3)]


# --------------------------------------------------------------------------- websocket-client


def test_websocket_client_offering_qakit_v1_is_answered_with_it(live: LiveService) -> None:
    client = websocket.create_connection(url(live), subprotocols=["qakit.v1"], timeout=5)
    try:
        assert client.getsubprotocol() == "qakit.v1"
        assert (client.getheaders() or {})["sec-websocket-protocol"] == "qakit.v1"
        assert echo_types(client) == ["ack", "echo", "event"]
    finally:
        client.close()


def test_websocket_client_offering_nothing_is_accepted_without_one(live: LiveService) -> None:
    client = websocket.create_connection(url(live), timeout=5)
    try:
        assert client.getsubprotocol() is None
        assert "sec-websocket-protocol" not in (client.getheaders() or {})
        assert echo_types(client) == ["ack", "echo", "event"]
    finally:
        client.close()


def test_websocket_client_offering_only_unknown_ones_gives_up_on_its_own_side(live: LiveService) -> None:
    # The service accepted (status 101, no subprotocol); websocket-client refuses that itself,
    # as the docs warn.
    with pytest.raises(websocket.WebSocketException, match="Invalid WebSocket Header"):
        websocket.create_connection(url(live), subprotocols=UNKNOWN, timeout=5)


# --------------------------------------------------------------------------- websockets


async def echo_types_async(client: websockets.ClientConnection) -> list[str]:
    await client.send(ECHO)
    return [json.loads(await client.recv())["type"] for _ in range(3)]


async def test_websockets_offering_qakit_v1_is_answered_with_it(live: LiveService) -> None:
    offered = [Subprotocol("chat"), Subprotocol("qakit.v1")]
    async with websockets.connect(url(live), subprotocols=offered) as client:
        assert client.subprotocol == "qakit.v1"
        assert client.response is not None
        assert client.response.headers["Sec-WebSocket-Protocol"] == "qakit.v1"
        assert await echo_types_async(client) == ["ack", "echo", "event"]


async def test_websockets_offering_nothing_is_accepted_without_one(live: LiveService) -> None:
    async with websockets.connect(url(live)) as client:
        assert client.subprotocol is None
        assert await echo_types_async(client) == ["ack", "echo", "event"]


async def test_websockets_offering_only_unknown_ones_is_accepted_without_one(live: LiveService) -> None:
    async with websockets.connect(url(live), subprotocols=[Subprotocol(name) for name in UNKNOWN]) as client:
        assert client.subprotocol is None
        assert client.response is not None
        assert "Sec-WebSocket-Protocol" not in client.response.headers
        assert await echo_types_async(client) == ["ack", "echo", "event"]
