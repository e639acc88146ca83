"""Reading ``Prefer`` (RFC 7240): our two preferences among any others, checked against the spec."""

from __future__ import annotations

import pytest

from service import spec
from service.errors import ValidationFailed
from service.transport.preferences import POINTER, Preferences, checked, preference_values


def test_every_preference_is_read_by_its_lower_case_name() -> None:
    assert preference_values(["code=503, delay=200"]) == {"code": "503", "delay": "200"}
    assert preference_values(["Code = 503 ,DELAY=200"]) == {"code": "503", "delay": "200"}
    assert preference_values(["respond-async, return=minimal"]) == {"respond-async": "", "return": "minimal"}


def test_several_prefer_fields_are_one_list_and_the_first_instance_counts() -> None:
    assert preference_values(["code=503", "delay=10, code=404"]) == {"code": "503", "delay": "10"}


def test_quoted_values_are_unquoted_and_parameters_dropped() -> None:
    assert preference_values(['code="503"; ignored=1, wait=5']) == {"code": "503", "wait": "5"}
    assert preference_values(['foo="a, b; c", delay=1']) == {"foo": "a, b; c", "delay": "1"}
    assert preference_values(['foo="say \\"hi\\""']) == {"foo": 'say "hi"'}


def test_empty_elements_and_nameless_ones_are_skipped() -> None:
    assert preference_values([" , ,=5, delay=7"]) == {"delay": "7"}
    assert preference_values([""]) == {}


def test_code_and_delay_within_bounds_are_taken() -> None:
    assert checked({"code": "503", "delay": "0"}) == Preferences(code=503, delay_ms=0)
    assert checked({"delay": str(spec.PREFER_DELAY.high)}) == Preferences(delay_ms=spec.PREFER_DELAY.high)
    assert checked({"code": "100"}) == Preferences(code=100)
    assert checked({}) == Preferences()


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"code": "abc"}, "code must be an HTTP status"),
        ({"code": ""}, "code must be an HTTP status"),
        ({"code": "99"}, "code must be an HTTP status"),
        ({"code": "600"}, "code must be an HTTP status"),
        ({"code": "5030"}, "code must be an HTTP status"),
        ({"delay": "-1"}, "delay must be whole milliseconds from 0 to 30000"),
        ({"delay": "30001"}, "delay must be whole milliseconds from 0 to 30000"),
        ({"delay": "1.5"}, "delay must be whole milliseconds"),
        ({"delay": "9" * 5000}, "delay must be whole milliseconds"),
        ({"delay": "١٢"}, "delay must be whole milliseconds"),
    ],
)
def test_a_malformed_code_or_delay_is_refused_at_the_header(values: dict[str, str], words: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        checked(values)
    assert caught.value.pointer == POINTER == "/header/Prefer"
    assert words in caught.value.message
    assert len(caught.value.message) < 200


def test_what_was_applied_is_named_for_the_header_and_the_record() -> None:
    both = Preferences(code=503, delay_ms=200)
    assert both.header() == "code=503, delay=200"
    assert both.applied() == {"code": 503, "delay": 200}
    assert Preferences(delay_ms=0).header() == "delay=0"
    assert Preferences(code=201).applied() == {"code": 201}
