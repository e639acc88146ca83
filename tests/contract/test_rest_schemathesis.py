"""Schemathesis against the source spec ``api_specs/openapi.yaml`` (not a schema Litestar derives).

In-process through ASGI, and against a live uvicorn process with the real CLI; every check
on, negative data included.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import hypothesis
import schemathesis

from service.app import create_app
from service.settings import Settings
from tests.support.client import ContractClient
from tests.support.live import ROOT, LiveService

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

SPEC = ROOT / "api_specs" / "openapi.yaml"

schema = schemathesis.openapi.from_path(SPEC)
schema.app = create_app(Settings())


@schema.parametrize()
@hypothesis.settings(max_examples=40, deadline=None)
def test_in_process(case: OpenApiCase) -> None:
    case.call_and_validate()


async def traced_echo(live: LiveService) -> None:
    """The request schemathesis.toml gives ``GET /trace/{request_id}``, so it can answer 200."""
    async with ContractClient.connect(live.ws) as client:
        await client.request("echo", {"text": "hello"}, request_id="r-echo-1")


def test_live_with_every_check_and_phase(live: LiveService, tmp_path: Path) -> None:
    asyncio.run(traced_echo(live))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            str(SPEC),
            "--url",
            live.http,
            "--checks",
            "all",
            "--max-examples",
            "60",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    assert "No issues found" in output
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output or f"✅  {phase}" in output, (
            f"phase {phase} did not pass:\n{output[-5000:]}"
        )
