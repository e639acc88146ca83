"""A session exported from the playground: the scenario file says what happened, and the pytest
file replays it against the live service and passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from playwright.async_api import Page

from tests.playground.conftest import ARTIFACTS, WAIT_MS, Playground, screenshot
from tests.playground.helpers import answer, card, connect, send, send_text
from tests.support.live import ROOT, LiveService

#: The scenario format the export follows.
SCENARIO_SCHEMA = ROOT / "api_specs" / "scenario.schema.json"
STEP_KINDS = {"connect", "send", "send_text", "expect_unsolicited", "close", "expect_close"}
BROKEN = '{"action": "echo"'  # not JSON: sent as text, answered error invalid_json


async def export(page: Page, button: str) -> str:
    panel = page.locator("#export")
    await panel.get_by_role("button", name=button).click()
    await panel.get_by_role("link", name="Скачать").wait_for(timeout=WAIT_MS)
    return await panel.get_by_label("Результат").input_value()


async def record_session(page: Page) -> dict[str, str]:
    """Two presence clients; echo, broadcast, a delayed triplet_demo overtaken by a ping, an
    order; then the server closes main (simulate) and second closes itself."""
    second = await connect(page, "second", presence=True, name="bob", subprotocol="qakit.v1")
    await second.locator('.frame[data-type="subscribed"]').wait_for(timeout=WAIT_MS)
    main = await connect(page, "main", presence=True, name="alice")
    await second.locator('.frame[data-type="event"]').first.wait_for(timeout=WAIT_MS)  # channel.joined
    sent = {
        "echo": await send(page, "main", "echo"),
        "broadcast": await send(page, "main", "broadcast"),
        "triplet_demo": await send(page, "main", "triplet_demo", simulate={"delay_ms": "300"}, wait_for=None),
        "ping": await send(page, "main", "ping"),
        "create_order": await send(page, "main", "create_order"),
    }
    await answer(main, sent["triplet_demo"], "event").wait_for(timeout=WAIT_MS)
    await second.locator('.frame[data-type="event"]').nth(1).wait_for(timeout=WAIT_MS)  # order.created
    await send_text(page, "main", BROKEN)
    await main.locator('.frame[data-type="error"]').wait_for(timeout=WAIT_MS)
    await send(page, "main", "ping", simulate={"code": "4000", "reason": "done"}, wait_for=None)
    await main.locator('.state[data-state="closed"]').wait_for(timeout=WAIT_MS)
    await second.locator('.frame[data-type="event"]').nth(2).wait_for(timeout=WAIT_MS)  # channel.left
    await card(page, "second").get_by_role("button", name="Закрыть").click()
    await second.locator('.state[data-state="closed"]').wait_for(timeout=WAIT_MS)
    return sent


def run_with_the_scenario_plugin(text: str, service: LiveService, folder: Path) -> None:
    """The exported file, run by the project's own scenario runner against the same service."""
    folder.mkdir()
    (folder / "playground.yaml").write_text(text, encoding="utf-8")
    (folder / "conftest.py").write_text('pytest_plugins = ["tools.scenarios.plugin"]\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider", "--ws-url", service.ws],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"the scenario plugin fails the export:\n{result.stdout}\n{result.stderr}"
    assert "1 passed" in result.stdout


def step_kind(step: dict[str, Any]) -> str:
    (kind,) = STEP_KINDS & step.keys()
    return kind


async def test_the_session_exports_as_a_scenario_and_as_a_pytest_file_that_passes(
    playground: Playground, service: LiveService, tmp_path: Path
) -> None:
    page = playground.page
    sent = await record_session(page)
    scenario_text = await export(page, "Сценарий (YAML)")
    scenario = yaml.safe_load(scenario_text)
    await screenshot(page, "export.png")
    (ARTIFACTS / "scenario.yaml").write_text(scenario_text, encoding="utf-8")
    run_with_the_scenario_plugin(scenario_text, service, tmp_path / "scenarios")
    Draft202012Validator(json.loads(SCENARIO_SCHEMA.read_text(encoding="utf-8"))).validate(scenario)
    assert scenario["connections"] == {
        "second": {"presence": True, "name": "bob", "subprotocols": ["qakit.v1"]},
        "main": {"presence": True, "name": "alice"},
    }
    steps = scenario["steps"]
    assert [step_kind(s) for s in steps][:2] == ["connect", "expect_unsolicited"]
    sends = {s["send"]["request_id"]: s for s in steps if "send" in s}
    assert [e["type"] for e in sends[sent["echo"]]["expect"]] == ["ack", "echo", "event"]
    assert sends[sent["echo"]]["on"] == "main"
    assert sends[sent["echo"]]["expect"][0] == {
        "type": "ack",
        "match": {"request_id": sent["echo"], "action": "echo"},
    }
    assert sends[sent["triplet_demo"]]["send"]["simulate"] == {"delay_ms": 300}
    assert [e["type"] for e in sends[sent["triplet_demo"]]["expect"]] == ["ack", "step", "step", "event"]
    unsolicited_on_second = [
        frame
        for s in steps
        if "expect_unsolicited" in s and s["expect_unsolicited"]["on"] == "second"
        for frame in s["expect_unsolicited"]["frames"]
    ]
    assert {
        "type": "broadcast",
        "match": {"request_id": None, "channel": "general", "message": "hi all", "source": "ws"},
    } in unsolicited_on_second
    assert {"type": "event", "match": {"request_id": None, "event": "order.created"}} in unsolicited_on_second
    raw = next(i for i, s in enumerate(steps) if "send_text" in s)
    assert steps[raw] == {"send_text": BROKEN, "on": "main", "expect": [], "timeout": 2}
    assert steps[raw + 1]["expect_unsolicited"]["frames"][0]["match"]["code"] == "invalid_json"
    assert {"expect_close": {"on": "main", "code": 4000}} in steps
    assert steps[-1] == {"close": "second"}, "the client's own close needs no expect_close"

    test_file = tmp_path / "test_replay.py"
    test_file.write_text(await export(page, "Тест pytest"), encoding="utf-8")
    (ARTIFACTS / test_file.name).write_text(test_file.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={**os.environ, "QAKIT_URL": service.http},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, (
        f"the exported test fails against the service:\n{result.stdout}\n{result.stderr}"
    )
    assert "1 passed" in result.stdout
    for check in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        linted = subprocess.run(
            [sys.executable, "-m", "ruff", *check, str(test_file)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert linted.returncode == 0, (
            f"ruff {check[0]} on the exported test:\n{linted.stdout}{linted.stderr}"
        )
