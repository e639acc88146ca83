"""The dependency rule of ARCHITECTURE.md, checked by reading every domain module's imports."""

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
