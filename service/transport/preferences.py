"""The ``Prefer`` header (RFC 7240): every preference a request names, and our two checked.

``code`` (a status to answer) and ``delay`` (milliseconds to hold the answer back) are read
against their bounds (``PreferDelay`` through ``service.spec``); anything else is returned for
the caller to ignore, as RFC 7240 asks of preferences a server does not know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from service import spec
from service.errors import ValidationFailed

POINTER = "/header/Prefer"
OURS = ("code", "delay")
_STATUS = re.compile(r"[1-5][0-9]{2}")
_DELAY_DIGITS = len(str(spec.PREFER_DELAY.high))


@dataclass(frozen=True, slots=True)
class Preferences:
    """The faults one request asked for; ``None`` where it asked for none."""

    code: int | None = None
    delay_ms: int | None = None

    def applied(self) -> dict[str, int]:
        """``{code, delay}``, only those given: the record's ``faults``."""
        return {
            name: value
            for name, value in (("code", self.code), ("delay", self.delay_ms))
            if value is not None
        }

    def header(self) -> str:
        """The ``Preference-Applied`` value: ``code=503, delay=200``."""
        return ", ".join(f"{name}={value}" for name, value in self.applied().items())


def preference_values(fields: Iterable[str]) -> dict[str, str]:
    """Every preference of the ``Prefer`` fields by lower-case name, the first instance of each
    (RFC 7240 §2); its value unquoted, ``""`` when it has none; parameters after ``;`` dropped."""
    found: dict[str, str] = {}
    for element in _split(",".join(fields), ","):
        name, _, value = _split(element, ";")[0].partition("=")
        name, value = name.strip().lower(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if name:
            found.setdefault(name, value)
    return found


def _split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside quoted strings."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def checked(values: dict[str, str]) -> Preferences:
    """``code`` and ``delay`` read against their bounds; raises ``ValidationFailed`` at ``/header/Prefer``."""
    code = values.get("code")
    if code is not None and not _STATUS.fullmatch(code):
        raise ValidationFailed(
            f"Prefer: code must be an HTTP status, three digits from 100 to 599, got {code[:40]!r}",
            pointer=POINTER,
        )
    delay = values.get("delay")
    bounds = spec.PREFER_DELAY
    # The digit cap keeps int() cheap on hostile input; it never refuses a delay within bounds.
    if delay is not None and not (
        delay.isascii()
        and delay.isdigit()
        and len(delay) <= _DELAY_DIGITS
        and bounds.low <= int(delay) <= bounds.high
    ):
        raise ValidationFailed(
            f"Prefer: delay must be whole milliseconds from {bounds.low} to {bounds.high}, got {delay[:40]!r}",
            pointer=POINTER,
        )
    return Preferences(
        code=None if code is None else int(code), delay_ms=None if delay is None else int(delay)
    )
