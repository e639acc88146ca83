"""Property-based fuzzing of ``/ws`` against a live service: over 10,000 frames.

Frames come from the request schemas of ``api_specs/asyncapi.yaml`` (valid, and mutated one or
two ways), from arbitrary JSON, text, bytes, huge numbers, deep nesting, messages at and over
the 64 KiB frame limit, fragmented messages and text that is not UTF-8. The properties:

* every answer conforms to the AsyncAPI ``ServerFrame`` schema, and it is the answer the spec
  promises (`tests.support.fuzz.expected_answer`): ``ack`` … ``event`` for a valid request,
  exactly one ``error`` with the right code and ``request_id`` otherwise;
* the connection is never closed but by a documented limit: 1009 for a frame over 64 KiB, and
  RFC 6455's 1007 for a text frame that is not UTF-8;
* at the end the process is alive, healthy, holds no connection, and its log has no traceback
  and no error line.

The service runs with the rate limit lifted (rate limiting has tests of its own) and every
other limit at its default. Runs are reproducible: Hypothesis is derandomized, without an
example database. ``pytest -s`` prints the frames per category and the throughput.

The inputs that found bugs (deep nesting crashed the connection, invalid UTF-8 filled the error
log, backticks in field names, an amount with a trailing newline) stay as regression tests
against a second service, the quarantine, so that the main service's log stays a clean witness.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support import fuzz
from tests.support.fuzz import (
    BINARY_ANSWER,
    CLOSE_INVALID_PAYLOAD,
    CLOSE_MESSAGE_TOO_BIG,
    CLOSE_NORMAL,
    DEEP_FORMS,
    FRAME_LIMIT,
    NOT_JSON_LITERALS,
    OP_BINARY,
    OP_TEXT,
    Expected,
    Fragmented,
    FuzzLink,
    Mutated,
    RawLink,
    check_answers,
    dumps,
    expected_answer,
)
from tests.support.live import LiveService, running_service

FUZZ_ENV = {"WS_RATE_PER_SECOND": "1000000", "WS_RATE_BURST": "1000000"}
MIN_FRAMES = 10_000
NESTING_LIMIT = fuzz.nesting_limit()
"""``NestingDepth`` (64): a frame nested deeper is answered ``validation_error``."""
DEEP_SAFE = 400
"""The deepest nesting fuzzed on the main service (most draws stay within twice the limit);
frames too deep for Python's own JSON reader, which the oracle uses, go to the quarantine."""
DEEP_BUG = 10_000

SENT: Counter[str] = Counter()
"""Frames sent to the services, by category (the fuzzing total is their sum)."""
QUARANTINED = frozenset({"not_utf8", "deep_nesting_bug"})
"""The categories sent to the quarantine service; the rest went to the main one."""
OUTCOMES: Counter[str] = Counter()
"""What the spec promised for them: ``accepted`` or the error code."""
MUTATED: Counter[str] = Counter()
"""Mutations applied to the spec's frames, by kind."""
CLOCK: dict[str, float] = {}

FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=True,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


# --------------------------------------------------------------------------- services


@pytest.fixture(scope="module")
def fuzz_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    CLOCK["started"] = time.monotonic()
    with running_service(Path(tmp_path_factory.mktemp("fuzz")) / "service.log", FUZZ_ENV) as service:
        yield service


@pytest.fixture(scope="module")
def quarantine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """A second service for the inputs that hit known bugs (their tracebacks stay in its log)."""
    with running_service(Path(tmp_path_factory.mktemp("quarantine")) / "service.log", FUZZ_ENV) as service:
        yield service


@pytest.fixture(scope="module")
def link(fuzz_service: LiveService) -> Iterator[FuzzLink]:
    connection = FuzzLink(fuzz_service.ws)
    yield connection
    connection.close()


def exchange(link: FuzzLink, category: str, batch: list[tuple[str | bytes, Expected]]) -> None:
    SENT[category] += len(batch)
    for _, expected in batch:
        OUTCOMES["accepted" if expected.accepted else "|".join(sorted(expected.codes))] += 1
    link.exchange(batch)


def batches(frames: st.SearchStrategy[Any], max_size: int = 8) -> st.SearchStrategy[list[Any]]:
    return st.lists(frames, min_size=1, max_size=max_size)


