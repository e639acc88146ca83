"""Channel streams: every frame published to a channel gets the channel's next ``offset`` under
its ``epoch``, and the last ones are kept, bounded, so a client can resume without loss.

Modelled on Centrifugo's history and recovery: a stream is ``(epoch, offset)`` plus a window of
its latest frames. The ``epoch`` names one life of a stream and changes whenever history is
lost — the process restarted (a new ``life``), or the channel's stream was dropped to stay
within the bounds — so a client holding an old epoch is told ``recovered: false`` rather than
given frames with a hole in them.

Bounds, so memory stays bounded whatever clients do: at most ``size`` frames a channel, none
older than ``ttl`` seconds, at most ``channels`` streams and ``max_bytes`` of frames in all;
past the last two, the stream used least recently is dropped first — of a channel nobody is
connected to, when there is one (``in_use``), so live clients keep their stream. No I/O: the clock is passed
in (``clock``), so tests drive time themselves.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from hashlib import blake2b

import msgspec

PAGE_BYTES = 1_000_000
"""The bytes of frames one history page holds at most (past its first): a page is one WebSocket
frame, and 1 MiB is the default frame limit of common clients (Python's websockets among them);
the rest of the frame fits in what is left."""


class Position(msgspec.Struct, frozen=True, gc=False):
    """Where a channel's stream is: its epoch and its last offset (0 before its first frame)."""

    epoch: str
    offset: int


class Page(msgspec.Struct, frozen=True, gc=False):
    """The frames after an offset: ``complete`` when none of those frames is missing from it
    (beyond ``limit``)."""

    epoch: str
    offset: int
    complete: bool
    frames: list[bytes]


class _Stream:
    __slots__ = ("epoch", "frames", "offset")

    def __init__(self, epoch: str) -> None:
        self.epoch = epoch
        self.offset = 0
        self.frames: deque[tuple[int, float, bytes]] = deque()


class ChannelHistory:
    """Every channel's stream position and its recent frames, in memory."""

    def __init__(
        self,
        *,
        size: int = 100,
        ttl: float = 300.0,
        channels: int = 1000,
        max_bytes: int = 32 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
        life: str | None = None,
        in_use: Callable[[str], bool] | None = None,
    ) -> None:
        self._size = size
        self._ttl = ttl
        self._max_channels = channels
        self._max_bytes = max_bytes
        self._clock = clock
        self._in_use = in_use
        self._life = life if life is not None else secrets.token_hex(8)
        self._streams: OrderedDict[str, _Stream] = OrderedDict()
        self._dropped = 0
        self._bytes = 0

    def publish(self, channel: str, build: Callable[[str, int], bytes]) -> tuple[Position, bytes]:
        """Give ``channel``'s next offset to the frame ``build(epoch, offset)`` makes, and keep it;
        its position and the frame."""
        stream = self._stream(channel)
        offset = stream.offset + 1
        frame = build(stream.epoch, offset)
        stream.offset = offset
        now = self._clock()
        frames = stream.frames
        frames.append((offset, now, frame))
        self._bytes += len(frame)
        if len(frames) > self._size:
            self._bytes -= len(frames.popleft()[2])
        self._expire(stream, now)
        self._bound(keep=channel)
        return Position(stream.epoch, offset), frame

    def position(self, channel: str) -> Position:
        """The stream's epoch and last offset; a channel without one reads as offset 0 under the
        epoch its first frame will have (unless a stream is dropped in between)."""
        stream = self._streams.get(channel)
        if stream is None:
            return Position(self._epoch(channel), 0)
        return Position(stream.epoch, stream.offset)

    def after(
        self, channel: str, since: int, *, limit: int | None = None, max_bytes: int | None = None
    ) -> Page:
        """The frames after offset ``since`` that are still held, oldest first, at most ``limit``
        and, past the first, no more than ``max_bytes`` of them in all."""
        stream = self._streams.get(channel)
        if stream is None:
            return Page(self._epoch(channel), 0, since == 0, [])
        self._streams.move_to_end(channel)
        self._expire(stream, self._clock())
        frames = stream.frames
        if since > stream.offset:
            return Page(stream.epoch, stream.offset, False, [])
        complete = since == stream.offset or (bool(frames) and frames[0][0] <= since + 1)
        held: list[bytes] = []
        size = 0
        for offset, _, frame in frames:
            if offset <= since:
                continue
            if (limit is not None and len(held) >= limit) or (
                max_bytes is not None and held and size + len(frame) > max_bytes
            ):
                break
            held.append(frame)
            size += len(frame)
        return Page(stream.epoch, stream.offset, complete, held)

    def resume(self, channel: str, since: int, epoch: str | None) -> tuple[Page, bool]:
        """What a client that saw ``since`` (under ``epoch``, when it says) is owed: the page of
        missed frames, and whether it is ``recovered`` (every one of them is there)."""
        page = self.after(channel, since)
        recovered = page.complete and (epoch is None or epoch == page.epoch)
        if not recovered:
            return Page(page.epoch, page.offset, False, []), False
        return page, True

    def channels(self) -> Iterator[tuple[str, Position]]:
        """Every channel that has a stream, with its position."""
        for name, stream in self._streams.items():
            yield name, Position(stream.epoch, stream.offset)

    @property
    def held_bytes(self) -> int:
        """The bytes of frames held, in all."""
        return self._bytes

    def _stream(self, channel: str) -> _Stream:
        stream = self._streams.get(channel)
        if stream is None:
            stream = self._streams[channel] = _Stream(self._epoch(channel))
        else:
            self._streams.move_to_end(channel)
        return stream

    def _epoch(self, channel: str) -> str:
        """A stream's epoch: new for each life of the process and after each stream dropped, so an
        epoch once given is never given again to a stream that lost frames."""
        key = f"{self._life}:{self._dropped}:{channel}".encode()
        return blake2b(key, digest_size=6).hexdigest()

    def _expire(self, stream: _Stream, now: float) -> None:
        frames, oldest = stream.frames, now - self._ttl
        while frames and frames[0][1] < oldest:
            self._bytes -= len(frames.popleft()[2])

    def _bound(self, *, keep: str) -> None:
        """Drop the least recently used streams while over a bound; ``keep``'s frames go last."""
        streams = self._streams
        while len(streams) > self._max_channels or (self._bytes > self._max_bytes and len(streams) > 1):
            victim = self._victim(keep)
            if victim is None:
                break
            self._drop(victim, streams[victim])
        if self._bytes > self._max_bytes:
            # One channel holds more than the whole budget: its oldest frames go.
            frames = streams[keep].frames
            while self._bytes > self._max_bytes and len(frames) > 1:
                self._bytes -= len(frames.popleft()[2])

    def _victim(self, keep: str) -> str | None:
        """The stream to drop: the least recently used of a channel no one is connected to, else
        the least recently used; never ``keep``."""
        fallback = None
        for name in self._streams:
            if name == keep:
                continue
            if self._in_use is None or not self._in_use(name):
                return name
            if fallback is None:
                fallback = name
        return fallback

    def _drop(self, name: str, stream: _Stream) -> None:
        del self._streams[name]
        self._bytes -= sum(len(frame) for _, _, frame in stream.frames)
        self._dropped += 1
