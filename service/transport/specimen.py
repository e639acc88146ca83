"""A value valid against a JSON Schema, built from the schema alone (Prism's static generation).

The body of a documented answer that has no example of its own (``service.transport.documented``):
a schema's own ``const``, first ``examples`` entry, ``example``, ``default`` or first ``enum``
value when it has one; otherwise the required properties of an object, one item of an array,
the lowest number the bounds allow, a fixed date-time, a string of the right length. A string
with a ``pattern`` and no example cannot be guessed: that is an error, so the spec must give one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SPECIMEN_DATE_TIME = "2026-01-01T12:00:00.000000Z"
_GIVEN = ("const", "example", "default")


class SpecimenError(ValueError):
    """A schema this module cannot build a value for; the message names where it is."""


def resolved(document: Mapping[str, Any], node: Any) -> Any:
    """``node``, or what its local ``$ref`` points to (following chains of refs)."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise SpecimenError(f"cannot follow $ref {ref!r}")
        seen.add(ref)
        node = document
        for part in ref[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or key not in node:
                raise SpecimenError(f"$ref {ref!r} points nowhere")
            node = node[key]
    return node


def specimen(document: Mapping[str, Any], schema: Any, *, where: str = "") -> Any:
    """A value that ``schema`` (refs resolved in ``document``) accepts; ``where`` names it in errors."""
    schema = resolved(document, schema)
    if not isinstance(schema, Mapping):
        return None  # a boolean schema: ``true`` takes anything
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    for keyword in _GIVEN:
        if keyword in schema:
            return schema[keyword]
    if schema.get("enum"):
        return schema["enum"][0]
    for keyword in ("oneOf", "anyOf"):
        if schema.get(keyword):
            return specimen(document, schema[keyword][0], where=f"{where}/{keyword}/0")
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for n, part in enumerate(schema["allOf"]):
            value = specimen(document, part, where=f"{where}/allOf/{n}")
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = _type_of(schema)
    if kind == "object":
        required = schema.get("required") or []
        properties = schema.get("properties") or {}
        return {
            name: specimen(document, properties.get(name, True), where=f"{where}/properties/{name}")
            for name in required
        }
    if kind == "array":
        item = specimen(document, schema.get("items", True), where=f"{where}/items")
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind in ("integer", "number"):
        return _lowest(schema, kind)
    if kind == "string":
        return _string(schema, where)
    if kind == "boolean":
        return False
    return None


def _type_of(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return str(kinds[0]) if kinds else "null"
    if kind is None:
        if "properties" in schema or "required" in schema:
            return "object"
        if "items" in schema:
            return "array"
    return None if kind is None else str(kind)


def _lowest(schema: Mapping[str, Any], kind: str) -> int | float:
    low: int | float = 0
    if "minimum" in schema:
        low = schema["minimum"]
    elif "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    if "maximum" in schema:
        low = min(low, schema["maximum"])
    return int(low) if kind == "integer" else low


def _string(schema: Mapping[str, Any], where: str) -> str:
    if schema.get("format") == "date-time":
        return SPECIMEN_DATE_TIME
    if "pattern" in schema:
        raise SpecimenError(f"{where or 'the schema'} has a pattern and no example: give it `examples`")
    low = int(schema.get("minLength", 0))
    high = int(schema.get("maxLength", max(low, 6)))
    return ("string" * (low // 6 + 1))[: max(low, min(6, high))]
