"""Reading the docs takes the ``docs`` dependency group only, not the dev toolchain.

``uv run --no-dev --group docs mkdocs build --strict`` (what the README tells a reader) runs in a
fresh environment of its own, from ``uv.lock`` as it is: the site builds, and the environment
holds none of the test tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.support.live import ROOT

DEV_ONLY = ("pytest", "mypy", "playwright", "schemathesis", "hypothesis")


def test_the_docs_group_alone_builds_the_site(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    assert uv, "uv is not on PATH: the README installs it with `python -m pip install uv`"
    environment = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env |= {"UV_PROJECT_ENVIRONMENT": str(environment), "NO_MKDOCS_2_WARNING": "1"}
    command = [uv, "run", "--frozen", "--no-dev", "--group", "docs", "mkdocs", "build", "--strict"]
    result = subprocess.run(
        [*command, "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert (tmp_path / "site" / "reference" / "openapi" / "index.html").is_file()
    (site_packages,) = environment.glob("lib/python3*/site-packages")
    installed = {path.name.lower() for path in site_packages.iterdir()}
    assert not [name for name in DEV_ONLY if name in installed], sorted(installed)
