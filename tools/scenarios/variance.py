"""Values a service answers differently on every run, and how they are compared.

Timestamps (``ts``, ``created_at``, ``updated_at``, ``@timestamp``) are any RFC 3339 date-time;
process figures of ``/health`` (``uptime_seconds``, ``rss_bytes``, ``tasks``) any number; values
each process draws at random (a channel's ``epoch``, a connection's ``client_id``) are compared
by which is which: the same value must stand for the same value throughout.

The scenario matcher (`tools.scenarios.matching`) and the docs' transcripts
(``tests/docs/transcripts.py``) both follow these rules, so a frame the docs show and a frame a
scenario expects are compared the same way.
"""

from __future__ import annotations

import re
from typing import Any

from tools.specs import is_rfc3339_date_time

TIMESTAMPS = frozenset({"ts", "created_at", "updated_at", "@timestamp", "received_at"})
MEASURES = frozenset({"uptime_seconds", "rss_bytes", "tasks", "at_ms", "duration_ms"})
RANDOM_IDS = {"epoch": re.compile(r"[0-9a-f]{12}"), "client_id": re.compile(r"c-[0-9a-f]{12}")}
"""Keys whose values each process draws at random, with the form the specs give them."""

Names = dict[tuple[str, str], str]
"""The random values of one transcript seen so far, ``(key, value)`` → its placeholder."""


def is_timestamp(key: str | None, value: object) -> bool:
    """Whether ``value`` under ``key`` is a timestamp, compared only as a date-time."""
    return key in TIMESTAMPS and isinstance(value, str) and is_rfc3339_date_time(value)


def is_random_id(key: str | None, value: object) -> bool:
    """Whether ``value`` under ``key`` is drawn at random per process (an epoch, a client id)."""
    if key is None or key not in RANDOM_IDS or not isinstance(value, str):
        return False
    return RANDOM_IDS[key].fullmatch(value) is not None


def _renamed(key: str, value: str, names: Names) -> str:
    kind = sum(1 for known in names if known[0] == key)
    return names.setdefault((key, value), f"<{key}-{kind + 1}>")


def normalized(value: Any, names: Names, key: str | None = None) -> Any:
    """``value`` with every varying value replaced by a placeholder (random ids by first use)."""
    if is_timestamp(key, value):
        return "<timestamp>"
    if key in MEASURES and isinstance(value, int | float) and not isinstance(value, bool):
        return "<number>"
    if key is not None and is_random_id(key, value):
        return _renamed(key, str(value), names)
    if isinstance(value, dict):
        return {k: normalized(v, names, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(item, names) for item in value]
    return value
