"""The handshake's subprotocol: the first the client offers that the contract names, else none.

RFC 6455 lets the server pick one of the offered subprotocols or none. A client that offers
only names the service does not speak is accepted without one rather than refused: the frames
are the same either way, and a client that insists on its own subprotocol can close.
"""

from __future__ import annotations

from collections.abc import Iterable

from service import spec


def chosen_subprotocol(offered: Iterable[str]) -> str | None:
    """The subprotocol for ``websocket.accept``: the client's first offer the service speaks."""
    for name in offered:
        if name in spec.SUBPROTOCOLS:
            return name
    return None
