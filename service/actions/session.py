"""Who a request comes from."""

from __future__ import annotations

from dataclasses import dataclass

from service.channels.hub import Recipient


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Where a request came from: a WebSocket client of a channel, or REST (no channel)."""

    request_id: str | None = None
    channel: str | None = None
    recipient: Recipient | None = None
    """The sender's connection, left out of fan-outs that it gets a copy of anyway."""


REST = Origin()
