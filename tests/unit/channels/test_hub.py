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
