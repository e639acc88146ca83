"""The handshake's subprotocol: ``qakit.v1`` when offered, none otherwise, never a refusal."""

from __future__ import annotations

import pytest

from service import spec
from service.transport.subprotocol import chosen_subprotocol


def test_the_contract_names_one_subprotocol() -> None:
    assert frozenset({"qakit.v1"}) == spec.SUBPROTOCOLS


@pytest.mark.parametrize(
    "offered", [["qakit.v1"], ["chat", "qakit.v1"], ["qakit.v1", "chat"]], ids=["alone", "second", "first"]
)
def test_an_offered_qakit_v1_is_chosen_wherever_it_stands(offered: list[str]) -> None:
    assert chosen_subprotocol(offered) == "qakit.v1"


@pytest.mark.parametrize(
    "offered", [[], ["chat"], ["QAKIT.V1"], ["qakit.v2", "mqtt"]], ids=["none", "unknown", "case", "others"]
)
def test_without_qakit_v1_among_the_offers_none_is_chosen(offered: list[str]) -> None:
    assert chosen_subprotocol(offered) is None
