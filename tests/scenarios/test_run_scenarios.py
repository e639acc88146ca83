"""Every scenario of ``scenarios/`` passes against a freshly started service, run the way a
team's CI runs it: ``pytest scenarios/ --ws-url … --junitxml …`` in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.junit import passed_cases
from tests.support.live import ROOT, LiveService
from tools.scenarios.model import load_scenarios

SCENARIOS = ROOT / "scenarios"


def test_every_scenario_passes_against_a_fresh_service(fresh_service: LiveService, tmp_path: Path) -> None:
    # fresh: the docs scenarios show demo orders untouched, and run first (scenarios/docs < guide)
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
    written = {s.name for path in SCENARIOS.rglob("*.yaml") for s in load_scenarios(path)}
    assert set(passed_cases(report)) == written, "every scenario of scenarios/ ran, and passed"