def json_text(value: Any, ascii_only: bool, compact: bool) -> str:
    text = dumps(value, ascii_only=ascii_only, compact=compact)
    try:
        text.encode()
    except UnicodeEncodeError:
        # A lone surrogate cannot go into a text frame raw; JSON's \uXXXX escape carries it.
        text = dumps(value, ascii_only=True, compact=compact)
    return text


# --------------------------------------------------------------------------- frames from the spec


@settings(FUZZ, max_examples=700)
@given(batch=batches(st.tuples(fuzz.valid_frames(), st.booleans(), st.booleans())))
def test_valid_frames_are_answered_ack_to_event(link: FuzzLink, batch: list[tuple[Any, bool, bool]]) -> None:
    sent: list[tuple[str | bytes, Expected]] = []
    for frame, ascii_only, compact in batch:
        fuzz.contract().check_client_frame(frame)
        text = json_text(frame, ascii_only, compact)
        expected = expected_answer(text)
        assert expected.accepted, f"the strategy made a frame the oracle refuses: {text}"
        sent.append((text, expected))
    exchange(link, "valid", sent)


@settings(FUZZ, max_examples=800)
@given(batch=batches(st.tuples(fuzz.mutated_frames(), st.booleans())))
def test_mutated_frames_get_one_error_with_the_right_code(
    link: FuzzLink, batch: list[tuple[Mutated, bool]]
) -> None:
    sent: list[tuple[str | bytes, Expected]] = []
    for mutated, ascii_only in batch:
        MUTATED.update(mutated.mutations)
        text = json_text(mutated.frame, ascii_only, compact=False)
        sent.append((text, expected_answer(text, pointer=mutated.pointer)))
    exchange(link, "mutated", sent)


@settings(FUZZ, max_examples=250)
@given(batch=batches(fuzz.structured_garbage()))
def test_objects_of_any_shape(link: FuzzLink, batch: list[Any]) -> None:
    texts = [dumps(value) for value in batch]
    exchange(link, "any_object", [(text, expected_answer(text)) for text in texts])


# --------------------------------------------------------------------------- text that is not a frame


@settings(FUZZ, max_examples=250)
@given(
    batch=batches(
        st.one_of(
            st.text(),
            st.text(alphabet='{}[]":,0123456789.eE-+ tfnrule\\ud', max_size=40),
            fuzz.not_objects().map(dumps),
        )
    )
)
def test_arbitrary_text(link: FuzzLink, batch: list[str]) -> None:
    exchange(link, "text", [(text, expected_answer(text)) for text in batch])


@settings(FUZZ, max_examples=250)
@given(batch=batches(fuzz.corrupted_json()))
def test_corrupted_json(link: FuzzLink, batch: list[str]) -> None:
    exchange(link, "corrupted_json", [(text, expected_answer(text)) for text in batch])


@settings(FUZZ, max_examples=150)
@given(batch=batches(fuzz.texts_with_a_hole(st.sampled_from(NOT_JSON_LITERALS))))
@example(batch=['{"action": "echo", "payload": {"x": NaN}, "request_id": "nan"}'])
@example(batch=['{"action": "echo", "payload": {"x": "\\ud800"}, "request_id": "surrogate"}'])
def test_literals_that_are_not_json(link: FuzzLink, batch: list[str]) -> None:
    exchange(link, "not_json_literal", [(text, expected_answer(text)) for text in batch])


@settings(FUZZ, max_examples=200)
@given(batch=batches(fuzz.texts_with_a_hole(fuzz.huge_number_literals())))
@example(batch=['{"action": "echo", "payload": {"x": 1e400}, "request_id": "r"}'])
@example(batch=['{"action": "echo", "payload": {"x": 1' + "0" * 400 + '}, "request_id": "r"}'])
@example(batch=['{"action": "get_order", "payload": {"id": -0}, "request_id": "r"}'])
@example(batch=['{"action": "get_order", "payload": {"id": 1.0}, "request_id": "r"}'])
def test_huge_numbers(link: FuzzLink, batch: list[str]) -> None:
    exchange(link, "huge_number", [(text, expected_answer(text)) for text in batch])


