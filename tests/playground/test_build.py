"""The committed playground assets are exactly what ``tools/playground/build.mjs`` makes from
``tools/playground/src`` with the pinned packages, and the build is reproducible: two builds
are byte for byte the same. ``python -m service`` needs no Node; these tests do."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.live import ROOT
from tests.support.npm import ensure_installed, require

TOOL = ROOT / "tools" / "playground"
COMMITTED = ROOT / "service" / "transport" / "static" / "playground"
FILES = ("index.html", "playground.css", "playground.js")


@pytest.fixture(scope="module")
def npm_tool() -> Path:
    ensure_installed(TOOL)
    return TOOL


def build(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require("node"), str(TOOL / "build.mjs"), "--out", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_committed_assets_are_a_fresh_build_of_the_sources(npm_tool: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        result = build(out)
        assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(path.name for path in first.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), (
            f"{name} differs from build to build"
        )
        assert (COMMITTED / name).read_bytes() == (first / name).read_bytes(), (
            f"service/transport/static/playground/{name} is out of date: run `node tools/playground/build.mjs`"
        )


def test_check_mode_fails_on_a_stale_asset(npm_tool: Path, tmp_path: Path) -> None:
    assert build(tmp_path).returncode == 0
    assert build(tmp_path, "--check").returncode == 0
    stale = tmp_path / "playground.css"
    stale.write_bytes(stale.read_bytes() + b"/* edited by hand */\n")
    result = build(tmp_path, "--check")
    assert result.returncode == 1
    assert "playground.css" in result.stderr
