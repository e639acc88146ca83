"""Spectral, the linter testers run on API documents, finds nothing in ours.

Both documents are linted with Spectral's own rulesets, ``spectral:oas`` and
``spectral:asyncapi`` (``@stoplight/spectral-cli``, pinned in ``tools/spectral`` and installed
with ``npm ci``), through ``api_specs/.spectral.yaml``; a finding of any severity, hints
included, fails. The ruleset may turn a rule off only with its reason written above it, and a
doctored copy of the documents shows that a finding does fail.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import npm
from tools.specs import ASYNCAPI_PATH, OPENAPI_PATH, ROOT

SPECTRAL = ROOT / "tools" / "spectral"
CLI = SPECTRAL / "node_modules" / "@stoplight" / "spectral-cli" / "dist" / "index.js"
RULESET = ROOT / "api_specs" / ".spectral.yaml"
LINT_TIMEOUT = 180


def lint(*documents: Path) -> list[dict[str, Any]]:
    """Spectral's findings for ``documents`` with the project's ruleset, as its JSON report."""
    npm.ensure_installed(SPECTRAL)
    command = [npm.require("node"), str(CLI), "lint", "--ruleset", str(RULESET)]
    command += ["--format", "json", "--quiet", "--fail-severity", "hint", *map(str, documents)]
    try:
        result = subprocess.run(
            command, cwd=SPECTRAL, capture_output=True, text=True, timeout=LINT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"spectral lint did not finish in {LINT_TIMEOUT} s")
    try:
        findings: list[dict[str, Any]] = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"spectral lint wrote no JSON report (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    # Spectral exits non-zero exactly when it found something (or could not run).
    assert (result.returncode == 0) == (not findings), f"exit {result.returncode}:\n{result.stderr}"
    return findings


def shown(findings: list[dict[str, Any]]) -> str:
    severity = ["error", "warning", "info", "hint"]
    return "\n".join(
        f"{Path(f['source']).name}:{f['range']['start']['line'] + 1} {severity[f['severity']]} "
        f"{f['code']}: {f['message']} ({'.'.join(map(str, f['path']))})"
        for f in findings
    )


def test_spectral_finds_nothing_in_either_document() -> None:
    findings = lint(OPENAPI_PATH, ASYNCAPI_PATH)
    assert not findings, f"Spectral's findings in api_specs/:\n{shown(findings)}"


def test_a_finding_fails(tmp_path: Path) -> None:
    """The same run on copies that lack a contact and descriptions reports each of them."""
    openapi = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    del openapi["info"]["contact"]
    del openapi["paths"]["/stats"]["get"]["description"]
    asyncapi = yaml.safe_load(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    del asyncapi["operations"]["publishEvent"]["description"]
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(openapi, allow_unicode=True), encoding="utf-8")
    (tmp_path / "asyncapi.yaml").write_text(yaml.safe_dump(asyncapi, allow_unicode=True), encoding="utf-8")

    findings = lint(tmp_path / "openapi.yaml", tmp_path / "asyncapi.yaml")
    found = {(Path(f["source"]).name, f["code"], ".".join(map(str, f["path"]))) for f in findings}
    assert found == {
        ("openapi.yaml", "info-contact", "info"),
        ("openapi.yaml", "operation-description", "paths./stats.get"),
        ("asyncapi.yaml", "asyncapi-3-operation-description", "operations.publishEvent"),
    }, shown(findings)


def test_the_ruleset_turns_a_rule_off_only_with_a_reason() -> None:
    text = RULESET.read_text(encoding="utf-8")
    ruleset = yaml.safe_load(text)  # YAML 1.1: `off` reads as False
    assert set(ruleset["extends"]) == {"spectral:oas", "spectral:asyncapi"}
    lines = text.splitlines()

    def has_reason_above(pattern: str) -> list[bool]:
        return [
            i > 0 and lines[i - 1].lstrip().startswith("#")
            for i, line in enumerate(lines)
            if re.fullmatch(pattern, line)
        ]

    for rule, setting in ruleset.get("rules", {}).items():
        assert setting is False, f"{rule}: the ruleset only turns rules off, it changes none"
        assert has_reason_above(rf"  {re.escape(rule)}: off") == [True], (
            f"{rule} is off without a reason above it"
        )
    overrides = ruleset.get("overrides", [])
    for override in overrides:
        assert set(override["rules"].values()) == {False}, override
    assert has_reason_above(r"  - files:") == [True] * len(overrides), "an override without a reason above it"


def test_spectral_is_pinned_and_its_lock_names_no_registry() -> None:
    assert npm.pinned(SPECTRAL) == {"@stoplight/spectral-cli": "6.16.3"}
    lock = json.loads((SPECTRAL / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == npm.pinned(SPECTRAL)
    resolved = [name for name, entry in lock["packages"].items() if "resolved" in entry]
    assert not resolved, f"package-lock.json names a registry for {resolved[:5]}"
    assert "omit-lockfile-registry-resolved=true" in (SPECTRAL / ".npmrc").read_text(encoding="utf-8")
