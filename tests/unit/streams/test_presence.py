"""The presence roster: who joined each channel with ``presence=true``, in join order, by name."""

from __future__ import annotations

from generated import ws_messages as wire
from service import spec
from service.streams.presence import Roster, new_client_id


def test_a_client_id_is_the_spec_s_client_id_and_new_each_time() -> None:
    pattern = spec.whole_pattern(wire.ClientId)
    ids = {new_client_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(pattern.fullmatch(client_id) for client_id in ids)


def test_members_are_listed_in_the_order_they_joined_with_their_names() -> None:
    roster = Roster()
    roster.join("room", "c-2", "bob")
    roster.join("room", "c-1", "alice")
    roster.join("room", "c-3", "alice")  # two clients may show the same name
    assert roster.members("room") == [("c-2", "bob"), ("c-1", "alice"), ("c-3", "alice")]
    assert roster.count("room") == 3


def test_channels_are_apart() -> None:
    roster = Roster()
    roster.join("a", "c-1", "alice")
    roster.join("b", "c-2", "bob")
    assert roster.members("a") == [("c-1", "alice")]
    assert roster.members("b") == [("c-2", "bob")]
    assert roster.leave("a", "c-2") is None
    assert (roster.count("a"), roster.count("b")) == (1, 1)


def test_leave_gives_the_name_the_client_had_and_only_once() -> None:
    roster = Roster()
    roster.join("room", "c-1", "alice")
    roster.join("room", "c-2", "bob")
    assert roster.leave("room", "c-1") == "alice"
    assert roster.leave("room", "c-1") is None
    assert roster.members("room") == [("c-2", "bob")]
    assert roster.leave("nowhere", "c-2") is None


def test_a_client_that_comes_back_is_listed_last() -> None:
    roster = Roster()
    for client_id in ("c-1", "c-2", "c-3"):
        roster.join("room", client_id, client_id)
    roster.leave("room", "c-1")
    roster.join("room", "c-1", "again")
    assert roster.members("room") == [("c-2", "c-2"), ("c-3", "c-3"), ("c-1", "again")]


def test_an_emptied_channel_is_forgotten_and_counts_end_where_they_started() -> None:
    roster = Roster()
    assert (roster.count("room"), roster.members("room")) == (0, [])
    for n in range(1000):
        roster.join("room", f"c-{n}", f"n{n}")
        if n % 2:
            assert roster.leave("room", f"c-{n - 1}") == f"n{n - 1}"
            assert roster.leave("room", f"c-{n}") == f"n{n}"
    assert (roster.count("room"), roster.members("room")) == (0, [])
    assert roster._channels == {}  # nothing left behind for a channel nobody is in