@settings(FUZZ, max_examples=120)
@given(
    batch=batches(
        st.tuples(
            st.sampled_from(sorted(DEEP_FORMS)),
            st.integers(min_value=1, max_value=2 * NESTING_LIMIT)
            | st.integers(min_value=1, max_value=DEEP_SAFE),
        ),
        4,
    )
)
@example(
    batch=[
        (form, depth) for form in sorted(DEEP_FORMS) for depth in range(NESTING_LIMIT - 1, NESTING_LIMIT + 2)
    ]
)
def test_deep_nesting(link: FuzzLink, batch: list[tuple[str, int]]) -> None:
    texts = [DEEP_FORMS[form](depth) for form, depth in batch]
    exchange(link, "deep_nesting", [(text, expected_answer(text)) for text in texts])


@settings(FUZZ, max_examples=250)
@given(
    batch=batches(
        st.one_of(
            st.binary(max_size=512),
            fuzz.valid_frames().map(lambda frame: dumps(frame).encode()),
            st.text(max_size=64).map(str.encode),
        )
    )
)
@example(batch=[b""])
def test_binary_frames_are_refused_with_invalid_frame(link: FuzzLink, batch: list[bytes]) -> None:
    exchange(link, "binary", [(data, BINARY_ANSWER) for data in batch])


# --------------------------------------------------------------------------- the 64 KiB frame limit

NEAR_LIMIT_FORMS = {
    "echo": ('{"action": "echo", "payload": {"s": "', '"}, "request_id": "near"}'),
    "unknown_action": ('{"action": "', '", "request_id": "near"}'),
    "request_id": ('{"action": "ping", "request_id": "', '"}'),
    "broadcast": ('{"action": "broadcast", "payload": {"message": "', '"}, "request_id": "near"}'),
    "not_json": ("", ""),
}
"""Where a long string sits in a frame of a chosen size: between prefix and suffix."""


def limit_units() -> st.SearchStrategy[str]:
    """The character a long string repeats: 1 to 4 UTF-8 bytes, never one JSON must escape."""
    return st.characters(exclude_characters='"\\', exclude_categories=("Cc", "Cs"))


@settings(FUZZ, max_examples=100)
@given(
    form=st.sampled_from(sorted(NEAR_LIMIT_FORMS)),
    unit=limit_units(),
    size=st.integers(min_value=FRAME_LIMIT - 1024, max_value=FRAME_LIMIT),
    binary=st.booleans(),
)
@example(form="echo", unit="x", size=FRAME_LIMIT, binary=False)
@example(form="echo", unit="€", size=FRAME_LIMIT, binary=True)
def test_frames_up_to_the_limit_are_answered(
    link: FuzzLink, form: str, unit: str, size: int, binary: bool
) -> None:
    prefix, suffix = NEAR_LIMIT_FORMS[form]
    text = fuzz.sized_text(prefix, suffix, unit, size)
    if binary:
        exchange(link, "near_limit", [(text.encode(), BINARY_ANSWER)])
    else:
        exchange(link, "near_limit", [(text, expected_answer(text))])


@settings(FUZZ, max_examples=80)
@given(
    form=st.sampled_from(sorted(NEAR_LIMIT_FORMS)),
    unit=limit_units(),
    size=st.one_of(
        st.integers(min_value=FRAME_LIMIT + 1, max_value=FRAME_LIMIT + 4096),
        st.sampled_from([2 * FRAME_LIMIT, 1024 * 1024]),
    ),
    binary=st.booleans(),
)
@example(form="echo", unit="x", size=FRAME_LIMIT + 1, binary=False)
@example(form="echo", unit="x", size=FRAME_LIMIT + 1, binary=True)
def test_frames_over_the_limit_are_closed_with_1009(
    link: FuzzLink, form: str, unit: str, size: int, binary: bool
) -> None:
    prefix, suffix = NEAR_LIMIT_FORMS[form]
    text = fuzz.sized_text(prefix, suffix, unit, size)
    SENT["over_limit"] += 1
    OUTCOMES["close 1009"] += 1
    code = link.refused(text.encode() if binary else text)
    assert code == CLOSE_MESSAGE_TOO_BIG, f"close code {code} for a frame of {size} bytes ({form})"
    link.sentinel()  # a new connection works at once


