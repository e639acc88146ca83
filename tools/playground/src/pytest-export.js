// A scenario as a standalone pytest file: the `websockets` client replays it against the
// service at QAKIT_URL and checks every frame's type and stable fields.

/** A Python string literal, quoted as ruff's formatter would: single quotes when fewer escapes. */
function pythonString(text) {
  const json = JSON.stringify(text); // JSON's escapes are Python's too
  const doubles = (text.match(/"/g) ?? []).length;
  const singles = (text.match(/'/g) ?? []).length;
  if (doubles <= singles) return json;
  return `'${json.slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/** A JSON value as a Python literal (JSON's string escapes are Python's too). */
export function pythonLiteral(value, indent = "") {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "None";
  if (typeof value === "string") return pythonString(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    return `[\n${value.map((item) => `${inner}${pythonLiteral(item, inner)},\n`).join("")}${indent}]`;
  }
  const entries = Object.entries(value);
  if (!entries.length) return "{}";
  const lines = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${pythonLiteral(item, inner)},\n`);
  return `{\n${lines.join("")}${indent}}`;
}

function testName(name) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return `test_${slug || "scenario"}`;
}

const RUNNER = String.raw`

class Link:
    """One connection: frames kept by request_id, and the unsolicited ones (request_id null)."""

    def __init__(self, name: str, socket: ClientConnection) -> None:
        self.name = name
        self.socket = socket
        self.answers: dict[str, list[dict[str, Any]]] = {}
        self.unsolicited: list[dict[str, Any]] = []
        self.close_code: int | None = None

    async def pull(self, deadline: float) -> bool:
        """Read one frame into its place: False once the connection is closed (its code kept)."""
        if self.close_code is not None:
            return False
        loop = asyncio.get_running_loop()
        try:
            text = await asyncio.wait_for(self.socket.recv(), max(0.0, deadline - loop.time()))
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd is not None else 1006
            return False
        frame = json.loads(text)
        request_id = frame.get("request_id")
        if request_id is None:
            self.unsolicited.append(frame)
        else:
            self.answers.setdefault(request_id, []).append(frame)
        return True


def matches(frame: dict[str, Any], expected: dict[str, Any]) -> bool:
    return frame.get("type") == expected["type"] and all(
        frame.get(key) == value for key, value in expected.get("match", {}).items()
    )


def sent_request_id(step: dict[str, Any]) -> str | None:
    """The request_id of the step's frame: None when it has none, or the text is no JSON object."""
    frame = step.get("send")
    if frame is None:
        try:
            frame = json.loads(step["send_text"])
        except ValueError:
            return None
    request_id = frame.get("request_id") if isinstance(frame, dict) else None
    return request_id if isinstance(request_id, str) else None


async def take_answer(link: Link, step: dict[str, Any]) -> None:
    """The frames of the step's request: their types in order (any order under shuffle), each like its expectation."""
    request_id = sent_request_id(step)
    expected = step["expect"]
    if request_id is None:
        return
    deadline = asyncio.get_running_loop().time() + step["timeout"]
    frames = link.answers.setdefault(request_id, [])
    try:
        while len(frames) < len(expected) and await link.pull(deadline):
            pass
    except TimeoutError:
        pass
    got = frames[: len(expected)]
    del frames[: len(expected)]
    types = [frame["type"] for frame in got]
    wanted = [expectation["type"] for expectation in expected]
    simulate = step.get("send", {}).get("simulate", {})
    shuffled = bool(simulate.get("shuffle")) if isinstance(simulate, dict) else False
    same = sorted(types) == sorted(wanted) if shuffled else types == wanted
    assert same, f"{link.name} {request_id}: expected {wanted}, got {types}"
    for expectation in expected:
        found = next((frame for frame in got if matches(frame, expectation)), None)
        assert found is not None, f"{link.name} {request_id}: no frame like {expectation} in {got}"
        got.remove(found)


async def take_unsolicited(link: Link, expected: list[dict[str, Any]], seconds: float) -> None:
    """Each expected frame among those that answer no request, in any order."""
    deadline = asyncio.get_running_loop().time() + seconds
    for expectation in expected:
        while (found := next((f for f in link.unsolicited if matches(f, expectation)), None)) is None:
            try:
                more = await link.pull(deadline)
            except TimeoutError:
                more = False
            assert more, f"{link.name}: no unsolicited frame like {expectation}; got {link.unsolicited}"
        link.unsolicited.remove(found)


async def wait_close(link: Link, code: int, seconds: float) -> None:
    """The connection's close code, once it is closed (by the server, or by this client)."""
    deadline = asyncio.get_running_loop().time() + seconds
    if link.close_code is None and link.socket.close_code is not None:
        link.close_code = link.socket.close_code  # this client closed it
    try:
        while await link.pull(deadline):
            pass
    except TimeoutError:
        pass
    assert link.close_code == code, f"{link.name}: closed with {link.close_code}, expected {code}"


def handshake_url(base_url: str, options: dict[str, Any]) -> str:
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
    query = {
        name: str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in options.items()
        if name != "subprotocols"
    }
    return urlunsplit((scheme, parts.netloc, "/ws", urlencode(query), ""))


async def replay(scenario: dict[str, Any], base_url: str) -> None:
    links: dict[str, Link] = {}
    try:
        for step in scenario["steps"]:
            if "connect" in step:
                name = step["connect"]
                options = scenario["connections"][name]
                offered = [Subprotocol(p) for p in options.get("subprotocols", [])] or None
                socket = await connect(handshake_url(base_url, options), subprotocols=offered)
                links[name] = Link(name, socket)
            elif "send" in step:
                link = links[step["on"]]
                await link.socket.send(json.dumps(step["send"]))
                await take_answer(link, step)
            elif "send_text" in step:
                link = links[step["on"]]
                await link.socket.send(step["send_text"])
                await take_answer(link, step)
            elif "expect_unsolicited" in step:
                what = step["expect_unsolicited"]
                seconds = what.get("timeout", DEFAULT_TIMEOUT)
                await take_unsolicited(links[what["on"]], what["frames"], seconds)
            elif "close" in step:
                await links[step["close"]].socket.close(step.get("code", 1000))
            elif "expect_close" in step:
                what = step["expect_close"]
                await wait_close(links[what["on"]], what["code"], what.get("timeout", DEFAULT_TIMEOUT))
    finally:
        for link in links.values():
            await link.socket.close()
`;

export function pytestFile(scenario) {
  return `"""Сценарий «${scenario.name.replaceAll('"', "'")}», записанный в песочнице QA Kit WS (/playground).

Повторяет сессию клиентом websockets и проверяет тип и устойчивые поля каждого кадра.
Запуск против живого сервиса (по умолчанию http://localhost:8002):

    QAKIT_URL=http://localhost:8002 uv run pytest ${pytestFileName(scenario)}
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

BASE_URL = os.environ.get("QAKIT_URL", "http://localhost:8002")
DEFAULT_TIMEOUT = 5.0

SCENARIO: dict[str, Any] = ${pythonLiteral(scenario)}
${RUNNER}

def ${testName(scenario.name)}() -> None:
    asyncio.run(replay(SCENARIO, BASE_URL))
`;
}

export function pytestFileName(scenario) {
  return `${testName(scenario.name)}.py`;
}
