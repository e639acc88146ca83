"""The ``channel`` of a WebSocket handshake (and of ``POST /broadcast``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from service import spec
from service.errors import ValidationFailed

DEFAULT_CHANNEL = spec.DEFAULT_CHANNEL

_CLASS_AND_LENGTH = re.compile(r"(?P<chars>\[[^\]]+\])\{(?P<low>\d+),(?P<high>\d+)\}")


def rule_of(pattern: re.Pattern[str]) -> str:
    """What a name must be, in words: ``be 1-64 characters of [A-Za-z0-9._-]``."""
    shape = _CLASS_AND_LENGTH.fullmatch(pattern.pattern)
    if shape is None:
        return f"match {pattern.pattern}"
    return f"be {shape['low']}-{shape['high']} characters of {shape['chars']}"


_RULE = rule_of(spec.CHANNEL_NAME)


def channel_of(query_string: bytes) -> str:
    """The channel named by ``?channel=``, the spec's default without one; raises on a bad name."""
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("channel")
    if not values:
        return DEFAULT_CHANNEL
    return checked_channel(values[0], pointer="/query/channel")


def checked_channel(name: str, *, pointer: str) -> str:
    if spec.CHANNEL_NAME.fullmatch(name) is None:
        shown = name if len(name) <= 80 else name[:77] + "..."
        raise ValidationFailed(f"Channel must {_RULE}, got {shown!r}", pointer=pointer)
    return name
