"""Every ``pattern`` of a decoded request or body, matched whole.

msgspec checks a schema's ``pattern`` with ``re.search``, where ``$`` also matches before a final
newline: ``"Alice\\n"`` passes ``OrderText``'s ``^[^\\x00-\\x1F\\x7F-\\x9F]*$`` and ``"1.50\\n"``
passes ``Money``. JSON Schema (ECMA-262) says neither may. :class:`WholePatterns` finds, once per
generated type, the string fields that have a pattern (in nested structs and tagged unions too,
through ``msgspec.inspect``) and matches what was decoded whole, as
:func:`service.spec.whole_pattern` does for what the service checks by hand.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import msgspec.inspect as mi

from service.errors import ValidationFailed
from service.spec import whole


class _Field(NamedTuple):
    attribute: str
    step: str
    """The field's name on the wire, escaped as a step of a JSON pointer."""
    whole: re.Pattern[str] | None
    """The pattern to match whole; ``None`` for a struct field that holds patterns of its own."""
    shown: str
    """The pattern as the spec writes it, for the error message."""


class WholePatterns:
    """The pattern fields of one generated type (a struct or a union of structs)."""

    __slots__ = ("_plans",)

    def __init__(self, into: Any) -> None:
        self._plans: dict[type, tuple[_Field, ...]] = {}
        self._learn(mi.type_info(into))

    def check(self, value: Any, *, pointer_prefix: str = "") -> None:
        """Raise :class:`ValidationFailed` naming the first string of ``value`` that matches
        its pattern only in part; a type with no pattern costs one look-up.

        ``value`` was decoded, so msgspec's ``re.search`` found each pattern: for an anchored
        ``^...$`` that differs from a whole match only when the string ends with a newline, the
        one string worth matching again.
        """
        plan = self._plans.get(type(value))
        if plan:
            self._check(value, plan, pointer_prefix)

    def _check(self, value: Any, plan: tuple[_Field, ...], pointer: str) -> None:
        for field in plan:
            item = getattr(value, field.attribute)
            if field.whole is None:
                nested = self._plans.get(type(item))
                if nested:
                    self._check(item, nested, f"{pointer}/{field.step}")
            elif isinstance(item, str) and item.endswith("\n") and field.whole.fullmatch(item) is None:
                where = f"{pointer}/{field.step}"
                raise ValidationFailed(
                    f"Expected `str` matching regex {field.shown!r} at {where}", pointer=where
                )

    def _learn(self, info: mi.Type) -> bool:
        """Make the plans of the structs in ``info``; whether it holds any pattern."""
        if isinstance(info, mi.Metadata):
            return self._learn(info.type)
        if isinstance(info, mi.UnionType):
            found = False
            for member in info.types:  # every member learnt: no short cut
                found = self._learn(member) or found
            return found
        if isinstance(info, mi.StrType):
            return info.pattern is not None
        if isinstance(info, mi.StructType):
            return self._learn_struct(info)
        if isinstance(info, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType | mi.DictType):
            inner = info.value_type if isinstance(info, mi.DictType) else info.item_type
            if self._learn(inner):
                raise TypeError(f"a pattern inside {info!r} would not be matched whole")
        return False

    def _learn_struct(self, info: mi.StructType) -> bool:
        if info.cls in self._plans:
            return bool(self._plans[info.cls])
        self._plans[info.cls] = ()  # a struct that refers to itself ends here
        plan = []
        for field in info.fields:
            pattern = _pattern_of(field.type)
            step = field.encode_name.replace("~", "~0").replace("/", "~1")
            if pattern is not None:
                plan.append(_Field(field.name, step, whole(pattern), pattern))
            elif self._learn(field.type):
                plan.append(_Field(field.name, step, None, ""))
        self._plans[info.cls] = tuple(plan)
        return bool(plan)


def _pattern_of(info: mi.Type) -> str | None:
    """The pattern of a string type (through ``Annotated`` and ``| UNSET``), else ``None``."""
    while isinstance(info, mi.Metadata):
        info = info.type
    if isinstance(info, mi.UnionType):
        strings = [member for member in info.types if _pattern_of(member) is not None]
        if len(strings) > 1:
            raise TypeError(f"{info!r} has more than one string with a pattern")
        return _pattern_of(strings[0]) if strings else None
    return info.pattern if isinstance(info, mi.StrType) else None
