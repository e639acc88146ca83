"""How deeply client JSON nests: the spec's ``NestingDepth``, checked on every frame and body.

Whatever the protocol accepts is encoded again, by ``GET /events``, the Kafka publisher and the
logs, with encoders that recurse: an echo payload ~980 levels deep was accepted and then made
every ``GET /events`` fail until newer events pushed it out. So a frame or a body that nests
objects and arrays past the limit (the frame or body itself being level 1) is refused at the
door, with the JSON pointer of the first object or array past it.

:func:`nests_deeper` reads the text that has just been decoded, with C loops only: text of at
most ``2 × limit + 1`` characters cannot nest past the limit (the echo fast path stops there),
nor can text with at most ``limit`` opening brackets (counted, ~0.3 ns a character each); only
then does the text lose its strings and keep its brackets, and each pass of ``replace`` takes one
level off. Walking the decoded value in Python instead cost 2-3 times the decoding for frames of
many small objects; this costs about one decoding. :func:`too_deep_at` walks the value only to
name the place, for a frame that is refused.
"""

from __future__ import annotations

from typing import Any

import msgspec

_SHAPE = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def nests_deeper(data: str | bytes, limit: int) -> bool:
    """Whether the JSON text ``data`` nests objects and arrays more than ``limit`` levels deep.

    Exact for text that is JSON (check that first: it decoded); anything else may be judged
    either way.
    """
    if len(data) <= 2 * limit + 1:
        return False
    if isinstance(data, str):
        if data.count("{") + data.count("[") <= limit:  # brackets in strings too: never too few
            return False
        raw = data.encode("utf-8", "surrogatepass")
    elif data.count(b"{") + data.count(b"[") <= limit:
        return False
    else:
        raw = data
    if b"\\" in raw:
        # Escapes live in strings only. Without escaped backslashes and then escaped quotes
        # (each run of backslashes read left to right, as JSON does), every quote left opens
        # or closes a string.
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    shape = b"".join(raw.split(b'"')[::2]).translate(_SHAPE, _NOT_BRACKETS)
    if len(shape) <= 2 * limit:
        return False
    for _ in range(limit):
        shape = shape.replace(b"()", b"")  # every innermost pair: one level less
        if not shape:
            return False
    return True


def too_deep_at(value: Any, limit: int) -> list[str] | None:
    """The steps to the first object or array, in document order, that is nested more than
    ``limit`` levels deep (``value`` itself being level 1), or ``None`` when there is none.

    ``value`` is decoded JSON: dicts, lists and scalars, or a generated struct holding them
    (a struct is an object, its fields named as on the wire).
    """
    steps: list[str] = []
    if _is_container(value) and _holds_one_past(value, limit - 1, steps):
        steps.reverse()
        return steps
    return None


def _is_container(value: Any) -> bool:
    return isinstance(value, dict | list | msgspec.Struct)


def _holds_one_past(value: Any, room: int, steps: list[str]) -> bool:
    """Whether ``value``, below which ``room`` more levels are allowed, holds an object or array
    past the limit; if so, the steps to it are appended to ``steps``, innermost first."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        items = zip(
            value.__struct_encode_fields__, [getattr(value, f) for f in value.__struct_fields__], strict=True
        )
    for key, item in items:
        if _is_container(item) and (room == 0 or _holds_one_past(item, room - 1, steps)):
            steps.append(str(key))
            return True
    return False
