"""Amounts: the spec's ``Money`` pattern, matched whole.

msgspec checks ``pattern`` with ``re.search``, where ``$`` also matches before a final newline,
so ``"1.5\\n"`` would pass as money; JSON Schema (ECMA-262) says it must not. The whole string
is matched here before it becomes an exact ``Decimal``.
"""

from __future__ import annotations

import re
import typing
from decimal import Decimal

from generated import ws_messages as wire
from service.errors import ValidationFailed

_MONEY = re.compile(typing.get_args(wire.Money)[1].pattern.removeprefix("^").removesuffix("$"))


def amount_of(text: str, *, pointer: str) -> Decimal:
    """The exact amount in ``text``, or :class:`ValidationFailed` naming ``pointer``."""
    if _MONEY.fullmatch(text) is None:
        raise ValidationFailed(
            f"Amount must be a decimal with at most two decimal places, like '59.90', at {pointer}",
            pointer=pointer,
        )
    return Decimal(text)
