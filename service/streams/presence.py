"""Who is present in each channel: the clients that joined with ``presence=true``, in the order
they joined, with the name each gave. No I/O; the WebSocket endpoint tells it who comes and goes."""

from __future__ import annotations

import secrets


def new_client_id() -> str:
    """A connection's name in ``subscribed`` and in presence: ``c-`` and 12 hex digits."""
    return f"c-{secrets.token_hex(6)}"


class Roster:
    """Present clients by channel: ``client_id`` → ``name``."""

    def __init__(self) -> None:
        self._channels: dict[str, dict[str, str]] = {}

    def join(self, channel: str, client_id: str, name: str) -> None:
        self._channels.setdefault(channel, {})[client_id] = name

    def leave(self, channel: str, client_id: str) -> str | None:
        """Take ``client_id`` off ``channel``; the name it had, ``None`` if it was not there."""
        members = self._channels.get(channel)
        if members is None:
            return None
        name = members.pop(client_id, None)
        if not members:
            del self._channels[channel]
        return name

    def members(self, channel: str) -> list[tuple[str, str]]:
        """``(client_id, name)`` of each present client of ``channel``, in the order they joined."""
        return list(self._channels.get(channel, {}).items())

    def count(self, channel: str) -> int:
        members = self._channels.get(channel)
        return len(members) if members else 0
