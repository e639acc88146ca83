"""Expected output files of the docs examples, compared with what the service really answers.

Examples in ``docs/examples/`` come with the output a reader will see (``*.answers.jsonl``,
``*.peer.jsonl``, ``*.out``); the pages show those files through ``--8<--`` includes. A test
runs each example against a live service and compares, line by line, with `assert_transcript`.

Only values that differ on every run are left out of the comparison: timestamps (``ts``,
``created_at``, ``updated_at``, ``@timestamp``) must still be RFC 3339 date-times, and the
process figures of ``/health`` (``uptime_seconds``, ``rss_bytes``, ``tasks``) must still be
numbers. Values random per process — a channel's ``epoch``, a connection's ``client_id`` — are
compared by which is which: each is renamed by the order it first appears in its transcript
(``<epoch-1>``, ``<client_id-2>``), so two frames of one epoch must still show one epoch, and a
client listed in presence must still be the one whose ``subscribed`` named it. Everything else
must be equal.

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

_TIMESTAMPS = frozenset({"ts", "created_at", "updated_at", "@timestamp", "received_at"})
_MEASURES = frozenset({"uptime_seconds", "rss_bytes", "tasks", "at_ms", "duration_ms"})
_RANDOM_IDS = {"epoch": re.compile(r"[0-9a-f]{12}"), "client_id": re.compile(r"c-[0-9a-f]{12}")}
"""Keys whose values each process draws at random, with the form the specs give them."""

Names = dict[tuple[str, str], str]
"""The random values of one transcript seen so far, ``(key, value)`` → its placeholder."""


def _renamed(key: str, value: str, names: Names) -> str:
    kind = sum(1 for known in names if known[0] == key)
    return names.setdefault((key, value), f"<{key}-{kind + 1}>")


def _normalized(value: Any, names: Names, key: str | None = None) -> Any:
    if key in _TIMESTAMPS and isinstance(value, str) and is_rfc3339_date_time(value):
        return "<timestamp>"
    if key in _MEASURES and isinstance(value, int | float) and not isinstance(value, bool):
        return "<number>"
    if key in _RANDOM_IDS and isinstance(value, str) and _RANDOM_IDS[key].fullmatch(value):
        return _renamed(key, value, names)
    if isinstance(value, dict):
        return {k: _normalized(v, names, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(item, names) for item in value]
    return value


def normalized_line(line: str, names: Names | None = None) -> str:
    """``line`` with run-dependent values replaced; a line may be ``prefix {json}`` or plain text.

    ``names``: the random values of the lines before it in the same transcript (updated here);
    without it, the line is renamed on its own.
    """
    names = {} if names is None else names
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
        return line[:start] + json.dumps(_normalized(value, names), ensure_ascii=False, sort_keys=True)
    return line


def normalized_lines(lines: list[str]) -> list[str]:
    """Each line normalised, the random values renamed across the whole transcript."""
    names: Names = {}
    return [normalized_line(line, names) for line in lines]


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
    expected, seen = normalized_lines(expected_lines(path)), normalized_lines(actual)
    if expected != seen:
        diff = "\n".join(
            difflib.unified_diff(
                expected,
                seen,
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
