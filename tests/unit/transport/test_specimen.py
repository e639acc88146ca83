"""A value built from a schema alone is one the schema accepts, or a clear error."""

from __future__ import annotations

from typing import Any

import pytest

from service.transport.specimen import SPECIMEN_DATE_TIME, SpecimenError, resolved, specimen
from tools.specs import load_openapi, openapi_schemas

NO_DOCUMENT: dict[str, Any] = {}


@pytest.mark.parametrize("name", sorted(load_openapi()["components"]["schemas"]))
def test_every_schema_of_the_spec_gets_a_value_it_accepts_or_names_its_pattern(name: str) -> None:
    document = load_openapi()
    schema = {"$ref": f"#/components/schemas/{name}"}
    target = resolved(document, schema)
    if "pattern" in target and not target.get("examples"):
        with pytest.raises(SpecimenError, match="has a pattern and no example"):
            specimen(document, schema, where=name)
        return
    openapi_schemas().validator_for(schema).validate(specimen(document, schema, where=name))


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"const": "x", "type": "string"}, "x"),
        ({"type": "string", "examples": ["first", "second"], "default": "d"}, "first"),
        ({"type": "string", "default": "d", "enum": ["a", "d"]}, "d"),
        ({"type": "string", "enum": ["a", "b"]}, "a"),
        ({"type": "integer", "minimum": 5, "maximum": 9}, 5),
        ({"type": "integer", "exclusiveMinimum": 5}, 6),
        ({"type": "integer", "maximum": -3}, -3),
        ({"type": "number"}, 0),
        ({"type": "boolean"}, False),
        ({"type": ["string", "null"], "maxLength": 3}, "str"),
        ({"type": "string", "minLength": 8}, "stringst"),
        ({"type": "string", "format": "date-time"}, SPECIMEN_DATE_TIME),
        ({"type": "null"}, None),
        ({"type": "array", "items": {"type": "integer"}, "minItems": 2}, [0, 0]),
        (
            {
                "type": "object",
                "required": ["a"],
                "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
            },
            {"a": 0},
        ),
        ({"oneOf": [{"type": "boolean"}, {"type": "null"}]}, False),
        (
            {"allOf": [{"required": ["a"], "properties": {"a": {"const": 1}}}, {"required": ["b"]}]},
            {"a": 1, "b": None},
        ),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, {}),
        (True, None),
    ],
)
def test_the_value_comes_from_what_the_schema_says_first(schema: Any, value: Any) -> None:
    assert specimen(NO_DOCUMENT, schema) == value


def test_refs_are_followed_and_a_broken_one_is_named() -> None:
    document = {
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "boolean"}}}
    }
    assert resolved(document, {"$ref": "#/components/schemas/A"}) == {"type": "boolean"}
    with pytest.raises(SpecimenError, match="points nowhere"):
        resolved(document, {"$ref": "#/components/schemas/C"})
    with pytest.raises(SpecimenError, match="cannot follow"):
        resolved({"A": {"$ref": "#/A"}}, {"$ref": "#/A"})
    with pytest.raises(SpecimenError, match="cannot follow"):
        resolved(document, {"$ref": "other.yaml#/B"})


def test_a_pattern_without_an_example_cannot_be_guessed() -> None:
    with pytest.raises(SpecimenError, match="/properties/code has a pattern and no example"):
        specimen(
            NO_DOCUMENT,
            {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}},
            },
        )
