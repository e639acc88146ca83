"""``generated/`` is exactly what the specs produce: nobody edits it by hand."""

from __future__ import annotations

import subprocess
import sys

from tests.support.live import ROOT


def test_generated_code_matches_the_specs() -> None:
    result = subprocess.run(
        [sys.executable, "tools/codegen.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
