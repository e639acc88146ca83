"""Every error code of the error tree is one the specs name, on the transports that carry it."""

from __future__ import annotations

import pytest

from service import errors
from tests.support.specs import load_asyncapi, load_openapi

WS_CODES = set(load_asyncapi()["components"]["schemas"]["ErrorCode"]["enum"])
REST_CODES = set(load_openapi()["components"]["schemas"]["Problem"]["properties"]["code"]["enum"])
WS_ONLY = {errors.InvalidFrame, errors.UnknownAction, errors.RateLimited}
REST_ONLY = {errors.UnsupportedMediaType, errors.UpgradeRequired, errors.TraceNotFound}


def error_classes() -> list[type[errors.ServiceError]]:
    found: list[type[errors.ServiceError]] = [errors.ServiceError]
    for cls in found:
        found.extend(cls.__subclasses__())
    # A refused handshake takes its code per refusal (ws.py), always a REST problem code.
    return [cls for cls in found if cls is not errors.HandshakeRefused]


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_the_code_is_in_the_spec_of_every_transport_that_sends_it(cls: type[errors.ServiceError]) -> None:
    if cls not in REST_ONLY:
        assert cls.code in WS_CODES, f"{cls.__name__}.code {cls.code!r} is not an ErrorCode of asyncapi.yaml"
    if cls not in WS_ONLY:
        assert cls.code in REST_CODES, (
            f"{cls.__name__}.code {cls.code!r} is not a Problem.code of openapi.yaml"
        )


def test_the_store_outage_carries_the_headers_the_spec_documents_for_it() -> None:
    document = load_openapi()
    documented = document["components"]["responses"]["StorageUnavailable"]["headers"]
    assert set(errors.StorageUnavailable.headers) == set(documented)
    retry_after = int(errors.StorageUnavailable.headers["Retry-After"])
    assert retry_after >= document["components"]["headers"]["RetryAfter"]["schema"]["minimum"]
    assert retry_after == errors.RETRY_AFTER_SECONDS
