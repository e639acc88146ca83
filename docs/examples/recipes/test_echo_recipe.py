"""pytest + websocket-client + JSON Schema: one request, three answers, each checked by the spec.

pip install pytest websocket-client jsonschema pyyaml
QAKIT_URL=http://localhost:8002 pytest test_echo_recipe.py
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.request import urlopen

import pytest
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from websocket import WebSocket, create_connection

BASE = os.environ.get("QAKIT_URL", "http://localhost:8002")
WS_URL = BASE.replace("http", "ws", 1) + "/ws?channel=general"
SPEC_URL = f"{BASE}/specs/asyncapi.yaml"


@pytest.fixture(scope="session")
def server_frame() -> Any:
    """A validator of every frame the server may send, from the AsyncAPI the service serves."""
    with urlopen(SPEC_URL, timeout=5) as answer:  # noqa: S310 - a URL of your own stand
        spec = yaml.safe_load(answer.read())
    registry: Registry[Any] = Registry().with_resource(SPEC_URL, DRAFT202012.create_resource(spec))
    return Draft202012Validator({"$ref": f"{SPEC_URL}#/components/schemas/ServerFrame"}, registry=registry)


@pytest.fixture
def ws() -> Iterator[WebSocket]:
    connection: WebSocket = create_connection(WS_URL, timeout=5)
    yield connection
    connection.close()


def answers_to(ws: WebSocket, request_id: str) -> list[dict[str, Any]]:
    """Every frame answering ``request_id``, up to the final ``event`` or ``error``."""
    frames: list[dict[str, Any]] = []
    while True:
        frame = json.loads(ws.recv())
        if frame["request_id"] != request_id:
            continue  # a broadcast or a notification for everyone: not an answer
        frames.append(frame)
        if frame["type"] in ("event", "error"):
            return frames


def test_echo_answers_ack_echo_event(ws: WebSocket, server_frame: Any) -> None:
    request_id = f"r-{uuid.uuid4().hex[:8]}"
    ws.send(json.dumps({"action": "echo", "payload": {"text": "hello"}, "request_id": request_id}))
    frames = answers_to(ws, request_id)
    for frame in frames:
        server_frame.validate(frame)  # every frame is valid against the spec
    assert [frame["type"] for frame in frames] == ["ack", "echo", "event"]
    assert frames[1]["data"] == {"text": "hello"}
    assert frames[2]["event"] == "ws.echo"
