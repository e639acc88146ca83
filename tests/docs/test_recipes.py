"""The recipes of docs/how-to/ws-recipes.md and docs/how-to/scenarios.md, run against a live
service: the pytest + websocket-client recipe passes, the Artillery recipe runs with Artillery
itself, its function step collects the three frames of one request (and fails on the wrong
ones), the k6 script parses, and the CI command of the scenarios how-to passes and writes its
JUnit report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.docs.transcripts import EXAMPLES, assert_transcript
from tests.support import npm
from tests.support.junit import passed_cases
from tests.support.live import ROOT, LiveService

RECIPES = EXAMPLES / "recipes"
NODE_WS = ROOT / "tests" / "support" / "node_ws"
ARTILLERY = ROOT / "tests" / "support" / "artillery"


def test_the_pytest_recipe_passes_against_the_service(live: LiveService) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(RECIPES / "test_echo_recipe.py"),
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env={**os.environ, "QAKIT_URL": live.http},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def artillery_step(live: LiveService, action: str) -> dict[str, object]:
    npm.ensure_installed(NODE_WS)
    result = subprocess.run(
        [
            npm.require("node"),
            str(NODE_WS / "artillery_function.mjs"),
            str(RECIPES / "artillery-frames.js"),
            "echoThreeFrames",
            f"{live.ws}?channel=general",
            json.dumps({"echoAction": action}),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_artillery_step_waits_for_all_three_frames(live: LiveService) -> None:
    assert artillery_step(live, "echo") == {
        "error": None,
        "emitted": ["histogram echo.round_trip_ms", "counter echo.ok"],
    }


def test_the_artillery_step_fails_on_other_frames(live: LiveService) -> None:
    outcome = artillery_step(live, "fly")  # an unknown action: one error frame, no ack
    assert outcome == {"error": "expected ack,echo,event, got error", "emitted": ["counter echo.failed"]}


def test_the_artillery_recipe_runs_with_artillery_itself(live: LiveService, tmp_path: Path) -> None:
    """The recipe as the page shows it, run by the pinned Artillery (tests/support/artillery),
    with a one-second phase instead of thirty: every echo gets its three frames."""
    npm.ensure_installed(ARTILLERY)
    report = tmp_path / "report.json"
    phases = {"config": {"phases": [{"duration": 1, "arrivalRate": 2}]}}
    result = subprocess.run(
        [
            str(ARTILLERY / "node_modules" / ".bin" / "artillery"),
            "run",
            "--target",
            f"{live.ws}?channel=general",
            "--overrides",
            json.dumps(phases),
            "--output",
            str(report),
            "artillery-echo.yml",
        ],
        cwd=RECIPES,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    counters = json.loads(report.read_text(encoding="utf-8"))["aggregate"]["counters"]
    assert counters["vusers.created"] == counters["vusers.completed"] >= 2
    assert counters["echo.ok"] == 2 * counters["vusers.created"]  # two echo steps a virtual user
    assert "echo.failed" not in counters
    assert counters.get("vusers.failed", 0) == 0


def test_the_k6_script_and_the_artillery_processor_parse(tmp_path: Path) -> None:
    node = npm.require("node")
    module = tmp_path / "k6-echo.mjs"  # k6 scripts are ES modules; node only parses them here
    shutil.copy(RECIPES / "k6-echo.js", module)
    for script in (module, RECIPES / "artillery-frames.js"):
        result = subprocess.run([node, "--check", str(script)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr


def test_the_ci_command_runs_the_scenarios_and_writes_junit(
    fresh_service: LiveService, tmp_path: Path
) -> None:
    report = tmp_path / "report.xml"
    result = subprocess.run(
        ["sh", str(EXAMPLES / "scenarios" / "ci.sh")],
        cwd=ROOT,
        env={**os.environ, "WS_URL": fresh_service.ws, "REPORT": str(report)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert len(passed_cases(report)) > 10


def test_the_failure_report_the_docs_show_is_what_the_plugin_prints(live: LiveService) -> None:
    scenario = EXAMPLES / "scenarios" / "wrong-echo.yml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tools.scenarios.plugin",
            str(scenario),
            "--ws-url",
            live.ws,
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout[-5000:]
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("scenario 'echo returns the payload'"))
    end = next(i for i, line in enumerate(lines) if line.startswith("====") and i > start)
    assert_transcript(scenario.with_suffix(".out"), lines[start:end], what="the failure report")
