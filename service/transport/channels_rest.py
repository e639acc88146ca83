"""The REST side of channels: ``POST /broadcast`` (an Outcome, as the WebSocket action builds it),
``GET /channels``, ``GET /channels/{name}/history`` and ``GET /channels/{name}/presence``."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from generated import rest_models as rest
from service import spec
from service.actions.context import RequestContext
from service.actions.notices import channel_broadcast
from service.runtime import Runtime
from service.streams.history import PAGE_BYTES
from service.transport.channel_query import DEFAULT_CHANNEL, checked_channel
from service.transport.params import int_param, single, str_param

_encoder = msgspec.json.Encoder()


@post("/broadcast", status_code=200)
async def broadcast(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> rest.BroadcastResult:
    message = str_param(
        single(request, "message"), pointer="/query/message", length=spec.BROADCAST_MESSAGE, required=True
    )
    channel = single(request, "channel")
    channel = DEFAULT_CHANNEL if channel is None else checked_channel(channel, pointer="/query/channel")
    assert message is not None
    outcome = channel_broadcast(message, channel, RequestContext.rest(), replies=[], history=runtime.history)
    runtime.delivery.deliver(outcome)
    assert outcome.fan_out is not None
    assert outcome.fan_out.tally is not None
    return msgspec.convert(outcome.fan_out.tally, rest.BroadcastResult)


@get("/channels")
async def list_channels(runtime: NamedDependency[Runtime]) -> list[rest.ChannelInfo]:
    live = runtime.hub.counts()
    streams = dict(runtime.history.channels())
    listed = []
    for name in sorted(live.keys() | streams.keys()):
        position = streams.get(name) or runtime.history.position(name)
        listed.append(
            rest.ChannelInfo(
                name=name,
                members=live.get(name, 0),
                present=runtime.roster.count(name),
                offset=position.offset,
                epoch=position.epoch,
            )
        )
    return listed


@get("/channels/{name:str}/history", sync_to_thread=False)
def channel_history(
    name: FromPath[str], request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> Response[bytes]:
    channel = checked_channel(name, pointer="/path/name")
    since = int_param(single(request, "since"), pointer="/query/since", bounds=spec.CHANNEL_SINCE, default=0)
    limit = int_param(
        single(request, "limit"),
        pointer="/query/limit",
        bounds=spec.HISTORY_LIMIT,
        default=spec.HISTORY_LIMIT_DEFAULT,
    )
    page = runtime.history.after(channel, since, limit=limit, max_bytes=PAGE_BYTES)
    body = rest.HistoryPage(
        channel=channel,
        epoch=page.epoch,
        offset=page.offset,
        complete=page.complete,
        # The frames as kept, already encoded: msgspec writes a Raw as it is.
        frames=[msgspec.Raw(frame) for frame in page.frames],  # type: ignore[misc]
    )
    return Response(_encoder.encode(body), media_type="application/json")


@get("/channels/{name:str}/presence", sync_to_thread=False)
def channel_presence(name: FromPath[str], runtime: NamedDependency[Runtime]) -> rest.Presence:
    channel = checked_channel(name, pointer="/path/name")
    members = runtime.roster.members(channel)
    return rest.Presence(
        channel=channel, members=[rest.PresenceMember(client_id=c, name=n) for c, n in members]
    )


HANDLERS = [broadcast, list_channels, channel_history, channel_presence]
