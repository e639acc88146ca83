"""The order status machine, exhaustively."""

from __future__ import annotations

import itertools

import pytest

from service.errors import InvalidTransition
from service.orders.model import OrderStatus as S
from service.orders.status import check_transition, sources_of

LEGAL = {
    (S.CREATED, S.PAID),
    (S.CREATED, S.CANCELLED),
    (S.PAID, S.SHIPPED),
    (S.PAID, S.CANCELLED),
    (S.SHIPPED, S.DELIVERED),
}


@pytest.mark.parametrize(("current", "requested"), list(itertools.product(S, S)))
def test_exactly_the_contract_transitions_are_allowed(current: S, requested: S) -> None:
    if (current, requested) in LEGAL:
        check_transition(1, current, requested)
    else:
        with pytest.raises(InvalidTransition) as caught:
            check_transition(1, current, requested)
        assert caught.value.details is not None
        assert caught.value.details["from"] == current.value
        assert caught.value.details["to"] == requested.value


def test_sources_are_the_inverse_of_the_machine() -> None:
    assert set(sources_of(S.CANCELLED)) == {S.CREATED, S.PAID}
    assert sources_of(S.CREATED) == ()
