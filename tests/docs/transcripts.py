"""Expected output files of the docs examples, compared with what the service really answers.

Examples in ``docs/examples/`` come with the output a reader will see (``*.answers.jsonl``,
``*.peer.jsonl``, ``*.out``); the pages show those files through ``--8<--`` includes. A test
runs each example against a live service and compares, line by line, with `assert_transcript`.

Only values that differ on every run are left out of the comparison: timestamps (``ts``,
``created_at``, ``updated_at``, ``@timestamp``) must still be RFC 3339 date-times, the
process figures of ``/health`` (``uptime_seconds``, ``rss_bytes``, ``tasks``) must still be
numbers, and the names a process draws at random — a channel's ``epoch`` (12 hex digits, new
in each life of the service) and a connection's ``client_id`` (``c-`` and 12 hex digits) —
must still have their form. Everything else must be equal, offsets included.

``DOCS_EXAMPLES_RECORD=1 uv run pytest tests/docs`` rewrites the expected files from a real
run instead of comparing (after a deliberate change of the service); review the diff.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection

from tests.support.specs import ROOT, is_rfc3339_date_time

EXAMPLES = ROOT / "docs" / "examples"
RECORD = os.environ.get("DOCS_EXAMPLES_RECORD") == "1"

_TIMESTAMPS = frozenset({"ts", "created_at", "updated_at", "@timestamp"})
_MEASURES = frozenset({"uptime_seconds", "rss_bytes", "tasks"})
_DRAWN = {"epoch": re.compile(r"[0-9a-f]{12}"), "client_id": re.compile(r"c-[0-9a-f]{12}")}


def _normalized(value: Any, key: str | None = None) -> Any:
    if key in _TIMESTAMPS and isinstance(value, str) and is_rfc3339_date_time(value):
        return "<timestamp>"
    if key in _MEASURES and isinstance(value, int | float) and not isinstance(value, bool):
        return "<number>"
    if key in _DRAWN and isinstance(value, str) and _DRAWN[key].fullmatch(value):
        return f"<{key}>"
    if isinstance(value, dict):
        return {k: _normalized(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(item) for item in value]
    return value


def normalized_line(line: str) -> str:
    """``line`` with run-dependent values replaced; a line may be ``prefix {json}`` or plain text."""
    line = line.rstrip()
    if line.lower().startswith("date:"):
        return "date: <http-date>"
    starts = [i for i in (line.find("{"), line.find("[")) if i >= 0]
    if starts:
        start = min(starts)
        try:
            value = json.loads(line[start:])
        except json.JSONDecodeError:
            return line
        return line[:start] + json.dumps(_normalized(value), ensure_ascii=False, sort_keys=True)
    return line


def trimmed(lines: list[str]) -> list[str]:
    """``lines`` without trailing whitespace (``\r`` included) and without blank lines at the end."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def expected_lines(path: Path) -> list[str]:
    """The lines of an expected output file."""
    return trimmed(path.read_text(encoding="utf-8").splitlines())


def assert_transcript(path: Path, actual: list[str], *, what: str) -> None:
    """Compare ``actual`` output lines with the file ``path`` (or rewrite it in record mode)."""
    actual = trimmed(actual)
    if RECORD:
        path.write_text("".join(f"{line}\n" for line in actual), encoding="utf-8")
        return
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: record it with DOCS_EXAMPLES_RECORD=1"
    expected = expected_lines(path)
    if [normalized_line(x) for x in expected] != [normalized_line(x) for x in actual]:
        diff = "\n".join(
            difflib.unified_diff(
                [normalized_line(x) for x in expected],
                [normalized_line(x) for x in actual],
                f"{path.relative_to(ROOT)} (shown in the docs)",
                "the live service",
                lineterm="",
            )
        )
        raise AssertionError(f"{what}: the docs show something the service does not answer\n{diff}")


async def drain(connection: ClientConnection, quiet: float = 0.3) -> list[str]:
    """Every text frame ``connection`` receives until none comes for ``quiet`` seconds."""
    frames: list[str] = []
    while True:
        try:
            frames.append(str(await asyncio.wait_for(connection.recv(), quiet)))
        except TimeoutError:
            return frames
