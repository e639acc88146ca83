"""Amounts: the spec's ``Money`` pattern, matched whole (see :func:`service.spec.whole_pattern`)."""

from __future__ import annotations

from decimal import Decimal

from service import spec
from service.errors import ValidationFailed


def amount_of(text: str, *, pointer: str) -> Decimal:
    """The exact amount in ``text``, or :class:`ValidationFailed` naming ``pointer``."""
    if spec.MONEY.fullmatch(text) is None:
        raise ValidationFailed(
            f"Amount must be a decimal with at most two decimal places, like '59.90', at {pointer}",
            pointer=pointer,
        )
    return Decimal(text)
