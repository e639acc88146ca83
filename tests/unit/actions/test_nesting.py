"""How deeply client JSON nests: read from the text, and the pointer past the limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generated import ws_messages as wire
from service.actions.nesting import nests_deeper, too_deep_at


def objects(levels: int) -> Any:
    """``levels`` objects, each inside the one before: ``objects(2) == {"a": {"a": 0}}``."""
    value: Any = 0
    for _ in range(levels):
        value = {"a": value}
    return value


def arrays(levels: int) -> Any:
    value: Any = []
    for _ in range(levels - 1):
        value = [value]
    return value


def depth(value: Any) -> int:
    if isinstance(value, dict | list):
        children = value.values() if isinstance(value, dict) else value
        return 1 + max((depth(child) for child in children), default=0)
    return 0


@pytest.mark.parametrize("make", [objects, arrays])
@pytest.mark.parametrize("as_bytes", [False, True])
def test_the_limit_itself_is_allowed_and_one_level_more_is_not(make: Any, as_bytes: bool) -> None:
    def text(value: Any) -> str | bytes:
        dumped = json.dumps(value, separators=(",", ":"))
        return dumped.encode() if as_bytes else dumped

    assert not nests_deeper(text(make(64)), 64)
    assert nests_deeper(text(make(65)), 64)
    assert too_deep_at(make(64), 64) is None
    steps = too_deep_at(make(65), 64)
    assert steps == (["a"] * 64 if make is objects else ["0"] * 64)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"s": "[" * 300, "t": "]" * 300, "n": [1]}),  # brackets in strings are not nesting
        json.dumps({"s": '\\"[[[[' * 100, "t": '"]' * 100, "u": "\\" * 7}),  # escaped quotes and backslashes
        json.dumps({"items": [{"id": n, "tags": ["a", [n]]} for n in range(300)]}),  # wide, not deep
    ],
)
def test_what_only_looks_deep_is_judged_by_its_structure(text: str) -> None:
    levels = depth(json.loads(text))
    assert levels <= 5
    for limit in range(1, 7):
        assert nests_deeper(text, limit) == (levels > limit), limit


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\a', max_size=4), inner)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=json_values, limit=st.integers(min_value=1, max_value=6))
def test_the_text_says_what_the_value_says(value: Any, limit: int) -> None:
    # Short texts are ruled out by their length alone; pad so that the passes run too.
    text = json.dumps(value) + " " * (2 * limit + 2)
    assert nests_deeper(text, limit) == (depth(value) > limit)
    assert (too_deep_at(value, limit) is not None) == (depth(value) > limit)


def test_the_first_object_or_array_past_the_limit_is_named_in_document_order() -> None:
    frame = {"action": "echo", "payload": {"flat": [1, {"b": 2}], "deep": [[[]], {"x": [[]]}]}}
    assert too_deep_at(frame, 4) == ["payload", "deep", "0", "0"]
    assert too_deep_at(frame, 5) == ["payload", "deep", "1", "x", "0"]
    assert too_deep_at(frame, 6) is None
    assert too_deep_at("text", 1) is None
    assert too_deep_at({"a": [1, 2]}, 1) == ["a"]


def test_a_decoded_struct_is_an_object_named_by_its_wire_fields() -> None:
    request = wire.EchoRequest(payload={"a": [[1]]}, request_id="r")
    assert too_deep_at(request, 3) == ["payload", "a", "0"]
    assert too_deep_at(request, 4) is None


def test_the_echo_fast_path_is_ruled_out_by_its_length() -> None:
    assert not nests_deeper('{"action":"echo","payload":{"text":"hello"},"request_id":"c12-345"}', 64)
