"""ARCHITECTURE.md's module map names every module of ``service/``: a module added without a
line there fails here."""

from __future__ import annotations

import re

from tests.support.live import ROOT


def test_every_service_module_is_in_the_module_map() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    mapped = set(re.findall(r"^\s+([a-z_]+\.py)\s", text, flags=re.MULTILINE))
    modules = {path.name for path in (ROOT / "service").rglob("*.py") if path.name != "__init__.py"}
    assert modules - mapped == set()