# --------------------------------------------------------------------------- RFC 6455 on a raw socket


@st.composite
def fragmented_messages(draw: st.DrawFn) -> tuple[Fragmented, Expected]:
    """A frame's bytes cut anywhere (inside a UTF-8 sequence too), pings between the fragments."""
    kind = draw(st.sampled_from(["valid", "mutated", "text", "binary"]))
    if kind == "valid":
        text = dumps(draw(fuzz.valid_frames()), ascii_only=False)
    elif kind == "mutated":
        text = dumps(draw(fuzz.mutated_frames()).frame, ascii_only=False)
    else:
        text = draw(st.text(max_size=64))
    data = text.encode()
    cuts = sorted(draw(st.sets(st.integers(min_value=0, max_value=len(data)), max_size=4)))
    pings = draw(
        st.dictionaries(st.integers(min_value=0, max_value=len(cuts)), st.binary(max_size=125), max_size=2)
    )
    opcode = OP_BINARY if kind == "binary" else OP_TEXT
    expected = BINARY_ANSWER if kind == "binary" else expected_answer(text)
    return Fragmented(opcode, data, tuple(cuts), pings), expected


@settings(FUZZ, max_examples=120)
@given(messages=st.lists(fragmented_messages(), min_size=1, max_size=5))
def test_fragmented_messages_and_pings_between_fragments(
    link: FuzzLink, fuzz_service: LiveService, messages: list[tuple[Fragmented, Expected]]
) -> None:
    link.close()  # one client at a time: order notifications reach every client
    raw = RawLink(fuzz_service.port)
    try:
        pings: list[bytes] = []
        for message, _ in messages:
            for frame in message.frames():
                raw.send(frame)
            pings.extend(message.pings[index] for index in sorted(message.pings))
        for message, expected in messages:
            check_answers(expected, raw.answers(), message.data)
        SENT["fragmented"] += len(messages)
        for _, expected in messages:
            OUTCOMES["accepted" if expected.accepted else "|".join(sorted(expected.codes))] += 1
        raw.await_pongs(len(pings))
        assert raw.pongs == pings, "every ping is answered with its payload, in order"
        assert raw.close() == CLOSE_NORMAL, "the close handshake echoes 1000"
    finally:
        raw.sock.close()


@st.composite
def not_utf8(draw: st.DrawFn) -> Fragmented:
    """A frame's text with bytes that are not UTF-8 put in anywhere, maybe in fragments."""
    text = dumps(draw(fuzz.valid_frames()), ascii_only=draw(st.booleans())).encode()
    at = draw(st.integers(min_value=0, max_value=len(text)))
    data = text[:at] + draw(fuzz.invalid_utf8()) + text[at:]
    try:
        data.decode()
    except UnicodeDecodeError:
        pass
    else:  # pragma: no cover - every sequence of invalid_utf8() is invalid wherever it goes
        raise AssertionError(f"{data!r} is UTF-8")
    cuts = sorted(draw(st.sets(st.integers(min_value=0, max_value=len(data)), max_size=2)))
    return Fragmented(OP_TEXT, data, tuple(cuts), {})


@settings(FUZZ, max_examples=120)
@given(message=not_utf8())
@example(message=Fragmented(OP_TEXT, b'{"action": "ping", "x": "\xff"}', (), {}))
def test_text_that_is_not_utf8_is_closed_with_1007(quarantine: LiveService, message: Fragmented) -> None:
    """RFC 6455 §8.1: the endpoint must fail the connection with 1007. Run on the quarantine,
    as uvicorn logged an error-level traceback for each until the service filtered it."""
    raw = RawLink(quarantine.port)
    ping = '{"action": "ping", "request_id": "before"}'
    raw.send(fuzz.masked_frame(OP_TEXT, ping.encode()))
    check_answers(expected_answer(ping), raw.answers(), ping)
    for frame in message.frames():
        raw.send(frame)
    SENT["not_utf8"] += 2
    OUTCOMES["accepted"] += 1
    OUTCOMES["close 1007"] += 1
    assert raw.close_code() == CLOSE_INVALID_PAYLOAD, f"reproducer: text frame {message.data!r}"
    assert raw.disconnected()


