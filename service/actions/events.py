"""Emitting an event: the frame the requester sees, and the record publishers carry away."""

from __future__ import annotations

from typing import Any

from generated import ws_messages as wire
from service.actions.frames import event_frame
from service.actions.session import Origin
from service.events.publisher import EventSink


def emit(
    publisher: EventSink, name: wire.EventName, data: dict[str, Any], origin: Origin, *, key: str
) -> wire.EventFrame:
    """Make the ``event`` frame for ``origin`` and publish its record under ``key``."""
    frame = event_frame(name, data, origin.request_id, ts=origin.ts)
    publisher.publish(
        wire.EventRecord(
            event=name, ts=frame.ts, request_id=origin.request_id, channel=origin.channel, data=data
        ),
        key=key,
    )
    return frame
