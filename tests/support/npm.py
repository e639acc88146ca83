"""Node tools the tests use, each pinned in a small npm folder with a committed lockfile.

`ensure_installed` runs ``npm ci`` in such a folder unless exactly the pinned versions are in
its ``node_modules`` already, and fails the test with npm's output when it cannot install them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

NPM_CI_TIMEOUT = 600


def require(tool: str) -> str:
    """The path of ``tool`` (``node``, ``npm``), or a failed test that says how to get it."""
    found = shutil.which(tool)
    if found is None:
        pytest.fail(
            f"`{tool}` is not on PATH: install Node.js 18+ with npm (Debian: apt-get install nodejs npm)."
        )
    return found


def pinned(folder: Path) -> dict[str, str]:
    """The dependencies of ``folder/package.json``, name → exact version."""
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    return dict(package["dependencies"])


def installed(folder: Path, name: str) -> str | None:
    """The version of ``name`` in ``folder/node_modules``, or None when it is not there."""
    manifest = folder / "node_modules" / name / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def ensure_installed(folder: Path) -> None:
    """``npm ci`` in ``folder`` unless exactly its pinned packages are installed already."""
    npm = require("npm")
    require("node")
    assert (folder / "package-lock.json").is_file(), f"{folder}/package-lock.json is missing"
    if all(installed(folder, name) == version for name, version in pinned(folder).items()):
        return
    try:
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"npm ci in {folder} did not finish in {NPM_CI_TIMEOUT} s")
    assert result.returncode == 0, f"npm ci failed in {folder}:\n{result.stdout}\n{result.stderr}"
    wrong = {
        name: installed(folder, name)
        for name, version in pinned(folder).items()
        if installed(folder, name) != version
    }
    assert not wrong, f"npm ci in {folder} did not install the pinned versions: {wrong}"
