"""JUnit reports (``pytest --junitxml``), as a team's CI reads them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path


def passed_cases(report: Path) -> list[str]:
    """The test case names of ``report``; fails unless none failed, errored or was skipped."""
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None, f"{report} holds no testsuite"
    outcome = {key: suite.get(key) for key in ("failures", "errors", "skipped")}
    assert outcome == {"failures": "0", "errors": "0", "skipped": "0"}, outcome
    return [case.get("name", "") for case in suite.iter("testcase")]
