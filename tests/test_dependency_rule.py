"""The dependency rules of ARCHITECTURE.md: the import-linter contracts (run by
``tests/test_code_quality.py``) really fail when a rule is broken, and ``bench/`` and ``tools/``
import nothing from ``tests/``."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.live import ROOT


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def broken_copy(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of ``service/`` (and what import-linter reads) with ``line`` added to ``module``."""
    for name in ("service", "generated"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "named"),
    [
        ("service/actions/protocol.py", "import service.channels.hub", "The protocol returns outcomes"),
        ("service/actions/answers.py", "import service.events.publisher", "The protocol returns outcomes"),
        ("service/orders/model.py", "import service.runtime", "Layers"),
        ("service/delivery.py", "import websockets", "Domain and application import no framework"),
        ("service/channels/hub.py", "import service.storage", "Domain and application import no framework"),
    ],
    ids=["protocol-hub", "protocol-publisher", "domain-runtime", "delivery-websockets", "hub-adapter"],
)
def test_the_import_contracts_fail_when_the_rule_is_broken(
    tmp_path: Path, module: str, line: str, named: str
) -> None:
    copy = broken_copy(tmp_path, module, line)
    lint = shutil.which("lint-imports", path=str(ROOT / ".venv" / "bin")) or "lint-imports"
    result = subprocess.run(
        [lint, "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if line.rstrip().endswith("BROKEN")]
    assert any(named in line for line in result.stdout.splitlines()), result.stdout[-3000:]
    assert broken, result.stdout[-3000:]


def python_files(folder: str) -> list[Path]:
    return [path for path in (ROOT / folder).rglob("*.py") if "node_modules" not in path.parts]


@pytest.mark.parametrize("folder", ["bench", "tools"])
def test_bench_and_tools_import_nothing_from_tests(folder: str) -> None:
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(folder)
        for name in imports_of(path)
        if name == "tests" or name.startswith("tests.")
    }
    assert not offenders, f"{sorted(offenders)}: what tests/ and {folder}/ share goes in tools/live/"
