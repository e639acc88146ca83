"""What a client that asks to resume (``since``) or for presence is sent first, Sans-I/O: the
``subscribed`` frame, then the frames it missed, in order.

The WebSocket endpoint calls it in the same step as it adds the client to the hub, with no
wait in between, so every frame published to the channel is either among the missed ones or
comes live after them: none is lost and none comes twice.
"""

from __future__ import annotations

from generated import ws_messages as wire
from service.actions.frames import encode, now
from service.streams.history import ChannelHistory


def first_frames(
    history: ChannelHistory, channel: str, client_id: str, *, since: int | None, epoch: str | None
) -> list[bytes]:
    """``subscribed``, then the missed frames when the client is ``recovered``."""
    if since is None:
        position = history.position(channel)
        epoch_now, offset, recovered, missed = position.epoch, position.offset, False, []
    else:
        page, recovered = history.resume(channel, since, epoch)
        epoch_now, offset, missed = page.epoch, page.offset, page.frames
    subscribed = wire.SubscribedFrame(
        ts=now(),
        request_id=None,
        channel=channel,
        client_id=client_id,
        epoch=epoch_now,
        offset=offset,
        recovered=recovered,
        missed=len(missed),
    )
    return [encode(subscribed), *missed]
