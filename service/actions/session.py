"""Who a request comes from."""

from __future__ import annotations

from dataclasses import dataclass

from service.channels.hub import Recipient


@dataclass(slots=True, kw_only=True)
class Origin:
    """Where a request came from: a WebSocket client of a channel, or REST (no channel).

    Not frozen: one is made per request, and a frozen dataclass is several times slower to make.
    """

    request_id: str | None = None
    channel: str | None = None
    recipient: Recipient | None = None
    """The sender's connection, left out of fan-outs that it gets a copy of anyway."""
    ts: str = ""
    """When the request was answered: the ``ts`` of every frame of the answer (empty: now)."""


REST = Origin()
