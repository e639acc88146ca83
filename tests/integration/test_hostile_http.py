"""Hostile requests at the HTTP level, over real sockets: slow clients, huge heads, bad requests.

Each is answered with an RFC 9457 problem where an answer is possible, and the socket is closed;
none holds a socket or memory for long.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
import websockets

from tests.support.live import LiveService, running_service

TIMEOUT = 2.0
UNFINISHED_CAP = 20


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    env = {
        "HTTP_REQUEST_TIMEOUT_SECONDS": str(TIMEOUT),
        "HTTP_MAX_UNFINISHED": str(UNFINISHED_CAP),
        "WS_PING_INTERVAL": "0",
    }
    with running_service(Path(tmp_path_factory.mktemp("hostile")) / "service.log", env) as live:
        yield live


def connect(service: LiveService) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    return sock


def read_response(sock: socket.socket, timeout: float = 10) -> tuple[int, dict[str, str], bytes, bool]:
    """Status, headers, body, and whether the server then closed the connection."""
    sock.settimeout(timeout)
    data = b""
    closed = False
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        data += chunk
        if b"\r\n\r\n" in data:
            head, _, body = data.partition(b"\r\n\r\n")
            headers = dict(
                line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line
            )
            length = int({k.lower(): v for k, v in headers.items()}.get("content-length", "-1"))
            if length >= 0 and len(body) >= length:
                break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:] if ": " in line)}
    if not closed:
        try:
            sock.settimeout(2)
            closed = sock.recv(1) == b""
        except (TimeoutError, ConnectionResetError):
            closed = False
    return status, headers, body, closed


def assert_problem(status: int, headers: dict[str, str], body: bytes, *, expected: int, code: str) -> None:
    assert status == expected, (status, headers, body[:300])
    assert headers.get("content-type") == "application/problem+json", headers
    problem = json.loads(body)
    assert (problem["status"], problem["code"]) == (expected, code), problem


def upgrade_head(port: int, *, extra: str = "", version: str = "13", path: str = "/ws?channel=h") -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n{extra}\r\n"
    ).encode()


def test_a_head_that_trickles_in_is_cut_off_with_408(service: LiveService) -> None:
    sock = connect(service)
    head = upgrade_head(service.port)
    started = time.monotonic()
    sock.sendall(head[:20])
    sent = 20
    sock.settimeout(0.3)
    while time.monotonic() - started < TIMEOUT + 3:
        try:
            if sock.recv(65536, socket.MSG_PEEK):
                break
        except TimeoutError:
            pass
        sock.sendall(head[sent : sent + 1])  # one byte at a time, slower than the limit allows
        sent += 1
    status, headers, body, closed = read_response(sock)
    held = time.monotonic() - started
    assert_problem(status, headers, body, expected=408, code="request_timeout")
    assert closed
    assert TIMEOUT - 0.2 <= held <= TIMEOUT + 1.5, held


def test_a_body_that_stops_is_cut_off_with_408(service: LiveService) -> None:
    sock = connect(service)
    sock.sendall(
        b'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"cu'
    )
    started = time.monotonic()
    status, headers, body, closed = read_response(sock)
    assert_problem(status, headers, body, expected=408, code="request_timeout")
    assert closed
    assert time.monotonic() - started <= TIMEOUT + 1.5


def test_after_an_early_413_the_rest_of_the_body_is_read_and_the_connection_goes_on(
    service: LiveService,
) -> None:
    """Was a bug: the 413 goes out before the body has all arrived, and the rest of the body was
    read as the next request's head (over the head limit: the connection closed, with no
    ``Connection: close`` said), so a keep-alive client's next request failed ("Server
    disconnected without sending a response", now and then in test_limits)."""
    sock = connect(service)
    body = b'{"customer": "' + b"x" * (1024 * 1024) + b'", "product": "p", "quantity": 1}'
    head = b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    head += b"Content-Length: %d\r\n\r\n" % len(body)
    # The next request right behind the body, as a keep-alive client sends it.
    sock.sendall(head + body + b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.settimeout(10)
    data = b""
    answers: list[tuple[int, bytes]] = []
    while len(answers) < 2:
        chunk = sock.recv(65536)
        assert chunk, f"the connection was closed after {[status for status, _ in answers]}"
        data += chunk
        while b"\r\n\r\n" in data:
            response_head, _, rest = data.partition(b"\r\n\r\n")
            lines = response_head.decode("latin-1").split("\r\n")
            fields = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:] if ": " in line)}
            length = int(fields["content-length"])
            if len(rest) < length:
                break
            answers.append((int(lines[0].split()[1]), rest[:length]))
            data = rest[length:]
    sock.close()
    (refused, problem), (status, health) = answers
    assert (refused, json.loads(problem)["code"]) == (413, "payload_too_large"), problem
    assert status == 200, health[:300]
    assert "request head is over" not in "\n".join(service.log_lines())


