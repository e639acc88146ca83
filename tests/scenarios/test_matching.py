"""The matching rules of scenarios (``match``, ``frame``) and their ``${name}`` values."""

from __future__ import annotations

import pytest

from tools.scenarios.matching import StandIns, mismatches
from tools.scenarios.variables import CaptureError, UnknownVariable, Variables


def problems(
    expected: object, actual: object, *, exact: bool = False, stand_ins: StandIns | None = None
) -> list[str]:
    return [str(m) for m in mismatches(expected, actual, exact=exact, stand_ins=stand_ins or StandIns())]


def test_match_is_a_subset_at_every_depth_and_frame_is_the_whole_frame() -> None:
    frame = {"type": "echo", "data": {"text": "hi", "n": 1}}
    assert problems({"data": {"text": "hi"}}, frame) == []
    assert problems({"data": {"text": "hi"}}, frame, exact=True) == [
        "at /data/n: not expected: 1",
        'at /type: not expected: "echo"',
    ]
    assert problems({"data": {"missing": 1}}, frame) == ["at /data/missing: missing (expected 1)"]


def test_lists_match_item_by_item_with_the_same_length() -> None:
    assert problems({"xs": [{"id": 1}]}, {"xs": [{"id": 1, "more": True}]}) == []
    assert problems({"xs": [1]}, {"xs": [1, 2]}) == ["at /xs: expected 1 items, arrived 2: [1, 2]"]


def test_a_number_is_never_a_boolean() -> None:
    assert problems({"n": 1}, {"n": 1.0}) == []
    assert problems({"n": 1}, {"n": True}) == ["at /n: expected 1, arrived true"]


def test_timestamps_match_any_date_time_and_nothing_else() -> None:
    assert problems({"ts": "2026-01-01T00:00:00Z"}, {"ts": "2031-05-05T10:00:00.5+03:00"}) == []
    assert problems({"ts": "2026-01-01T00:00:00Z"}, {"ts": "yesterday"}) == [
        'at /ts: not an RFC 3339 date-time; arrived "yesterday"'
    ]


def test_an_epoch_stands_for_one_value_throughout_a_scenario() -> None:
    stand_ins = StandIns()
    assert problems({"epoch": "aaaaaaaaaaaa"}, {"epoch": "0123456789ab"}, stand_ins=stand_ins) == []
    assert problems({"epoch": "aaaaaaaaaaaa"}, {"epoch": "0123456789ab"}, stand_ins=stand_ins) == []
    assert problems({"epoch": "aaaaaaaaaaaa"}, {"epoch": "ffffffffffff"}, stand_ins=stand_ins) == [
        "at /epoch: 'aaaaaaaaaaaa' stood for '0123456789ab' before, not 'ffffffffffff'; arrived \"ffffffffffff\""
    ]
    assert problems({"epoch": "bbbbbbbbbbbb"}, {"epoch": "0123456789ab"}, stand_ins=stand_ins) == [
        "at /epoch: '0123456789ab' arrived for 'aaaaaaaaaaaa' before, so it cannot also stand for "
        "'bbbbbbbbbbbb'; arrived \"0123456789ab\""
    ]


def test_a_whole_reference_keeps_the_captured_type_and_a_partial_one_is_text() -> None:
    variables = Variables()
    variables.capture({"order_id": "data.0.id"}, {"data": [{"id": 7}]})
    assert variables.substituted({"id": "${order_id}", "rid": "r-${order_id}", "k-${order_id}": "$${x}"}) == {
        "id": 7,
        "rid": "r-7",
        "k-7": "${x}",
    }
    assert len(variables.substituted("${run}")) == 8
    with pytest.raises(UnknownVariable, match="has not been captured"):
        variables.substituted("${nope}")
    with pytest.raises(CaptureError, match="leads nowhere"):
        variables.capture({"x": "data.5"}, {"data": []})
