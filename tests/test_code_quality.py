"""Lint, formatting, strict types and the dependency rule, as tests, so one command checks all."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.support.live import ROOT

BIN = ROOT / ".venv" / "bin"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name, path=str(sys.prefix) + "/bin")
    assert found, f"{name} is not installed: run `uv sync`"
    return found


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "service", "tests", "tools", "bench"],
        ["ruff", "format", "--check", "service", "tests", "tools", "bench"],
        ["mypy"],
        ["lint-imports"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict", "import-linter"],
)
def test_code_quality(command: list[str]) -> None:
    # bench/ joins the checks once it exists
    args = [part for part in command if part != "bench" or (ROOT / part).is_dir()]
    result = subprocess.run(
        [tool(args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-15000:]
