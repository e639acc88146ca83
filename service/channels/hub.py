"""The channel hub: every live connection, by channel, and fan-out to them.

A fan-out frame is encoded once by the caller and offered to each recipient's outbox, which
never waits; so a broadcast costs one encode and one queue append per client.
"""

from __future__ import annotations

from typing import Protocol


class Recipient(Protocol):
    """A live connection as the hub sees it."""

    @property
    def channel(self) -> str: ...

    def offer(self, frame: str) -> bool:
        """Queue a frame without waiting; ``False`` if it was not queued."""


class ChannelHub:
    """Who is connected, by channel."""

    def __init__(self) -> None:
        self._channels: dict[str, dict[int, Recipient]] = {}

    def join(self, recipient: Recipient) -> None:
        self._channels.setdefault(recipient.channel, {})[id(recipient)] = recipient

    def leave(self, recipient: Recipient) -> None:
        members = self._channels.get(recipient.channel)
        if members is None:
            return
        members.pop(id(recipient), None)
        if not members:
            del self._channels[recipient.channel]

    @property
    def total(self) -> int:
        return sum(len(members) for members in self._channels.values())

    def counts(self) -> dict[str, int]:
        """Live connections per channel; channels with none are not listed."""
        return {name: len(members) for name, members in sorted(self._channels.items())}

    def to_channel(self, channel: str, frame: str, *, exclude: Recipient | None = None) -> int:
        """Offer ``frame`` to every member of ``channel`` but ``exclude``; how many took it."""
        members = self._channels.get(channel)
        if not members:
            return 0
        return _offer_all(list(members.values()), frame, exclude)

    def to_everyone(self, frame: str, *, exclude: Recipient | None = None) -> int:
        """Offer ``frame`` to every live connection but ``exclude``; how many took it."""
        everyone = [member for members in self._channels.values() for member in members.values()]
        return _offer_all(everyone, frame, exclude)


def _offer_all(recipients: list[Recipient], frame: str, exclude: Recipient | None) -> int:
    delivered = 0
    for recipient in recipients:
        if recipient is not exclude and recipient.offer(frame):
            delivered += 1
    return delivered
