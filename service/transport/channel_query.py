"""The WebSocket handshake's query string, read once, and its ``channel`` (and that of ``POST
/broadcast``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
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


Query = Mapping[str, list[str]]
"""A query string's parameters, each with its values in order."""


def handshake_query(query_string: bytes) -> Query:
    """The handshake's query string, parsed once for every reader of it (channel, faults, resume)."""
    return parse_qs(query_string.decode("latin-1"), keep_blank_values=True)


def channel_of(query: Query) -> str:
    """The channel named by ``?channel=``, the spec's default without one; raises on a bad name."""
    values = query.get("channel")
    if not values:
        return DEFAULT_CHANNEL
    return checked_channel(values[0], pointer="/query/channel")


def checked_channel(name: str, *, pointer: str) -> str:
    if spec.CHANNEL_NAME.fullmatch(name) is None:
        shown = name if len(name) <= 80 else name[:77] + "..."
        raise ValidationFailed(f"Channel must {_RULE}, got {shown!r}", pointer=pointer)
    return name
