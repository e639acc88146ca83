"""Comparing a frame or body with what a scenario expects.

``match`` is a subset: every key it gives must be there, with a matching value; nested objects
are subsets too; a list matches a list of the same length, item by item (objects in it are
subsets); any other value must be equal (``1`` equals ``1.0``, never ``true``). ``frame`` is
the whole frame: the same rules, and no key may be missing or extra at any depth.

Values that vary per run (`tools.scenarios.variance`) are never compared literally: a timestamp
matches any RFC 3339 date-time; an ``epoch`` or ``client_id`` stands for the value that arrives
in its place the first time, and for that one only for the rest of the scenario (`StandIns`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tools.scenarios.variance import is_random_id, is_timestamp
from tools.specs import is_rfc3339_date_time, json_pointer


@dataclass(frozen=True)
class Mismatch:
    """One place where what arrived differs from what was expected."""

    pointer: str
    problem: str

    def __str__(self) -> str:
        return f"at {self.pointer or '/'}: {self.problem}"


@dataclass
class StandIns:
    """Which arrived value each expected random value (an epoch, a client id) stands for."""

    forward: dict[tuple[str, str], str] = field(default_factory=dict)
    backward: dict[tuple[str, str], str] = field(default_factory=dict)

    def agree(self, key: str, expected: str, actual: str) -> str | None:
        """``None`` when ``expected`` may stand for ``actual``; else why not."""
        bound = self.forward.get((key, expected))
        if bound is not None:
            return None if bound == actual else f"{expected!r} stood for {bound!r} before, not {actual!r}"
        other = self.backward.get((key, actual))
        if other is not None:
            return f"{actual!r} arrived for {other!r} before, so it cannot also stand for {expected!r}"
        self.forward[(key, expected)] = actual
        self.backward[(key, actual)] = expected
        return None


def shown(value: Any) -> str:
    """``value`` as compact JSON, for a failure message."""
    return json.dumps(value, ensure_ascii=False)


def _scalar_equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    return type(expected) is type(actual) and bool(expected == actual)


def _varying(expected: Any, actual: Any, key: str | None, stand_ins: StandIns) -> str | bool | None:
    """For a value that varies per run: ``None`` (matches) or a problem; ``False`` if it is not one."""
    if is_timestamp(key, expected):
        return (
            None if is_rfc3339_date_time(actual) and isinstance(actual, str) else "not an RFC 3339 date-time"
        )
    if key is not None and is_random_id(key, expected):
        if not is_random_id(key, actual):
            return f"not a {key} (expected one of the form of {expected!r})"
        return stand_ins.agree(key, expected, actual)
    return False


def mismatches(
    expected: Any,
    actual: Any,
    *,
    exact: bool,
    stand_ins: StandIns,
    path: tuple[str | int, ...] = (),
) -> list[Mismatch]:
    """Where ``actual`` differs from ``expected`` (empty: it matches). ``exact``: no extra keys."""
    key = path[-1] if path and isinstance(path[-1], str) else None
    pointer = json_pointer(path)
    varying = _varying(expected, actual, key, stand_ins)
    if varying is not False:
        return [] if varying is None else [Mismatch(pointer, f"{varying}; arrived {shown(actual)}")]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Mismatch(pointer, f"expected an object, arrived {shown(actual)}")]
        found = []
        for name, value in expected.items():
            if name not in actual:
                found.append(Mismatch(json_pointer((*path, name)), f"missing (expected {shown(value)})"))
            else:
                found += mismatches(value, actual[name], exact=exact, stand_ins=stand_ins, path=(*path, name))
        if exact:
            found += [
                Mismatch(json_pointer((*path, name)), f"not expected: {shown(actual[name])}")
                for name in actual
                if name not in expected
            ]
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [Mismatch(pointer, f"expected a list, arrived {shown(actual)}")]
        if len(expected) != len(actual):
            return [
                Mismatch(
                    pointer,
                    f"expected {len(expected)} items, arrived {len(actual)}: {shown(actual)[:500]}",
                )
            ]
        found = []
        for index, (item, got) in enumerate(zip(expected, actual, strict=True)):
            found += mismatches(item, got, exact=exact, stand_ins=stand_ins, path=(*path, index))
        return found
    if _scalar_equal(expected, actual):
        return []
    return [Mismatch(pointer, f"expected {shown(expected)}, arrived {shown(actual)}")]
