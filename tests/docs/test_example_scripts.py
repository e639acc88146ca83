"""The Python scripts the docs show pass the checks the project's own code passes.

Readers copy these scripts into their own test projects, so they are held to the same standard:
ruff (lint and format) and mypy ``--strict``. ``docs/examples`` is neither in ``[tool.mypy]
files`` nor among the folders ``tests/test_code_quality.py`` lints, so it is checked here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.transcripts import EXAMPLES
from tools.specs import ROOT

BIN = Path(sys.executable).parent


def scripts() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for path in EXAMPLES.rglob("*.py"))


def test_the_docs_show_python_scripts() -> None:
    assert len(scripts()) >= 2, scripts()


@pytest.mark.parametrize(
    "command",
    [["ruff", "check"], ["ruff", "format", "--check"], ["mypy", "--strict"]],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_example_scripts_pass_the_checks_of_the_project(command: list[str]) -> None:
    tool = shutil.which(command[0], path=str(BIN))
    assert tool, f"{command[0]} is not installed: run `uv sync`"
    result = subprocess.run(
        [tool, *command[1:], *scripts()], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-8000:]
