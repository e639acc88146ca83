"""The dependency rules of ARCHITECTURE.md, checked by reading every module's imports: the domain
imports no framework, driver or adapter; ``bench/`` and ``tools/`` import nothing from ``tests/``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.live import ROOT

DOMAIN = ["orders", "actions", "channels", "events"]
FORBIDDEN = (
    "litestar",
    "uvicorn",
    "asyncpg",
    "aiokafka",
    "service.transport",
    "service.storage",
    "service.bus",
)


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_imports_no_framework_no_driver_no_adapter(package: str) -> None:
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "service" / package).rglob("*.py")
        for name in imports_of(path)
        if name.startswith(FORBIDDEN)
    }
    assert not offenders, sorted(offenders)


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
