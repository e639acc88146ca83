"""The documented answers, read from openapi.yaml: every operation, every status, as written there."""

from __future__ import annotations

import json
from typing import Any

import pytest

from service.transport.documented import DocumentedApi
from service.transport.specimen import SpecimenError
from tools.specs import HTTP_METHODS, load_openapi, openapi_schemas, resolve_pointer

API = DocumentedApi.load()


def concrete(path: str) -> str:
    return path.replace("{id}", "7").replace("{name}", "general")


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, item[method])
        for path, item in load_openapi()["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]


def resolved(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(load_openapi(), node["$ref"])
    return node


@pytest.mark.parametrize(("method", "path", "declared"), operations(), ids=lambda v: str(v)[:30])
def test_every_operation_is_found_with_every_status_it_lists(
    method: str, path: str, declared: dict[str, Any]
) -> None:
    operation = API.operation(method, concrete(path))
    assert operation is not None
    assert (operation.method, operation.path) == (method, path)
    assert sorted(operation.answers) == sorted(int(status) for status in declared["responses"])
    for status, response in declared["responses"].items():
        answer = operation.answers[int(status)]
        media_type, media = next(iter(resolved(response)["content"].items()))
        assert answer.content_type == media_type
        if "json" in media_type:
            body = json.loads(answer.body)
            openapi_schemas().validator_for(media["schema"]).validate(body)
            examples = [resolved(e)["value"] for e in (media.get("examples") or {}).values()]
            if examples:
                assert body == examples[0], f"{method} {path} {status}"


def test_a_503_carries_the_documented_retry_after() -> None:
    operation = API.operation("POST", "/orders")
    assert operation is not None
    answer = operation.answers[503]
    assert dict(answer.headers) == {"Retry-After": "1"}
    assert json.loads(answer.body)["code"] == "storage_unavailable"
    assert operation.statuses() == "201, 400, 413, 415, 503"


def test_a_response_without_an_example_gets_a_body_built_from_its_schema() -> None:
    operation = API.operation("GET", "/specs/openapi.yaml")
    assert operation is not None
    assert operation.answers[200].body == b"{}"
    assert operation.answers[200].content_type == "application/yaml"


def test_paths_and_methods_the_spec_does_not_list_have_no_operation() -> None:
    for method, path in [
        ("GET", "/nowhere"),
        ("DELETE", "/orders/1"),
        ("GET", "/orders/1/status"),
        ("GET", "/orders/"),
        ("GET", "/orders/1/x"),
        ("OPTIONS", "/orders"),
        ("GET", "/ws"),
    ]:
        assert API.operation(method, path) is None, (method, path)


def test_a_literal_path_is_found_before_a_template() -> None:
    document = {
        "paths": {
            "/things/{id}": {"get": {"responses": {"200": {"description": "one", "content": {}}}}},
            "/things/all": {"get": {"responses": {"204": {"description": "all"}}}},
        }
    }
    api = DocumentedApi.from_document(document)
    found = api.operation("GET", "/things/all")
    assert found is not None
    assert (found.path, found.answers[204].body, found.answers[204].content_type) == (
        "/things/all",
        b"",
        None,
    )
    other = api.operation("GET", "/things/9")
    assert other is not None
    assert other.path == "/things/{id}"


def test_a_response_that_cannot_be_answered_is_an_error_at_start_up_naming_it() -> None:
    document = {
        "paths": {
            "/codes": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "a code",
                            "content": {
                                "application/json": {"schema": {"type": "string", "pattern": "^[A-Z]{3}$"}}
                            },
                        }
                    }
                }
            }
        }
    }
    with pytest.raises(SpecimenError, match="GET /codes 200 has a pattern and no example"):
        DocumentedApi.from_document(document)