# --------------------------------------------------------------------------- regressions: bugs found by fuzzing

DEEP_REASON = (
    "Was a bug: JSON nested ~490 levels deep (~980 in an echo payload object) makes decode_request "
    "raise RecursionError: uvicorn logs 'Exception in ASGI application' and drops the TCP "
    "connection without a close frame (1006). Reproducer: send the text frame "
    "'{\"action\":\"echo\",\"payload\":' + '['*600 + ']'*600 + '}' (1.2 KB; 10,000 levels fit in "
    "the 64 KiB limit too)."
)


@pytest.mark.parametrize(
    ("form", "depth"),
    [*((form, DEEP_BUG) for form in sorted(DEEP_FORMS)), ("payload_arrays", 600), ("top_level_objects", 600)],
)
def test_deep_nesting_is_answered_and_the_connection_stays_open(
    quarantine: LiveService, form: str, depth: int
) -> None:
    text = DEEP_FORMS[form](depth)
    assert fuzz.utf8_size(text) <= FRAME_LIMIT
    before = len(quarantine.log_lines())
    quarantined = FuzzLink(quarantine.ws)
    try:
        SENT["deep_nesting_bug"] += 1
        quarantined.ensure_open().send(text)
        frames = quarantined.answers()  # raises LinkClosed: the service dropped the connection
        # Far past NestingDepth: refused before anything but the request_id is read.
        assert fuzz.types_of(frames) == ["error validation_error"]
        quarantined.sentinel()
    finally:
        quarantined.close()
    new_lines = "\n".join(quarantine.log_lines()[before:])
    assert "Traceback" not in new_lines


UTF8_LOG_REASON = (
    "Was a bug (log hygiene): a text frame that is not UTF-8 is closed with 1007, as RFC 6455 wants, "
    "but uvicorn's websockets-sansio protocol logs it with logger.exception: a "
    '"log.level":"error" line with a UnicodeDecodeError traceback for every such frame, so any '
    "client can fill the error log. Reproducer: on a raw socket send the masked text frame "
    'b\'{"action": "ping", "x": "\\xff"}\'.'
)


def test_text_that_is_not_utf8_leaves_no_error_in_the_log(quarantine: LiveService) -> None:
    raw = RawLink(quarantine.port)
    raw.send(fuzz.masked_frame(OP_TEXT, b'{"action": "ping", "x": "\xff"}'))
    assert raw.close_code() == CLOSE_INVALID_PAYLOAD
    raw.disconnected()
    SENT["not_utf8"] += 1
    deadline = time.monotonic() + 2
    while "Invalid UTF-8" not in "\n".join(quarantine.log_lines()) and time.monotonic() < deadline:
        time.sleep(0.05)
    bad = [line for line in quarantine.log_lines() if "Invalid UTF-8" in line]
    assert not bad, bad[0][:300]


POINTER_REASON = (
    "Was a bug: details.pointer was wrong for a field name holding a backtick: msgspec quotes names "
    "in backticks and decode.validation_error cuts the name at the first one. Reproducer: "
    '{"action": "ping", "x`y": 1, "request_id": "bt"} → pointer "/x", not "/x`y".'
)


@pytest.mark.parametrize(
    ("frame", "pointer"),
    [
        ({"action": "ping", "x`y": 1, "request_id": "bt"}, "/x`y"),
        ({"action": "get_order", "payload": {"id": 1, "`": 1}, "request_id": "bt"}, "/payload/`"),
    ],
)
def test_the_pointer_names_a_field_with_a_backtick(
    link: FuzzLink, frame: dict[str, Any], pointer: str
) -> None:
    text = dumps(frame)
    exchange(link, "pointer_backtick", [(text, expected_answer(text, pointer=pointer))])


NEWLINE_REASON = (
    "Was a bug: create_order accepted an amount with a trailing newline. The spec's Money pattern "
    "'^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,2})?$' is ECMA-262 (JSON Schema), where $ ends the input; "
    "msgspec matches it with Python's re.search, where $ also matches before a final newline. "
    'Reproducer: {"action": "create_order", "payload": {"customer": "c", "product": "p", '
    '"quantity": 1, "amount": "1.5\\n"}, "request_id": "nl"} → ack, order (amount "1.50"), event.'
)


