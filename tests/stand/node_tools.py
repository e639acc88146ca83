"""Node side of the Postman kit: ``npm ci`` on demand, the generator and newman."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import ROOT

TOOLS = ROOT / "tools" / "postman"
POSTMAN = ROOT / "postman"
GENERATOR = TOOLS / "generate.mjs"
NEWMAN = TOOLS / "node_modules" / "newman" / "bin" / "newman.js"
COLLECTION = POSTMAN / "qa-kit-ws.postman_collection.json"
ENVIRONMENT = POSTMAN / "qa-kit-ws.postman_environment.json"
WS_JSON = POSTMAN / "websocket-messages.json"
WS_MARKDOWN = POSTMAN / "websocket-messages.md"
GENERATED = [COLLECTION, ENVIRONMENT, WS_MARKDOWN, WS_JSON]
NPM_CI_TIMEOUT = 600
RUN_TIMEOUT = 120


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"`{tool}` is not on PATH: the Postman kit needs Node.js 18+ with npm.")
    return found


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


def run(command: list[str], *, timeout: int = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in tools/postman; a time-out fails the test with the output so far."""
    try:
        return subprocess.run(
            command, cwd=TOOLS, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(
            f"{' '.join(command)} did not finish in {timeout} s:\n{_text(error.stdout)}{_text(error.stderr)}"
        )


def pinned() -> dict[str, str]:
    package = json.loads((TOOLS / "package.json").read_text(encoding="utf-8"))
    return dict(package["dependencies"])


def _installed(name: str) -> str | None:
    manifest = TOOLS / "node_modules" / name / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def ensure_installed() -> None:
    """``npm ci`` in tools/postman unless exactly the pinned packages are there already."""
    npm = _require("npm")
    _require("node")
    if all(_installed(name) == version for name, version in pinned().items()):
        return
    result = run([npm, "ci", "--no-audit", "--no-fund"], timeout=NPM_CI_TIMEOUT)
    assert result.returncode == 0, f"npm ci failed in {TOOLS}:\n{result.stdout}\n{result.stderr}"
    missing = {name: _installed(name) for name, version in pinned().items() if _installed(name) != version}
    assert not missing, f"npm ci did not install the pinned versions: {missing}"


def generate(*args: str) -> subprocess.CompletedProcess[str]:
    return run([_require("node"), str(GENERATOR), *args])


@dataclass(frozen=True)
class NewmanRun:
    """What newman's JSON reporter says about one run."""

    report: dict[str, Any]
    output: str

    @property
    def stats(self) -> dict[str, dict[str, int]]:
        return dict(self.report["run"]["stats"])

    @property
    def failures(self) -> list[str]:
        """Every failure: failed assertions, script errors, request errors."""
        shown = []
        for failure in self.report["run"]["failures"]:
            error = failure.get("error", {})
            where = failure.get("source", {}).get("name", "?")
            shown.append(f"{where}: {error.get('name')}: {error.get('message')}")
        return shown

    def assertions_by_request(self) -> dict[str, list[tuple[str, bool]]]:
        found: dict[str, list[tuple[str, bool]]] = {}
        for execution in self.report["run"]["executions"]:
            name = execution["item"]["name"]
            found[name] = [(a["assertion"], "error" not in a) for a in execution.get("assertions", [])]
        return found


def newman(collection: Path, base_url: str, report: Path, *, folder: str | None = None) -> NewmanRun:
    """Run ``collection`` with the generated environment, ``baseUrl`` pointing at ``base_url``."""
    command = [
        _require("node"),
        str(NEWMAN),
        "run",
        str(collection),
        "--environment",
        str(ENVIRONMENT),
        "--env-var",
        f"baseUrl={base_url}",
        "--reporters",
        "cli,json",
        "--reporter-json-export",
        str(report),
        "--timeout-request",
        "10000",
        "--color",
        "off",
        "--disable-unicode",
    ]
    if folder is not None:
        command += ["--folder", folder]
    result = run(command)
    output = f"{result.stdout}\n{result.stderr}"
    assert report.is_file(), f"newman wrote no JSON report (exit {result.returncode}):\n{output}"
    parsed = NewmanRun(json.loads(report.read_text(encoding="utf-8")), output)
    # newman exits non-zero exactly when something failed; both must agree.
    assert (result.returncode == 0) == (not parsed.failures), f"exit {result.returncode}:\n{output}"
    return parsed
