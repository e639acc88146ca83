"""The channel hub: every live connection, by channel, admission, and fan-out to them.

A fan-out frame is encoded once by the caller and offered to each recipient, which never
waits (it writes at once or queues); so a broadcast costs one encode and one write or queue
append per client.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

REFUSAL_REASONS = ("bad_channel", "too_many_connections", "channel_full", "origin_not_allowed")


class Recipient(Protocol):
    """A live connection as the hub sees it."""

    @property
    def channel(self) -> str: ...

    def offer(self, frame: bytes) -> bool:
        """Send or queue a frame (UTF-8 JSON text) without waiting; ``False`` if it was dropped."""

    def close(self, code: int, reason: str) -> None:
        """Send what is queued, then close with ``code``; does not wait."""


class ChannelHub:
    """Who is connected, by channel; refuses connections over the limits."""

    def __init__(self, *, max_total: int = 10_000, max_per_channel: int = 5_000) -> None:
        self._channels: dict[str, dict[int, Recipient]] = {}
        self._present: dict[str, dict[int, Recipient]] = {}
        """The members of each channel that joined with presence: they hear joins and leaves."""
        self._total = 0
        self._max_total = max_total
        self._max_per_channel = max_per_channel
        self.refused: dict[str, int] = dict.fromkeys(REFUSAL_REASONS, 0)
        self._empty = asyncio.Event()

    def admit(self, channel: str) -> str | None:
        """``None`` when one more client may join ``channel``, else the reason it may not."""
        if self._total >= self._max_total:
            return self.refuse("too_many_connections")
        if len(self._channels.get(channel, ())) >= self._max_per_channel:
            return self.refuse("channel_full")
        return None

    def refuse(self, reason: str) -> str:
        """Count a refused handshake."""
        self.refused[reason] += 1
        return reason

    def join(self, recipient: Recipient, *, present: bool = False) -> None:
        """Add ``recipient`` to its channel; ``present``: it also hears presence notifications."""
        members = self._channels.setdefault(recipient.channel, {})
        if id(recipient) not in members:
            members[id(recipient)] = recipient
            self._total += 1
        if present:
            self._present.setdefault(recipient.channel, {})[id(recipient)] = recipient

    def leave(self, recipient: Recipient) -> None:
        members = self._channels.get(recipient.channel)
        if members is None or members.pop(id(recipient), None) is None:
            return
        present = self._present.get(recipient.channel)
        if present is not None and present.pop(id(recipient), None) is not None and not present:
            del self._present[recipient.channel]
        self._total -= 1
        if not members:
            del self._channels[recipient.channel]
        if not self._total:
            self._empty.set()

    @property
    def total(self) -> int:
        return self._total

    def size(self, channel: str) -> int:
        """Live connections in ``channel``."""
        members = self._channels.get(channel)
        return len(members) if members else 0

    def counts(self) -> dict[str, int]:
        """Live connections per channel; channels with none are not listed."""
        return {name: len(members) for name, members in sorted(self._channels.items())}

    def to_channel(self, channel: str, frame: bytes, *, exclude: Recipient | None = None) -> int:
        """Offer ``frame`` to every member of ``channel`` but ``exclude``; how many took it."""
        members = self._channels.get(channel)
        if not members:
            return 0
        return _offer_all(list(members.values()), frame, exclude)

    def to_present(self, channel: str, frame: bytes, *, exclude: Recipient | None = None) -> int:
        """Offer ``frame`` to the members of ``channel`` that joined with presence, but ``exclude``."""
        present = self._present.get(channel)
        if not present:
            return 0
        return _offer_all(list(present.values()), frame, exclude)

    def everyone(self) -> list[Recipient]:
        """Every live connection, channel by channel."""
        return [member for members in self._channels.values() for member in members.values()]

    def to_everyone(self, frame: bytes, *, exclude: Recipient | None = None) -> int:
        """Offer ``frame`` to every live connection but ``exclude``; how many took it."""
        return _offer_all(self.everyone(), frame, exclude)

    def close_everyone(self, code: int, reason: str) -> int:
        """Ask every connection to close with ``code``; how many were asked."""
        everyone = self.everyone()
        for member in everyone:
            member.close(code, reason)
        return len(everyone)

    async def emptied(self) -> None:
        """Return once no connection is left."""
        while self._total:
            self._empty.clear()
            await self._empty.wait()


def _offer_all(recipients: list[Recipient], frame: bytes, exclude: Recipient | None) -> int:
    delivered = 0
    for recipient in recipients:
        if recipient is not exclude and recipient.offer(frame):
            delivered += 1
    return delivered