def test_an_amount_with_a_trailing_newline_is_refused(link: FuzzLink) -> None:
    frame = {
        "action": "create_order",
        "payload": {"customer": "c", "product": "p", "quantity": 1, "amount": "1.5\n"},
        "request_id": "nl",
    }
    expected = Expected(frozenset({"validation_error"}), "nl", pointer="/payload/amount")
    exchange(link, "amount_newline", [(dumps(frame), expected)])


def test_hostile_since_and_limit_get_what_the_spec_says(link: FuzzLink) -> None:
    texts = fuzz.hostile_stream_texts()
    exchange(link, "stream_bounds", [(text, expected_answer(text)) for text in texts])


@pytest.mark.parametrize("action", ["history", "presence"])
def test_hostile_channel_names_are_refused_and_good_ones_answered(link: FuzzLink, action: str) -> None:
    sent: list[tuple[str | bytes, Expected]] = []
    for number, channel in enumerate(fuzz.HOSTILE_CHANNELS):
        request_id = f"{action}-bad-{number}"
        frame = {"action": action, "payload": {"channel": channel}, "request_id": request_id}
        # Not the oracle: its validator matches patterns with re.search, where "general\n" passes.
        expected = Expected(frozenset({"validation_error"}), request_id, pointer="/payload/channel")
        sent.append((dumps(frame), expected))
    for number, channel in enumerate(("general", "c" * 64, "a.b_c-D9", "nobody-here")):
        text = dumps(
            {"action": action, "payload": {"channel": channel}, "request_id": f"{action}-ok-{number}"}
        )
        expected = expected_answer(text)
        assert expected.accepted, text
        sent.append((text, expected))
    exchange(link, "stream_channels", sent)


# --------------------------------------------------------------------------- the end


def settle(service: LiveService, timeout: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        stats: dict[str, Any] = httpx.get(f"{service.http}/stats", timeout=5).json()
        if stats["total"] == 0 or time.monotonic() > deadline:
            return stats
        time.sleep(0.05)


def test_the_quarantine_service_survived(quarantine: LiveService) -> None:
    assert quarantine.process.poll() is None, "the quarantine service died"
    assert httpx.get(f"{quarantine.http}/health", timeout=5).status_code == 200
    assert settle(quarantine)["total"] == 0, "connections leaked"


def test_over_10000_frames_and_the_service_is_sound(fuzz_service: LiveService, link: FuzzLink) -> None:
    link.close()
    elapsed = time.monotonic() - CLOCK.get("started", time.monotonic())
    total = sum(SENT.values())
    print(f"\nfuzzed {total:,} frames in {elapsed:.1f}s ({total / elapsed:,.0f} frames/s)")
    for category, count in SENT.most_common():
        print(f"  {category:<22} {count:>6,}")
    print(
        f"  + {link.sentinels:,} sentinel pings; {link.received:,} frames received on the main link, "
        f"{link.reconnects} reconnects"
    )
    print("  promised: " + ", ".join(f"{outcome} {count:,}" for outcome, count in OUTCOMES.most_common()))
    print("  mutations: " + ", ".join(f"{kind} {count:,}" for kind, count in MUTATED.most_common()))
    main = sum(count for category, count in SENT.items() if category not in QUARANTINED)
    print(f"  {main:,} of them to the main service, {total - main:,} to the quarantine")
    assert main >= MIN_FRAMES, f"only {main} frames fuzzed against the main service"
    assert set(MUTATED) == set(fuzz.MUTATIONS), f"mutations never tried: {set(fuzz.MUTATIONS) - set(MUTATED)}"

    assert fuzz_service.process.poll() is None, "the service died"
    assert httpx.get(f"{fuzz_service.http}/health", timeout=5).status_code == 200
    stats = settle(fuzz_service)
    assert stats["total"] == 0, f"connections leaked: {stats}"
    log = fuzz_service.log_lines()
    bad = [
        line
        for line in log
        if "Traceback" in line or '"log.level":"error"' in line or "Exception in ASGI application" in line
    ]
    assert not bad, f"{len(bad)} bad log lines, the first: {bad[0][:2000]}"
