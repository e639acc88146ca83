"""The ``channel`` of a WebSocket handshake."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from service.errors import ValidationFailed

DEFAULT_CHANNEL = "general"
CHANNEL_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


def channel_of(query_string: bytes) -> str:
    """The channel named by ``?channel=``, ``general`` without one; raises on a bad name."""
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("channel")
    if not values:
        return DEFAULT_CHANNEL
    return checked_channel(values[0], pointer="/query/channel")


def checked_channel(name: str, *, pointer: str) -> str:
    if CHANNEL_NAME.fullmatch(name) is None:
        shown = name if len(name) <= 80 else name[:77] + "..."
        raise ValidationFailed(
            f"Channel must be 1-64 characters of [A-Za-z0-9._-], got {shown!r}", pointer=pointer
        )
    return name
