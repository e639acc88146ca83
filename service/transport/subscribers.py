"""Clients that asked, at the handshake, to resume (``since``) or for presence.

Such a client is added to the hub and sent ``subscribed`` and the frames it missed in one step,
with no wait in between, so every frame published to the channel is either among the missed
ones or comes live after them. A presence client is put on the channel's roster, and the
channel's other presence clients hear ``event channel.joined``; when it goes, ``channel.left``.
"""

from __future__ import annotations

from collections.abc import Callable

from generated import ws_messages as wire
from service.actions.frames import now
from service.actions.journal import ActionJournal
from service.actions.notices import presence_changed
from service.actions.outcome import Outcome
from service.actions.subscriptions import first_frames
from service.channels.hub import ChannelHub
from service.streams.history import ChannelHistory
from service.streams.presence import Roster, new_client_id
from service.transport.connection import Connection
from service.transport.subscription_query import Subscription


class Subscribers:
    """Joins and leaves of the clients that gave ``since`` or ``presence``."""

    def __init__(
        self,
        *,
        hub: ChannelHub,
        history: ChannelHistory,
        roster: Roster,
        deliver: Callable[[Outcome, Connection], int],
        journal: ActionJournal,
    ) -> None:
        self._hub = hub
        self._history = history
        self._roster = roster
        self._deliver = deliver
        self._journal = journal

    def join(self, connection: Connection, subscription: Subscription) -> str:
        """Add ``connection`` to the hub, send it what it is owed first; its ``client_id``."""
        channel = connection.channel
        client_id = new_client_id()
        self._hub.join(connection, present=subscription.presence)
        frames = first_frames(
            self._history, channel, client_id, since=subscription.since, epoch=subscription.epoch
        )
        connection.offer_all(frames)
        if subscription.since is not None:
            self._journal.record(
                "ws.resumed",
                action=None,
                channel=channel,
                request_id=None,
                message=f"client {client_id} resumed after offset {subscription.since}: {len(frames) - 1} missed frames sent",
            )
        if subscription.presence:
            shown_as = subscription.name if subscription.name is not None else client_id
            self._roster.join(channel, client_id, shown_as)
            outcome = presence_changed(wire.EventName.channel_joined, channel, client_id, shown_as, ts=now())
            self._deliver(outcome, connection)
        return client_id

    def leave(self, connection: Connection, client_id: str) -> None:
        """After ``connection`` left the hub: the others hear it left, if it was present."""
        shown_as = self._roster.leave(connection.channel, client_id)
        if shown_as is None:
            return
        outcome = presence_changed(
            wire.EventName.channel_left, connection.channel, client_id, shown_as, ts=now()
        )
        self._deliver(outcome, connection)
