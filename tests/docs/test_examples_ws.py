"""The WebSocket frames the docs show are the frames the service really sends.

``docs/examples/ws/NAME.request.json`` (or ``.txt`` for a frame that is not JSON) is what a
reader sends; ``NAME.answers.jsonl`` is what comes back to the sender, one frame per line, as
websocat prints it; ``NAME.peer.jsonl`` is what a second client of the same channel receives.
The pages include these files, so the text shown is the text tested here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.docs.transcripts import EXAMPLES, RECORD, assert_transcript, drain, expected_lines
from tests.support.live import LiveService, start_service
from tools.specs import asyncapi_examples, frame_contract, load_asyncapi

WS_EXAMPLES = EXAMPLES / "ws"

#: The order the examples run in, against one fresh service: orders change state on the way
#: (``change_status`` pays order 1, then ``change_status_invalid`` tries to take it back), and
#: ``history`` shows the frame ``broadcast`` published (offset 1 of ``general``).
SCENARIO = (
    "echo",
    "triplet_demo",
    "ping",
    "ping_without_request_id",
    "broadcast",
    "history",
    "presence",
    "get_order",
    "get_order_missing",
    "list_orders",
    "list_orders_limit",
    "create_order",
    "change_status",
    "change_status_invalid",
    "invalid_json",
    "unknown_action",
    "missing_action",
    "validation_error",
)
_FINAL = {"event", "error"}


def request_file(name: str) -> Path:
    (found,) = WS_EXAMPLES.glob(f"{name}.request.*")
    return found


def request_id_of(text: str) -> str | None:
    try:
        frame = json.loads(text)
    except json.JSONDecodeError:
        return None
    return frame.get("request_id") if isinstance(frame, dict) else None


def test_every_ws_example_is_in_the_scenario() -> None:
    names = {path.name.split(".")[0] for path in WS_EXAMPLES.iterdir()}
    assert names == set(SCENARIO), "every example file must be run by this test, and only those"
    for name in SCENARIO:
        assert len(list(WS_EXAMPLES.glob(f"{name}.request.*"))) == 1, name
        if not RECORD:
            assert (WS_EXAMPLES / f"{name}.answers.jsonl").is_file(), name


def test_every_request_example_of_the_asyncapi_document_is_a_docs_example() -> None:
    requests = [e for e in asyncapi_examples() if e.message.endswith("Request")]
    assert requests, "asyncapi.yaml has request examples"
    for example in requests:
        path = WS_EXAMPLES / f"{example.name}.request.json"
        assert path.is_file(), (
            f"the AsyncAPI example {example.message}/{example.name} is not in docs/examples/ws"
        )
        assert json.loads(path.read_text(encoding="utf-8")) == example.payload, path.name


def test_every_action_of_the_protocol_has_an_example() -> None:
    actions = load_asyncapi()["components"]["schemas"]["ActionName"]["enum"]
    shown = set()
    for name in SCENARIO:
        text = request_file(name).read_text(encoding="utf-8")
        try:
            shown.add(json.loads(text).get("action"))
        except json.JSONDecodeError:
            continue
    assert set(actions) <= shown


@pytest.fixture
def fresh_service(tmp_path: Path) -> Iterator[LiveService]:
    """A service of its own: the examples expect the demo orders as a fresh start has them."""
    service = start_service(tmp_path / "service.log")
    yield service
    service.stop()


async def frames_until_final(connection: ClientConnection, request_id: str | None) -> list[str]:
    """Raw frames up to and including the final ``event``/``error`` answering ``request_id``."""
    texts: list[str] = []
    while True:
        text = await asyncio.wait_for(connection.recv(), 5)
        assert isinstance(text, str)
        texts.append(text)
        frame = json.loads(text)
        if frame["type"] in _FINAL and frame["request_id"] == request_id:
            return texts


async def test_ws_examples_answer_what_the_docs_show(fresh_service: LiveService) -> None:
    contract = frame_contract()
    url = f"{fresh_service.ws}?channel=general"
    async with websockets.connect(url) as sender, websockets.connect(url) as peer:
        for name in SCENARIO:
            text = request_file(name).read_text(encoding="utf-8").rstrip("\n")
            await sender.send(text)
            answers = await frames_until_final(sender, request_id_of(text))
            for answer in answers:
                contract.check_server_frame(json.loads(answer))
            if json.loads(answers[0])["type"] == "ack":
                contract.check_client_frame(json.loads(text))
            assert_transcript(WS_EXAMPLES / f"{name}.answers.jsonl", answers, what=f"{name} (sender)")

            peer_path = WS_EXAMPLES / f"{name}.peer.jsonl"
            if RECORD:
                seen = await drain(peer)
            else:
                expected = len(expected_lines(peer_path)) if peer_path.is_file() else 0
                seen = [str(await asyncio.wait_for(peer.recv(), 5)) for _ in range(expected)]
            for frame in seen:
                contract.check_server_frame(json.loads(frame))
            if seen:
                assert_transcript(peer_path, seen, what=f"{name} (another client of the channel)")
            elif RECORD:
                peer_path.unlink(missing_ok=True)
        extra = await drain(peer)
        assert not extra, f"the other client got frames no example shows: {extra}"
