"""Lint, formatting, strict types, the dependency rule and the test layout, as tests, so one
command checks all."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.live import ROOT

BIN = ROOT / ".venv" / "bin"
UNIT = ROOT / "tests" / "unit"


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


def module_under_test(test_file: Path) -> Path:
    """``tests/unit/<path>/test_<name>.py`` tests ``service/<path>/<name>.py``."""
    relative = test_file.relative_to(UNIT)
    return ROOT / "service" / relative.parent / relative.name.removeprefix("test_")


def test_every_unit_test_file_is_at_the_path_of_the_module_it_tests() -> None:
    test_files = {path.relative_to(ROOT).as_posix(): path for path in UNIT.rglob("test_*.py")}
    strays = sorted(
        f"{name}: no {module_under_test(path).relative_to(ROOT)}"
        for name, path in test_files.items()
        if not module_under_test(path).is_file()
    )
    assert not strays, f"move each to the path of the module it tests: {strays}"
