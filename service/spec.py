"""The values the specs fix and the service checks by hand, read from ``generated/``.

Bodies and frames are checked by decoding them into the generated structs. What the service
checks itself — query and path parameters, the handshake's ``channel``, the ``request_id`` it
keeps from a rejected frame, an amount matched whole — takes its bounds, lengths, patterns and
defaults from here, and this module reads them from the ``Meta`` of the generated ``Annotated``
aliases (``minimum``/``maximum`` → ``ge``/``le``, ``minLength``/``maxLength``, ``pattern``). A
change to the spec, regenerated, changes the service with it; nothing here is copied by hand.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from generated import rest_models as rest
from generated import ws_messages as wire


@dataclass(frozen=True, slots=True)
class Bounds:
    """Inclusive bounds: of a whole number, or of a string's length."""

    low: int
    high: int


def constraints_of(alias: Any) -> msgspec.Meta:
    """The ``Meta`` of a generated alias such as ``OrderId = Annotated[int, Meta(ge=1, ...)]``."""
    metas = [arg for arg in typing.get_args(alias)[1:] if isinstance(arg, msgspec.Meta)]
    if len(metas) != 1:
        raise TypeError(f"{alias!r} is not an Annotated alias with one Meta")
    return metas[0]


def number_bounds(alias: Any) -> Bounds:
    """``minimum`` and ``maximum`` of an integer schema; both must be there."""
    meta = constraints_of(alias)
    if not (isinstance(meta.ge, int) and isinstance(meta.le, int)):
        raise TypeError(f"{alias!r} has no integer minimum and maximum")
    return Bounds(meta.ge, meta.le)


def length_bounds(alias: Any) -> Bounds:
    """``minLength`` (0 when not given) and ``maxLength`` of a string schema."""
    meta = constraints_of(alias)
    if meta.max_length is None:
        raise TypeError(f"{alias!r} has no maxLength")
    return Bounds(meta.min_length or 0, meta.max_length)


def whole_pattern(alias: Any) -> re.Pattern[str]:
    """The schema's ``pattern``, to be used with ``fullmatch``.

    msgspec checks ``pattern`` with ``re.search``, where ``$`` also matches before a final
    newline, so ``"general\\n"`` would pass; JSON Schema (ECMA-262) says it must not. Matching
    the whole string, without the anchors, is what the spec means.
    """
    pattern = constraints_of(alias).pattern
    if pattern is None:
        raise TypeError(f"{alias!r} has no pattern")
    return whole(pattern)


def whole(pattern: str) -> re.Pattern[str]:
    """An anchored ``^...$`` pattern, compiled to be used with ``fullmatch``."""
    return re.compile(pattern.removeprefix("^").removesuffix("$"))


def field_default(struct: type[msgspec.Struct], name: str) -> Any:
    """The default of a struct's field: where codegen puts a schema's ``default``."""
    for field in msgspec.structs.fields(struct):
        if field.name == name and field.default is not msgspec.NODEFAULT:
            return field.default
    raise TypeError(f"{struct.__name__}.{name} has no default")


CHANNEL_NAME: Final = whole_pattern(wire.ChannelName)
"""``ChannelName``: the handshake's ``channel`` and ``POST /broadcast?channel=``."""
DEFAULT_CHANNEL: Final[str] = field_default(wire.WsWsQuery, "channel")
"""``ChannelName``'s ``default``: the channel of a handshake or broadcast that names none."""
ORDER_ID: Final = number_bounds(rest.OrderId)
"""``OrderId``: ``/orders/{id}``."""
ORDERS_LIMIT: Final = number_bounds(rest.OrdersLimit)
"""``OrdersLimit``: ``GET /orders?limit=`` (and ``list_orders``'s ``limit``)."""
ORDERS_LIMIT_DEFAULT: Final[int] = field_default(wire.ListOrdersPayload, "limit")
"""``OrdersLimit``'s ``default``: codegen writes a default only on a field that uses the schema."""
EVENTS_LIMIT: Final = number_bounds(rest.EventsLimit)
"""``EventsLimit``: ``GET /events?limit=``."""
EVENTS_LIMIT_DEFAULT: Final = 50
"""``EventsLimit``'s ``default``. The one value here that is not generated: no struct has a field
of that schema, so codegen writes its default nowhere; ``tests/unit/test_spec.py`` holds it to
the spec."""
BROADCAST_MESSAGE: Final = length_bounds(rest.BroadcastMessage)
"""``BroadcastMessage``: ``POST /broadcast?message=`` (and the ``broadcast`` action's)."""
REQUEST_ID_FILTER: Final = length_bounds(rest.RequestIdFilter)
"""``RequestIdFilter``: ``GET /events?request_id=``."""
REQUEST_ID: Final = length_bounds(wire.RequestId)
"""``RequestId``: a frame's ``request_id``; a longer one is never kept for the answer."""
EVENT_NAMES: Final = frozenset(rest.EventName)
"""``EventName``: ``GET /events?event=``."""
MONEY: Final = whole_pattern(wire.Money)
"""``Money``: an amount, matched whole."""
SUBPROTOCOLS: Final = frozenset(wire.Subprotocol)
"""``Subprotocol``: what the handshake answers when a client offers it (``qakit.v1``)."""
NESTING_DEPTH: Final = number_bounds(wire.NestingDepth)
"""``NestingDepth``: how many levels of objects and arrays a frame or a body may nest (``high``)."""
PREFER_DELAY: Final = number_bounds(rest.PreferDelay)
"""``PreferDelay``: the milliseconds of a REST request's ``Prefer: delay=``."""
HISTORY_LIMIT: Final = number_bounds(rest.HistoryLimit)
"""``HistoryLimit``: ``GET /channels/{name}/history?limit=`` (and the ``history`` action's)."""
HISTORY_LIMIT_DEFAULT: Final[int] = field_default(wire.HistoryPayload, "limit")
"""``HistoryLimit``'s ``default``."""
CHANNEL_SINCE: Final = number_bounds(rest.ChannelSince)
"""``ChannelSince``: ``?since=`` of a handshake and of ``GET /channels/{name}/history``."""
