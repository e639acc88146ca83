"""Channel streams: offsets, epochs and the bounded history, on a clock the tests drive."""

from __future__ import annotations

from service.streams.history import ChannelHistory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def frame(text: str) -> object:
    return lambda epoch, offset: f"{text}@{epoch}:{offset}".encode()


def publish(history: ChannelHistory, channel: str, *texts: str) -> list[int]:
    return [history.publish(channel, frame(text))[0].offset for text in texts]  # type: ignore[arg-type]


def test_offsets_count_up_per_channel_under_one_epoch() -> None:
    history = ChannelHistory()
    assert publish(history, "a", "1", "2", "3") == [1, 2, 3]
    assert publish(history, "b", "1") == [1]
    position, kept = history.publish("a", lambda epoch, offset: f"{epoch}/{offset}".encode())
    assert kept == f"{position.epoch}/4".encode()
    assert position.offset == 4
    assert history.position("a").epoch != history.position("b").epoch


def test_a_channel_with_no_stream_reads_as_offset_0_under_the_epoch_its_first_frame_gets() -> None:
    history = ChannelHistory()
    before = history.position("fresh")
    assert before.offset == 0
    publish(history, "fresh", "x")
    assert history.position("fresh").epoch == before.epoch
    page = history.after("nobody", 0)
    assert (page.offset, page.complete, page.frames) == (0, True, [])


def test_after_gives_the_frames_after_since_oldest_first_up_to_limit() -> None:
    history = ChannelHistory()
    publish(history, "a", "1", "2", "3", "4")
    page = history.after("a", 1, limit=2)
    assert [f.split(b"@")[0] for f in page.frames] == [b"2", b"3"]
    assert (page.offset, page.complete) == (4, True)
    assert history.after("a", 4).frames == []
    assert history.after("a", 4).complete
    future = history.after("a", 9)
    assert (future.complete, future.frames) == (False, [])


def test_size_keeps_the_last_frames_and_an_older_since_is_incomplete() -> None:
    history = ChannelHistory(size=3)
    publish(history, "a", *"123456")
    page = history.after("a", 0)
    assert [f.split(b"@")[0] for f in page.frames] == [b"4", b"5", b"6"]
    assert not page.complete
    assert history.after("a", 3).complete
    resumed, recovered = history.resume("a", 2, None)
    assert (recovered, resumed.frames, resumed.offset) == (False, [], 6)


def test_frames_older_than_the_ttl_are_gone_but_the_position_stays() -> None:
    clock = Clock()
    history = ChannelHistory(ttl=10, clock=clock)
    publish(history, "a", "old")
    clock.now += 6
    publish(history, "a", "new")
    clock.now += 5
    page = history.after("a", 0)
    assert [f.split(b"@")[0] for f in page.frames] == [b"new"]
    assert not page.complete
    clock.now += 10
    page = history.after("a", 0)
    assert (page.frames, page.offset) == ([], 2)
    assert history.after("a", 2).complete
    assert history.held_bytes == 0


def test_the_channel_cap_drops_the_least_recently_used_stream_and_its_epoch_changes() -> None:
    history = ChannelHistory(channels=2)
    publish(history, "a", "1")
    publish(history, "b", "1")
    old_a = history.position("a").epoch
    history.after("a", 0)  # a read counts as a use: b is now the least recently used
    old_b = history.position("b").epoch
    publish(history, "c", "1")
    assert sorted(name for name, _ in history.channels()) == ["a", "c"]
    assert history.position("a").epoch == old_a
    assert history.position("b").epoch != old_b
    assert history.position("b").offset == 0
    assert publish(history, "b", "again") == [1]
    assert history.position("b").epoch != old_b
    _, recovered = history.resume("b", 1, old_b)
    assert not recovered


def test_the_byte_cap_drops_whole_streams_then_the_oldest_frames_of_the_busiest() -> None:
    history = ChannelHistory(max_bytes=100)
    history.publish("a", lambda e, o: b"x" * 60)
    history.publish("b", lambda e, o: b"y" * 30)
    assert history.held_bytes == 90
    history.publish("b", lambda e, o: b"z" * 30)
    assert sorted(name for name, _ in history.channels()) == ["b"]
    assert history.held_bytes == 60
    history.publish("b", lambda e, o: b"w" * 90)
    assert history.held_bytes == 90
    assert history.after("b", 0).frames == [b"w" * 90]


def test_resume_checks_the_epoch_and_gives_the_missed_frames() -> None:
    history = ChannelHistory()
    publish(history, "a", "1", "2", "3")
    epoch = history.position("a").epoch
    page, recovered = history.resume("a", 1, epoch)
    assert recovered
    assert [f.split(b"@")[0] for f in page.frames] == [b"2", b"3"]
    page, recovered = history.resume("a", 1, "000000000000")
    assert (recovered, page.frames, page.offset, page.epoch) == (False, [], 3, epoch)
    _, recovered = history.resume("a", 1, None)
    assert recovered


def test_a_new_life_of_the_store_has_new_epochs() -> None:
    first, second = ChannelHistory(), ChannelHistory()
    assert first.position("general").epoch != second.position("general").epoch
    assert ChannelHistory(life="x").position("g") == ChannelHistory(life="x").position("g")


def test_a_stream_of_a_channel_with_live_clients_is_dropped_last() -> None:
    live = {"a"}
    history = ChannelHistory(channels=2, in_use=lambda name: name in live)
    publish(history, "a", "1")
    publish(history, "b", "1")
    publish(history, "c", "1")
    assert sorted(name for name, _ in history.channels()) == ["a", "c"]
    live.update({"c"})
    publish(history, "d", "1")
    assert sorted(name for name, _ in history.channels()) == ["c", "d"]


def test_a_page_stops_before_it_would_pass_its_byte_budget_but_holds_one_frame_at_least() -> None:
    history = ChannelHistory()
    for size in (40, 40, 40, 100):
        history.publish("a", lambda e, o, size=size: b"x" * size)  # type: ignore[misc]
    assert [len(f) for f in history.after("a", 0, max_bytes=100).frames] == [40, 40]
    assert [len(f) for f in history.after("a", 3, max_bytes=10).frames] == [100]
    page = history.after("a", 0, limit=2, max_bytes=1000)
    assert ([len(f) for f in page.frames], page.complete) == ([40, 40], True)