async def test_slow_clients_cannot_lock_out_new_ones(service: LiveService) -> None:
    process = psutil.Process(service.process.pid)
    await asyncio.sleep(1)  # earlier tests' sockets have lingered and closed
    before = process.num_fds()
    slow = []
    for _ in range(UNFINISHED_CAP * 3):
        sock = connect(service)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        slow.append(sock)
    await asyncio.sleep(1)  # the ones let go have lingered (they send nothing) and closed
    assert process.num_fds() - before <= UNFINISHED_CAP + 2, (before, process.num_fds())
    async with httpx.AsyncClient(base_url=service.http, timeout=5) as http:
        assert (await http.get("/health")).status_code == 200
    async with websockets.connect(f"{service.ws}?channel=fresh", open_timeout=5) as client:
        await client.send('{"action":"ping","request_id":"p"}')
        assert json.loads(await client.recv())["type"] == "ack"
    for sock in slow:
        sock.close()


@pytest.mark.parametrize(
    ("head", "status", "code"),
    [
        (
            b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (32 * 1024 * 1024) + b"\r\n\r\n",
            431,
            "header_fields_too_large",
        ),
        (b"GET /health?" + b"q" * (32 * 1024 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    ],
    ids=["32 MiB header", "32 MiB URL"],
)
def test_a_huge_head_is_refused_without_being_read(
    service: LiveService, head: bytes, status: int, code: str
) -> None:
    process = psutil.Process(service.process.pid)
    before = process.memory_info().rss
    sock = connect(service)
    # The service stops reading at its limit and closes; its answer is still there to read.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(head)
    got, headers, body, closed = read_response(sock)
    assert_problem(got, headers, body, expected=status, code=code)
    assert closed
    assert process.memory_info().rss - before < 8 * 1024 * 1024


@pytest.mark.parametrize(
    "extra",
    ["X-Long: " + "b" * 9000 + "\r\n", "".join(f"X-H{n}: v\r\n" for n in range(140))],
    ids=["a header line over 8 KiB", "over 128 headers"],
)
def test_an_upgrade_with_a_head_websockets_cannot_take_is_answered_431_and_closed(
    service: LiveService, extra: str
) -> None:
    sock = connect(service)
    sock.sendall(upgrade_head(service.port, extra=extra))
    status, headers, body, closed = read_response(sock)
    assert_problem(status, headers, body, expected=431, code="header_fields_too_large")
    assert closed


def test_a_malformed_request_gets_a_problem(service: LiveService) -> None:
    sock = connect(service)
    sock.sendall(b"GARBAGE \x01\x02 NOT-HTTP\r\n\r\n")
    status, headers, body, closed = read_response(sock)
    assert_problem(status, headers, body, expected=400, code="validation_error")
    assert closed


def test_websocket_version_8_gets_426_naming_version_13(service: LiveService) -> None:
    sock = connect(service)
    sock.sendall(upgrade_head(service.port, version="8"))
    status, headers, body, closed = read_response(sock)
    assert_problem(status, headers, body, expected=426, code="upgrade_required")
    assert headers.get("sec-websocket-version") == "13"
    assert closed


async def test_plain_get_of_the_websocket_endpoint_says_how_to_connect(service: LiveService) -> None:
    async with httpx.AsyncClient(base_url=service.http) as http:
        response = await http.get("/ws")
    assert response.status_code == 426
    assert response.headers["upgrade"] == "websocket"
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "upgrade_required"
    assert "ws://" in problem["detail"]
