"""Every scenario of ``scenarios/`` passes against a freshly started service, run the way a
team's CI runs it: ``pytest scenarios/ --ws-url … --junitxml …`` in a process of its own."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import ROOT, LiveService, running_service
from tools.scenarios.model import load_scenarios

SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def fresh_service(tmp_path: Path) -> Iterator[LiveService]:
    """A service of its own: the docs scenarios show a fresh one (demo orders untouched)."""
    with running_service(tmp_path / "service.log") as service:
        yield service


def test_every_scenario_passes_against_a_fresh_service(fresh_service: LiveService, tmp_path: Path) -> None:
    report = tmp_path / "scenarios.xml"
    command = [sys.executable, "-m", "pytest", "scenarios/", "--ws-url", fresh_service.ws]
    result = subprocess.run(
        [*command, f"--junitxml={report}", "-p", "no:cacheprovider", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    names = {case.get("name") for case in suite.iter("testcase")}
    written = {s.name for path in SCENARIOS.rglob("*.yaml") for s in load_scenarios(path)}
    assert names == written, "every scenario of scenarios/ ran, and passed"
    assert suite.get("failures") == "0"
    assert suite.get("errors") == "0"
    assert suite.get("skipped") == "0"
