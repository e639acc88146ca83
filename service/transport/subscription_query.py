"""The handshake's resume and presence parameters: ``/ws?since=&epoch=&presence=&name=``, read
against the AsyncAPI channel's query binding."""

from __future__ import annotations

import msgspec

from generated import ws_messages as wire
from service import spec
from service.actions.decode import validation_error
from service.errors import ValidationFailed
from service.transport.channel_query import Query

SUBSCRIPTION_PARAMETERS = ("since", "epoch", "presence", "name")
_EPOCH = spec.whole_pattern(wire.ChannelEpoch)
_NAME = spec.whole_pattern(wire.PresenceName)
_NAME_LENGTH = spec.length_bounds(wire.PresenceName)


class Subscription(msgspec.Struct, frozen=True, gc=False):
    """What a client asked for at the handshake: to resume after ``since`` (under ``epoch``),
    and or to be present (as ``name``)."""

    since: int | None = None
    epoch: str | None = None
    presence: bool = False
    name: str | None = None


def subscription_of(query: Query) -> Subscription | None:
    """The resume and presence the handshake asks for, ``None`` for neither; raises
    ``ValidationFailed`` naming the parameter (``/query/since``)."""
    given = {name: query[name][0] for name in SUBSCRIPTION_PARAMETERS if name in query}
    if not given:
        return None
    # The name is checked here, with a message in words (msgspec's would show the escaped regex).
    name = given.pop("name", None)
    if name is not None and not (
        _NAME_LENGTH.low <= len(name) <= _NAME_LENGTH.high and _NAME.fullmatch(name) is not None
    ):
        raise ValidationFailed(
            f"name must be {_NAME_LENGTH.low}-{_NAME_LENGTH.high} characters, none of them a control character",
            pointer="/query/name",
        )
    try:
        asked = msgspec.convert(given, wire.WsWsQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise validation_error(str(exc), pointer_prefix="/query") from None
    since = asked.since if isinstance(asked.since, int) else None
    epoch = asked.epoch if isinstance(asked.epoch, str) else None
    presence = asked.presence is True
    if epoch is not None and _EPOCH.fullmatch(epoch) is None:
        raise ValidationFailed(f"epoch must match {_EPOCH.pattern}", pointer="/query/epoch")
    if since and epoch is None:
        raise ValidationFailed(
            "since over 0 needs the epoch it was seen in (an offset means nothing without its epoch)",
            pointer="/query/epoch",
        )
    if epoch is not None and since is None:
        raise ValidationFailed(
            "epoch is given only with since (the offset seen in that epoch)", pointer="/query/epoch"
        )
    if name is not None and not presence:
        raise ValidationFailed("name is given only with presence=true", pointer="/query/name")
    if since is None and not presence:
        return None
    return Subscription(since=since, epoch=epoch, presence=presence, name=name)
