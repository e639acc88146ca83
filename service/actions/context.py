"""Who asked, and when: what every frame and event record of one answer shares."""

from __future__ import annotations

from dataclasses import dataclass

from service.actions.frames import now


@dataclass(slots=True, kw_only=True)
class RequestContext:
    """One request: its ``request_id``, the requester's channel (``None`` over REST), its time.

    Not frozen: one is made per request, and a frozen dataclass is several times slower to make.
    """

    request_id: str | None = None
    channel: str | None = None
    ts: str
    """The ``ts`` of every frame and record of the answer."""

    @classmethod
    def rest(cls) -> RequestContext:
        """A REST request, made now: no ``request_id``, no channel."""
        return cls(ts=now())
