"""QA Kit WS: a WebSocket + REST training service for QA engineers."""

from __future__ import annotations

import tomllib
from pathlib import Path


def _project_version() -> str:
    # The project is not installed (``[tool.uv] package = false``), so importlib.metadata does
    # not know it. pyproject.toml sits next to the package in a checkout and in the image: the
    # Dockerfile copies it (for ``uv sync``) and the runtime stage takes all of /app.
    with (Path(__file__).resolve().parent.parent / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


__version__ = _project_version()
"""The service's version, as ``/health`` reports it: ``[project] version`` of pyproject.toml.

It is not the API version: ``info.version`` of ``api_specs/openapi.yaml`` and ``asyncapi.yaml``
versions the contract and changes only when the contract does.
"""
