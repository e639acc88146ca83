"""Where uvloop and httptools are missing (uvloop has no Windows build), the service still runs.

The service is started as the README starts it, with both modules hidden: a folder on
``PYTHONPATH`` holds a ``uvloop.py`` and an ``httptools.py`` that raise ImportError, so
``import uvloop`` fails in the child process as it does on Windows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.support.live import LiveService, running_service

HIDDEN = ("uvloop", "httptools")


def start_up_lines(service: LiveService, action: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in service.log_lines() if line.startswith("{")]
    return [record for record in records if record.get("event", {}).get("action") == action]


@pytest.fixture(scope="module")
def without_fast_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    shim = tmp_path_factory.mktemp("hide-fast-stack")
    for name in HIDDEN:
        (shim / f"{name}.py").write_text(
            f'raise ModuleNotFoundError("No module named {name!r} (hidden by the test)", name={name!r})\n',
            encoding="utf-8",
        )
    log_path = Path(tmp_path_factory.mktemp("without-uvloop")) / "service.log"
    with running_service(log_path, {"PYTHONPATH": str(shim)}) as service:
        yield service


def test_health_answers(without_fast_stack: LiveService) -> None:
    response = httpx.get(f"{without_fast_stack.http}/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_a_websocket_echo_is_answered(without_fast_stack: LiveService) -> None:
    async with websockets.connect(f"{without_fast_stack.ws}?channel=general") as client:
        await client.send('{"action": "echo", "payload": {"text": "hi"}, "request_id": "no-uvloop"}')
        answers = [json.loads(await client.recv()) for _ in range(3)]
    assert [answer["type"] for answer in answers] == ["ack", "echo", "event"]
    assert {answer["request_id"] for answer in answers} == {"no-uvloop"}
    assert answers[1]["data"] == {"text": "hi"}


def test_the_start_up_line_says_which_loop_and_parser_run_and_why(without_fast_stack: LiveService) -> None:
    (line,) = start_up_lines(without_fast_stack, "server.stack")
    assert (line["event_loop"], line["http_parser"]) == ("asyncio", "h11")
    assert line["log.level"] == "warning"
    for name in HIDDEN:
        assert f"No module named {name!r}" in line["message"], line["message"]


def test_neither_module_is_loaded_into_the_process(without_fast_stack: LiveService) -> None:
    maps = Path(f"/proc/{without_fast_stack.process.pid}/maps")
    if not maps.is_file():
        pytest.skip("no /proc: cannot list the libraries the process loaded")
    loaded = maps.read_text(encoding="utf-8", errors="replace")
    assert not [name for name in HIDDEN if f"/{name}/" in loaded]


def test_frames_are_still_written_straight_into_the_connection(without_fast_stack: LiveService) -> None:
    (line,) = start_up_lines(without_fast_stack, "ws.write_path")
    assert line["write_path"] == "direct"


def test_with_both_installed_the_start_up_line_names_uvloop_and_httptools(live: LiveService) -> None:
    (line,) = start_up_lines(live, "server.stack")
    assert (line["event_loop"], line["http_parser"], line["log.level"]) == ("uvloop", "httptools", "info")
