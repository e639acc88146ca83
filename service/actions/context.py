"""Who asked, and when: what every frame and event record of one answer shares."""

from __future__ import annotations

import msgspec

from service.actions.frames import now


class RequestContext(msgspec.Struct, kw_only=True, gc=False):
    """One request: its ``request_id``, the requester's channel (``None`` over REST), its time.

    A Struct: one is made per request, and it is made in a third of a dataclass's time.
    """

    request_id: str | None = None
    channel: str | None = None
    ts: str
    """The ``ts`` of every frame and record of the answer."""

    @classmethod
    def rest(cls) -> RequestContext:
        """A REST request, made now: no ``request_id``, no channel."""
        return cls(ts=now())
