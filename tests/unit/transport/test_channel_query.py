"""The handshake's ``channel``: the spec's pattern and default, and a message that says the rule."""

from __future__ import annotations

import re

import pytest

from service import spec
from service.errors import ValidationFailed
from service.transport.channel_query import channel_of, checked_channel, handshake_query, rule_of


def test_without_a_channel_the_client_joins_the_default_channel() -> None:
    assert (
        channel_of(handshake_query(b""))
        == channel_of(handshake_query(b"other=1"))
        == spec.DEFAULT_CHANNEL
        == "general"
    )
    assert channel_of(handshake_query(b"channel=room-1")) == "room-1"


@pytest.mark.parametrize("bad", ["", "two words", "x" * 65, "general\n", "ü"])
def test_a_bad_name_is_refused_with_the_rule_in_words(bad: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        checked_channel(bad, pointer="/query/channel")
    assert caught.value.pointer == "/query/channel"
    assert caught.value.message.startswith("Channel must be 1-64 characters of [A-Za-z0-9._-], got ")


def test_the_longest_name_the_spec_allows_is_accepted() -> None:
    longest = "a" * int(re.findall(r"\d+", spec.CHANNEL_NAME.pattern)[-1])
    assert checked_channel(longest, pointer="/query/channel") == longest


def test_a_pattern_of_another_shape_is_quoted_as_it_is() -> None:
    assert rule_of(re.compile("[a-z]{2,8}")) == "be 2-8 characters of [a-z]"
    assert rule_of(re.compile("room-[0-9]+")) == "match room-[0-9]+"
