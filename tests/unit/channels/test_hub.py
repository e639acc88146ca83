"""The hub: who is where, admission, and fan-out to them."""

from __future__ import annotations

from service.channels.hub import ChannelHub


class Member:
    def __init__(self, channel: str, *, accept: bool = True) -> None:
        self.channel = channel
        self.frames: list[str] = []
        self.accept = accept

    def offer(self, frame: bytes) -> bool:
        if self.accept:
            self.frames.append(frame.decode())
        return self.accept

    def close(self, code: int, reason: str) -> None:
        raise AssertionError("not closed in these tests")


def test_fan_out_reaches_the_channel_only_and_counts_deliveries() -> None:
    hub = ChannelHub()
    a, b, other, full = Member("general"), Member("general"), Member("qa"), Member("general", accept=False)
    for member in (a, b, other, full):
        hub.join(member)
    assert hub.to_channel("general", b"hi", exclude=a) == 1
    assert (a.frames, b.frames, other.frames) == ([], ["hi"], [])
    assert hub.to_everyone(b"all") == 3
    assert hub.counts() == {"general": 3, "qa": 1}
    assert hub.total == 4
    assert (hub.size("general"), hub.size("qa"), hub.size("nobody")) == (3, 1, 0)


def test_leaving_removes_empty_channels() -> None:
    hub = ChannelHub()
    member = Member("room")
    hub.join(member)
    hub.leave(member)
    hub.leave(member)
    assert hub.counts() == {}
    assert hub.to_channel("room", b"x") == 0


def test_to_present_reaches_the_channel_s_presence_members_only_but_the_excluded_one() -> None:
    hub = ChannelHub()
    alice, bob, plain, away = Member("room"), Member("room"), Member("room"), Member("other")
    deaf = Member("room", accept=False)
    hub.join(alice, present=True)
    hub.join(bob, present=True)
    hub.join(deaf, present=True)
    hub.join(plain)
    hub.join(away, present=True)
    assert hub.to_present("room", b"joined", exclude=bob) == 1  # deaf did not take it
    assert (alice.frames, bob.frames, plain.frames, away.frames) == (["joined"], [], [], [])
    assert hub.to_present("room", b"all") == 2
    assert hub.to_present("nobody", b"x") == 0
    assert hub.size("room") == 4
    assert hub.total == 5


def test_a_presence_member_that_leaves_hears_no_more_and_an_emptied_roster_is_forgotten() -> None:
    hub = ChannelHub()
    alice, plain = Member("room"), Member("room")
    hub.join(alice, present=True)
    hub.join(plain)
    hub.leave(alice)
    assert hub.to_present("room", b"x") == 0
    assert alice.frames == []
    assert hub.to_channel("room", b"y") == 1
    assert hub._present == {}
    hub.leave(plain)
    assert (hub.total, hub.counts()) == (0, {})


def test_joining_again_with_presence_counts_the_member_once() -> None:
    hub = ChannelHub()
    alice = Member("room")
    hub.join(alice)
    hub.join(alice, present=True)
    assert (hub.total, hub.size("room")) == (1, 1)
    assert hub.to_present("room", b"x") == 1
    hub.leave(alice)
    assert (hub.total, hub.to_present("room", b"x")) == (0, 0)
