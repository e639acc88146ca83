"""The handshake's ``since``, ``epoch``, ``presence`` and ``name``: read against the AsyncAPI
binding, every bad value refused with the pointer of the parameter, never let through."""

from __future__ import annotations

import pytest

from service.errors import ValidationFailed
from service.transport.channel_query import handshake_query
from service.transport.subscription_query import Subscription, subscription_of

EPOCH = "3f9a1c2b7d4e"
MAX_SINCE = 9007199254740991


@pytest.mark.parametrize(
    "query",
    ["", "channel=room", "latency_ms=5", "presence=false", "presence=0", "channel=room&presence=false"],
)
def test_without_since_or_presence_the_client_gets_today_s_behaviour(query: str) -> None:
    assert subscription_of(handshake_query(query.encode())) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("since=0", Subscription(since=0)),
        (f"since={MAX_SINCE}&epoch={EPOCH}", Subscription(since=MAX_SINCE, epoch=EPOCH)),
        (f"since=0&epoch={EPOCH}", Subscription(since=0, epoch=EPOCH)),
        (f"since=42&epoch={EPOCH}", Subscription(since=42, epoch=EPOCH)),
        (f"channel=room&since=7&epoch={EPOCH}", Subscription(since=7, epoch=EPOCH)),
        ("presence=true", Subscription(presence=True)),
        ("presence=true&name=alice", Subscription(presence=True, name="alice")),
        ("presence=true&name=al%20ice%20%C3%A9", Subscription(presence=True, name="al ice é")),
        ("presence=true&name=" + "n" * 64, Subscription(presence=True, name="n" * 64)),
        (f"since=3&epoch={EPOCH}&presence=true&name=bob", Subscription(3, EPOCH, True, "bob")),
        ("presence=false&since=0", Subscription(since=0)),
    ],
)
def test_what_the_client_asked_for(query: str, expected: Subscription) -> None:
    assert subscription_of(handshake_query(query.encode())) == expected


@pytest.mark.parametrize(
    ("query", "pointer"),
    [
        ("since=", "/query/since"),
        ("since=-1", "/query/since"),
        ("since=-1&epoch=3f9a1c2b7d4e", "/query/since"),
        ("since=abc", "/query/since"),
        ("since=1.5", "/query/since"),
        ("since=%201", "/query/since"),
        (f"since={MAX_SINCE + 1}", "/query/since"),
        ("since=1" + "0" * 40, "/query/since"),
        ("since=1&epoch=", "/query/epoch"),
        ("since=1&epoch=3f9a1c2b7d4", "/query/epoch"),  # 11 digits
        ("since=1&epoch=3f9a1c2b7d4e0", "/query/epoch"),  # 13
        ("since=1&epoch=3F9A1C2B7D4E", "/query/epoch"),  # upper case
        ("since=1&epoch=3f9a1c2b7d4g", "/query/epoch"),
        ("since=1&epoch=3f9a1c2b7d4e%0A", "/query/epoch"),  # a final newline: `$` alone lets it by
        (f"epoch={EPOCH}", "/query/epoch"),  # an epoch means nothing without since
        (f"presence=true&epoch={EPOCH}", "/query/epoch"),
        ("presence=", "/query/presence"),
        ("presence=yes", "/query/presence"),
        ("presence=2", "/query/presence"),
        ("presence=true&name=", "/query/name"),
        ("presence=true&name=" + "n" * 65, "/query/name"),
        ("presence=true&name=a%00b", "/query/name"),
        ("presence=true&name=a%09b", "/query/name"),
        ("presence=true&name=alice%0A", "/query/name"),  # a final newline
        ("presence=true&name=%7F", "/query/name"),
        ("presence=true&name=%C2%85", "/query/name"),  # U+0085, a C1 control character
        ("name=alice", "/query/name"),  # a name means nothing without presence
        ("presence=false&name=alice", "/query/name"),
        ("since=0&name=alice", "/query/name"),
        ("since=1", "/query/epoch"),  # an offset means nothing without its epoch
        ("since=1&presence=true", "/query/epoch"),
    ],
)
def test_a_bad_value_is_refused_with_the_pointer_of_its_parameter(query: str, pointer: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        subscription_of(handshake_query(query.encode()))
    assert refused.value.pointer == pointer
    assert refused.value.message


def test_the_rule_is_said_in_words() -> None:
    with pytest.raises(ValidationFailed, match="only with since"):
        subscription_of(handshake_query(f"epoch={EPOCH}".encode()))
    with pytest.raises(ValidationFailed, match="only with presence=true"):
        subscription_of(handshake_query(b"name=alice"))
    with pytest.raises(ValidationFailed, match="needs the epoch"):
        subscription_of(handshake_query(b"since=3"))
    with pytest.raises(ValidationFailed, match="1-64 characters, none of them a control character"):
        subscription_of(handshake_query(b"presence=true&name=alice%0A"))
