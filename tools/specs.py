"""The two API documents of the service as executable contracts.

``api_specs/asyncapi.yaml`` (the WebSocket frames and the Kafka event records) and
``api_specs/openapi.yaml`` (the REST API) are loaded once and turned into JSON Schema
Draft 2020-12 validators. A ``referencing`` registry holds each whole document, so every
``$ref: '#/components/schemas/...'`` resolves against the document it was written in.

* `FrameContract` (`frame_contract()` gives a cached one) checks WebSocket frames and event
  records: ``check_server_frame``, ``check_client_frame``, ``check_event_record``. A frame that
  does not conform raises `FrameContractError`, an ``AssertionError`` whose message names the
  JSON pointer of every failing location (``/data/0/status``), the validator's message and
  the frame itself.
* `openapi_schema`, `openapi_validator` and `check_openapi_schema` do the same for the REST
  bodies, by OpenAPI component schema name; `openapi_schemas().validator_for(schema)` takes an
  inline schema of the document.
* `asyncapi_examples`, `asyncapi_schema_examples` and `openapi_examples` walk every example of
  the documents, so a test can check each one against its schema.

``format: date-time`` is really checked: jsonschema checks it only when ``rfc3339-validator``
is importable, and `format_checker` registers `is_rfc3339_date_time` when it is not.

The loaded documents are shared and cached: treat them as read-only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeAlias, cast

import yaml
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import best_match, relevance  # type: ignore[import-untyped, unused-ignore]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "ASYNCAPI_PATH",
    "OPENAPI_PATH",
    "ContractError",
    "Discriminator",
    "FrameContract",
    "FrameContractError",
    "MessageExample",
    "SchemaExample",
    "SchemaSet",
    "SpecError",
    "Violation",
    "asyncapi_examples",
    "asyncapi_schema_examples",
    "check_openapi_schema",
    "ensure_date_time",
    "format_checker",
    "frame_contract",
    "is_rfc3339_date_time",
    "json_pointer",
    "load_asyncapi",
    "load_openapi",
    "normalized_schema",
    "openapi_examples",
    "openapi_schema",
    "openapi_schemas",
    "openapi_validator",
    "resolve_pointer",
]

ROOT = Path(__file__).resolve().parents[1]
SPECS_DIR = ROOT / "api_specs"
ASYNCAPI_PATH = SPECS_DIR / "asyncapi.yaml"
OPENAPI_PATH = SPECS_DIR / "openapi.yaml"

Document: TypeAlias = dict[str, Any]
Schema: TypeAlias = Mapping[str, Any]
#: A ``jsonschema`` validator (``Draft202012Validator``); jsonschema ships no type hints.
Validator: TypeAlias = Any
FrameKind: TypeAlias = Literal["server", "client", "event_record"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMAS_POINTER = "/components/schemas"


class SpecError(Exception):
    """A spec that this module cannot make sense of (a broken ``$ref``, a malformed union)."""


class ContractError(AssertionError):
    """An instance (frame, record, body) that does not conform to its schema in the specs.

    ``pointers`` holds the JSON pointer of every failing location in the instance, in the
    order they appear in the message (``""`` is the instance as a whole).
    """

    def __init__(self, message: str, *, pointers: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.pointers = pointers


class FrameContractError(ContractError):
    """A WebSocket frame or an event record that does not conform to asyncapi.yaml."""


# --------------------------------------------------------------------------- loading


class JsonLikeLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves unquoted timestamps as strings, as a JSON client sees them."""


JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(path: Path) -> Document:
    with path.open(encoding="utf-8") as stream:
        loaded = yaml.load(stream, Loader=JsonLikeLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(loaded, dict):
        raise SpecError(f"{path} is not a YAML mapping")
    return cast(Document, loaded)


@cache
def load_asyncapi() -> Document:
    """``api_specs/asyncapi.yaml``, parsed once (read-only: it is shared)."""
    return _load_yaml(ASYNCAPI_PATH)


@cache
def load_openapi() -> Document:
    """``api_specs/openapi.yaml``, parsed once (read-only: it is shared)."""
    return _load_yaml(OPENAPI_PATH)


# --------------------------------------------------------------------------- pointers


def json_pointer(path: Iterable[str | int]) -> str:
    """The RFC 6901 JSON pointer of ``path`` (``""`` for the document itself)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _pointer_parts(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise SpecError(f"not a JSON pointer: {pointer!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` (``/components/schemas/Order``, or ``#/...``) in ``document``."""
    pointer = pointer.removeprefix("#")
    node = document
    for part in _pointer_parts(pointer):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise SpecError(f"{pointer!r} does not resolve: no {part!r}")
    return node


def _resolve_local_ref(document: Document, node: Any) -> Any:
    """``node``, or what its local ``$ref`` points to (following chains of refs)."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SpecError(f"only local refs are supported, not {ref!r}")
        if ref in seen:
            raise SpecError(f"circular $ref {ref!r}")
        seen.add(ref)
        node = resolve_pointer(document, ref)
    return node


# --------------------------------------------------------------------------- formats

_RFC3339_DATE_TIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]"
    r"(?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?P<fraction>\.[0-9]+)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def is_rfc3339_date_time(value: object) -> bool:
    """Whether ``value`` is an RFC 3339 ``date-time``: full date, time and a required offset.

    ``2026-01-01T12:00:00.000000Z`` and ``2026-01-01T15:00:00+03:00`` pass;
    ``2026-01-01T12:00:00`` (no offset), ``2026-01-01`` and ``2026-02-30T00:00:00Z`` do not.
    A leap second (``:60``) is refused, as ``datetime`` cannot hold it. Anything but a string
    passes: in JSON Schema a format constrains strings only.
    """
    if not isinstance(value, str):
        return True
    match = _RFC3339_DATE_TIME.fullmatch(value)
    if match is None:
        return False
    offset = match["offset"]
    if offset in ("Z", "z"):
        offset = "+00:00"
    # datetime holds microseconds: keep at most six digits of the fraction.
    fraction = (match["fraction"] or "")[:7]
    try:
        parsed = datetime.fromisoformat(f"{match['date']}T{match['time']}{fraction}{offset}")
    except ValueError:
        return False
    return parsed.tzinfo is not None


def ensure_date_time(checker: Any) -> Any:
    """``checker`` (a ``jsonschema.FormatChecker``), made to check ``date-time`` if it does not.

    jsonschema registers ``date-time`` only when ``rfc3339-validator`` is installed; without it
    the format would silently pass anything. `is_rfc3339_date_time` stands in then.
    """
    if "date-time" not in checker.checkers:
        checker.checks("date-time")(is_rfc3339_date_time)
    return checker


@cache
def format_checker() -> Any:
    """The ``jsonschema.FormatChecker`` of every validator here; it always checks ``date-time``."""
    return ensure_date_time(FormatChecker())


# --------------------------------------------------------------------------- errors


class Violation(NamedTuple):
    """One failing location of an instance."""

    pointer: str
    message: str
    schema_path: str


def _explain(error: Any) -> list[Violation]:
    """The violations one (leaf) ``ValidationError`` stands for, each at its own pointer."""
    path = list(error.absolute_path)
    schema_path = "/".join(str(part) for part in error.absolute_schema_path)
    instance = error.instance
    if error.validator == "required" and isinstance(instance, Mapping):
        missing = [name for name in error.validator_value if name not in instance]
        return [
            Violation(json_pointer([*path, name]), f"{name!r} is a required property (missing)", schema_path)
            for name in missing
        ]
    if (
        error.validator == "additionalProperties"
        and error.validator_value is False
        and isinstance(instance, Mapping)
    ):
        properties = error.schema.get("properties", {})
        patterns = error.schema.get("patternProperties", {})
        extra = [
            name
            for name in instance
            if name not in properties and not any(re.search(p, name) for p in patterns)
        ]
        return [
            Violation(
                json_pointer([*path, name]),
                f"{name!r} is not allowed here (additionalProperties: false)",
                schema_path,
            )
            for name in extra
        ]
    return [Violation(json_pointer(path), error.message, schema_path)]


def _violations(errors: Iterable[Any]) -> list[Violation]:
    found: list[Violation] = []
    for error in sorted(errors, key=relevance, reverse=True):
        # For oneOf/anyOf, best_match descends to the deepest, most specific error.
        found.extend(_explain(best_match([error])))
    unique: dict[tuple[str, str], Violation] = {}
    for violation in found:
        unique.setdefault((violation.pointer, violation.message), violation)
    return list(unique.values())


_MAX_SHOWN = 4000


def _show(instance: object) -> str:
    try:
        text = json.dumps(instance, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        text = repr(instance)
    if len(text) > _MAX_SHOWN:
        text = f"{text[:_MAX_SHOWN]}… ({len(text)} characters in all)"
    return text


def _shown_pointer(pointer: str) -> str:
    return pointer if pointer else '"" (the whole instance)'


def _contract_error(
    cls: type[ContractError], what: str, against: str, violations: list[Violation], instance: object
) -> ContractError:
    lines = [f"{what} does not conform to {against}:"]
    for violation in violations:
        lines.append(
            f"  at {_shown_pointer(violation.pointer)}: {violation.message}"
            + (f"  [schema: {violation.schema_path}]" if violation.schema_path else "")
        )
    lines.append(f"{what}: {_show(instance)}")
    return cls("\n".join(lines), pointers=tuple(v.pointer for v in violations))


# --------------------------------------------------------------------------- schema sets


def _absolutize_refs(node: Any, base_uri: str) -> Any:
    """A copy of ``node`` in which every local ``$ref`` ('#/...') names ``base_uri``."""
    if isinstance(node, Mapping):
        copied = {key: _absolutize_refs(value, base_uri) for key, value in node.items()}
        ref = copied.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            copied["$ref"] = base_uri + ref
        return copied
    if isinstance(node, list):
        return [_absolutize_refs(item, base_uri) for item in node]
    return node


class SchemaSet:
    """Draft 2020-12 validators for the schemas of one whole document (AsyncAPI or OpenAPI)."""

    def __init__(self, document: Document, base_uri: str, label: str) -> None:
        self.document = document
        self.base_uri = base_uri
        self.label = label
        resource: Resource[Any] = DRAFT202012.create_resource(document)
        self.registry: Registry[Any] = Registry().with_resource(base_uri, resource)
        self._validators: dict[str, Validator] = {}

    def names(self) -> list[str]:
        """The names of the component schemas."""
        return list(resolve_pointer(self.document, SCHEMAS_POINTER))

    def schema(self, name: str) -> Schema:
        """The component schema ``name`` as written (its refs are not resolved)."""
        schemas = resolve_pointer(self.document, SCHEMAS_POINTER)
        if name not in schemas:
            raise KeyError(f"{self.label} has no components/schemas/{name}; it has {sorted(schemas)}")
        return cast(Schema, schemas[name])

    def resolve(self, node: Any) -> Any:
        """``node``, or the schema its local ``$ref`` points to."""
        return _resolve_local_ref(self.document, node)

    def validator_at(self, pointer: str) -> Validator:
        """A validator for the schema at ``pointer`` (``/components/schemas/Order``) of the document."""
        pointer = pointer.removeprefix("#")
        validator = self._validators.get(pointer)
        if validator is None:
            resolve_pointer(self.document, pointer)  # fail early, and clearly, on a wrong pointer
            validator = Draft202012Validator(
                {"$ref": f"{self.base_uri}#{pointer}"},
                registry=self.registry,
                format_checker=format_checker(),
            )
            self._validators[pointer] = validator
        return validator

    def validator(self, name: str) -> Validator:
        """A validator for the component schema ``name``."""
        self.schema(name)
        return self.validator_at(f"{SCHEMAS_POINTER}/{json_pointer([name])[1:]}")

    def validator_for(self, schema: Schema) -> Validator:
        """A validator for ``schema``, a schema taken from this document (local refs resolve here)."""
        return Draft202012Validator(
            _absolutize_refs(schema, self.base_uri),
            registry=self.registry,
            format_checker=format_checker(),
        )

    def violations(self, validator: Validator, instance: object) -> list[Violation]:
        """Every failing location of ``instance`` under ``validator`` (empty when it conforms)."""
        return _violations(validator.iter_errors(instance))

    def check(
        self,
        name: str,
        instance: object,
        *,
        what: str = "instance",
        error: type[ContractError] = ContractError,
    ) -> None:
        """Raise ``error`` unless ``instance`` conforms to the component schema ``name``."""
        found = self.violations(self.validator(name), instance)
        if found:
            raise _contract_error(error, what, f"{self.label} #{SCHEMAS_POINTER}/{name}", found, instance)

    def check_against(
        self,
        schema: Schema,
        instance: object,
        *,
        what: str = "instance",
        against: str = "its schema",
        error: type[ContractError] = ContractError,
    ) -> None:
        """Raise ``error`` unless ``instance`` conforms to ``schema`` (a schema of this document)."""
        found = self.violations(self.validator_for(schema), instance)
        if found:
            raise _contract_error(error, what, f"{self.label} {against}", found, instance)


# --------------------------------------------------------------------------- frames


@dataclass(frozen=True)
class Discriminator:
    """How a ``oneOf`` union of the AsyncAPI document is told apart.

    ``mapping`` (value → ``#/components/schemas/...``) is the one in use: the declared
    OpenAPI-style ``discriminator.mapping`` when the spec has one, otherwise ``branch_mapping``,
    which is derived from the ``const`` of ``property`` in each ``oneOf`` branch (the AsyncAPI 3
    form, where ``discriminator`` is just the property name).
    """

    union: str
    property: str
    mapping: Mapping[str, str]
    declared_mapping: Mapping[str, str] | None
    branch_mapping: Mapping[str, str]

    @classmethod
    def of(cls, schemas: SchemaSet, union: str) -> Discriminator:
        schema = schemas.schema(union)
        raw = schema.get("discriminator")
        declared: dict[str, str] | None = None
        if isinstance(raw, str):
            prop = raw
        elif isinstance(raw, Mapping) and isinstance(raw.get("propertyName"), str):
            prop = raw["propertyName"]
            if raw.get("mapping"):
                declared = {
                    str(value): (ref if ref.startswith("#") else f"#{SCHEMAS_POINTER}/{ref}")
                    for value, ref in raw["mapping"].items()
                }
        else:
            raise SpecError(f"components/schemas/{union} has no usable discriminator: {raw!r}")
        branches: dict[str, str] = {}
        for branch in schema.get("oneOf", []):
            ref = branch.get("$ref") if isinstance(branch, Mapping) else None
            if not isinstance(ref, str):
                raise SpecError(f"components/schemas/{union}: every oneOf branch must be a $ref")
            target = schemas.resolve(branch)
            tag = schemas.resolve(target.get("properties", {}).get(prop, {}))
            if "const" in tag:
                value = tag["const"]
            elif isinstance(tag.get("enum"), list) and len(tag["enum"]) == 1:
                value = tag["enum"][0]
            else:
                raise SpecError(f"{ref}: property {prop!r} has no const, so it cannot discriminate")
            if value in branches:
                raise SpecError(f"components/schemas/{union}: {prop} {value!r} names two branches")
            branches[str(value)] = ref
        if not branches:
            raise SpecError(f"components/schemas/{union} has no oneOf branches")
        return cls(
            union=union,
            property=prop,
            mapping=declared if declared is not None else branches,
            declared_mapping=declared,
            branch_mapping=branches,
        )


class FrameContract:
    """The frames of asyncapi.yaml: every server frame, client frame and event record."""

    SERVER_UNION = "ServerFrame"
    CLIENT_UNION = "ClientFrame"
    EVENT_RECORD = "EventRecord"

    def __init__(self, document: Document | None = None) -> None:
        doc = load_asyncapi() if document is None else document
        self.schemas = SchemaSet(doc, ASYNCAPI_PATH.as_uri(), "asyncapi.yaml")
        self.server = Discriminator.of(self.schemas, self.SERVER_UNION)
        self.client = Discriminator.of(self.schemas, self.CLIENT_UNION)

    @classmethod
    def load(cls) -> FrameContract:
        """The contract of ``api_specs/asyncapi.yaml``, built once and shared (`frame_contract`)."""
        return frame_contract()

    # -- the three kinds of instance

    def check_server_frame(self, frame: object) -> None:
        """Raise `FrameContractError` unless ``frame`` is a valid server frame (chosen by ``type``)."""
        self._check_union(self.server, frame, "server frame")

    def check_client_frame(self, frame: object) -> None:
        """Raise `FrameContractError` unless ``frame`` is a valid client frame (chosen by ``action``)."""
        self._check_union(self.client, frame, "client frame")

    def check_event_record(self, record: object) -> None:
        """Raise `FrameContractError` unless ``record`` is a valid event record (``ws_events``)."""
        self.schemas.check(self.EVENT_RECORD, record, what="event record", error=FrameContractError)

    # -- messages

    def message_payload_ref(self, message: str) -> str:
        """The ``$ref`` of the payload schema of ``components/messages/<message>``."""
        messages = resolve_pointer(self.schemas.document, "/components/messages")
        if message not in messages:
            raise KeyError(f"asyncapi.yaml has no components/messages/{message}")
        payload = self.schemas.resolve(messages[message]).get("payload")
        if not isinstance(payload, Mapping) or not isinstance(payload.get("$ref"), str):
            raise SpecError(f"components/messages/{message}: payload is not a $ref to a component schema")
        return cast(str, payload["$ref"])

    def message_kind(self, message: str) -> FrameKind:
        """Whether ``message`` is a server frame, a client frame or an event record."""
        ref = self.message_payload_ref(message)
        if ref in self.server.mapping.values():
            return "server"
        if ref in self.client.mapping.values():
            return "client"
        if ref == f"#{SCHEMAS_POINTER}/{self.EVENT_RECORD}":
            return "event_record"
        raise SpecError(f"components/messages/{message}: payload {ref} is in no union and is no EventRecord")

    def check_message(self, message: str, payload: object) -> None:
        """Check ``payload`` as an instance of ``components/messages/<message>``.

        The frame is checked as any frame of its kind, and its discriminator must also pick
        that message's own payload schema (a `step` frame is no valid `ack` message).
        """
        kind = self.message_kind(message)
        if kind == "event_record":
            self.check_event_record(payload)
            return
        union = self.server if kind == "server" else self.client
        self._check_union(union, payload, f"{kind} frame")
        expected = self.message_payload_ref(message)
        chosen = union.mapping[str(cast(Mapping[str, Any], payload)[union.property])]
        if chosen != expected:
            pointer = json_pointer([union.property])
            raise _contract_error(
                FrameContractError,
                f"{kind} frame",
                f"components/messages/{message}",
                [Violation(pointer, f"selects {chosen}, but the message's payload is {expected}", "")],
                payload,
            )

    def schema_ref_for(self, union: Discriminator, frame: object) -> str:
        """The ``$ref`` of the schema that ``frame``'s discriminator selects in ``union``."""
        if not isinstance(frame, Mapping):
            raise _contract_error(
                FrameContractError,
                "frame",
                f"asyncapi.yaml #{SCHEMAS_POINTER}/{union.union}",
                [Violation("", f"a frame is a JSON object, not {type(frame).__name__}", "")],
                frame,
            )
        pointer = json_pointer([union.property])
        if union.property not in frame:
            message = f"{union.property!r} is a required property (missing); it selects the frame's schema"
        else:
            value = frame[union.property]
            if isinstance(value, str) and value in union.mapping:
                return union.mapping[value]
            message = f"unknown {union.property} {value!r}; the spec knows {sorted(union.mapping)}"
        raise _contract_error(
            FrameContractError,
            "frame",
            f"asyncapi.yaml #{SCHEMAS_POINTER}/{union.union}",
            [Violation(pointer, message, f"discriminator/{union.property}")],
            frame,
        )

    def _check_union(self, union: Discriminator, frame: object, kind: str) -> None:
        ref = self.schema_ref_for(union, frame)
        found = self.schemas.violations(self.schemas.validator_at(ref), frame)
        if found:
            value = cast(Mapping[str, Any], frame)[union.property]
            raise _contract_error(
                FrameContractError,
                f"{kind} ({union.property} {value!r})",
                f"asyncapi.yaml {ref}",
                found,
                frame,
            )


@cache
def frame_contract() -> FrameContract:
    """The `FrameContract` of ``api_specs/asyncapi.yaml``, built once."""
    return FrameContract()


# --------------------------------------------------------------------------- OpenAPI


@cache
def openapi_schemas() -> SchemaSet:
    """The validators of ``api_specs/openapi.yaml``, built once."""
    return SchemaSet(load_openapi(), OPENAPI_PATH.as_uri(), "openapi.yaml")


def openapi_schema(name: str) -> Schema:
    """The OpenAPI component schema ``name``, as written."""
    return openapi_schemas().schema(name)


def openapi_validator(name: str) -> Validator:
    """A Draft 2020-12 validator for the OpenAPI component schema ``name``."""
    return openapi_schemas().validator(name)


def check_openapi_schema(name: str, instance: object, *, what: str = "body") -> None:
    """Raise `ContractError` unless ``instance`` conforms to the OpenAPI component schema ``name``."""
    openapi_schemas().check(name, instance, what=what)


# --------------------------------------------------------------------------- examples


class MessageExample(NamedTuple):
    """One example of ``components/messages/<message>`` in asyncapi.yaml."""

    message: str
    name: str
    payload: Any


class SchemaExample(NamedTuple):
    """One example of a document: where it is (a JSON pointer), its value and its schema."""

    location: str
    value: Any
    schema: Schema


def asyncapi_examples(document: Document | None = None) -> Iterator[MessageExample]:
    """Every example payload of every message in ``components/messages``."""
    doc = load_asyncapi() if document is None else document
    for message_name, message in doc.get("components", {}).get("messages", {}).items():
        resolved = _resolve_local_ref(doc, message)
        for index, example in enumerate(resolved.get("examples") or []):
            if isinstance(example, Mapping) and "payload" in example:
                name = str(example.get("name") or f"#{index}")
                yield MessageExample(message_name, name, example["payload"])


_SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _subschemas(schema: Schema) -> Iterator[tuple[str, Any]]:
    """Each inline subschema of ``schema`` with its pointer relative to ``schema``."""
    for keyword in _SCHEMA_MAP_KEYWORDS:
        for name, sub in (schema.get(keyword) or {}).items():
            yield json_pointer([keyword, name]), sub
    for keyword in _SCHEMA_KEYWORDS:
        sub = schema.get(keyword)
        if isinstance(sub, Mapping):
            yield json_pointer([keyword]), sub
        elif isinstance(sub, list):  # draft-07 tuple form of items
            for index, item in enumerate(sub):
                yield json_pointer([keyword, index]), item
    for keyword in _SCHEMA_LIST_KEYWORDS:
        for index, sub in enumerate(schema.get(keyword) or []):
            yield json_pointer([keyword, index]), sub


def _schema_examples(schema: Any, pointer: str) -> Iterator[SchemaExample]:
    """``examples``/``example`` written inside ``schema`` itself or any of its inline subschemas."""
    if not isinstance(schema, Mapping):
        return
    if isinstance(schema.get("examples"), list):
        for index, value in enumerate(schema["examples"]):
            yield SchemaExample(f"{pointer}/examples/{index}", value, schema)
    if "example" in schema:
        yield SchemaExample(f"{pointer}/example", schema["example"], schema)
    for sub_pointer, sub in _subschemas(schema):
        yield from _schema_examples(sub, pointer + sub_pointer)


def asyncapi_schema_examples(document: Document | None = None) -> Iterator[SchemaExample]:
    """Every ``examples`` value written in a schema of ``components/schemas`` of asyncapi.yaml."""
    doc = load_asyncapi() if document is None else document
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        yield from _schema_examples(schema, f"#{SCHEMAS_POINTER}/{json_pointer([name])[1:]}")


def _example_objects(
    doc: Document, holder: Mapping[str, Any], pointer: str, schema: Any
) -> Iterator[SchemaExample]:
    """The ``example`` and ``examples`` of a media type, parameter or header object.

    An example given by ``$ref`` (``#/components/examples/Order``) is located where its value
    is written, and checked against the schema of every place that uses it.
    """
    if not isinstance(schema, Mapping):
        return
    if "example" in holder:
        yield SchemaExample(f"{pointer}/example", holder["example"], schema)
    for name, example in (holder.get("examples") or {}).items():
        resolved = _resolve_local_ref(doc, example)
        if isinstance(resolved, Mapping) and "value" in resolved:
            if isinstance(example, Mapping) and "$ref" in example:
                location = _final_ref(doc, example) + "/value"
            else:
                location = pointer + json_pointer(["examples", name, "value"])
            yield SchemaExample(location, resolved["value"], schema)


def _final_ref(doc: Document, node: Mapping[str, Any]) -> str:
    """The last ``$ref`` of a chain: where the referenced object is written."""
    ref = str(node["$ref"])
    target = resolve_pointer(doc, ref)
    while isinstance(target, Mapping) and "$ref" in target:
        ref = str(target["$ref"])
        target = resolve_pointer(doc, ref)
    return ref


def _content_examples(doc: Document, content: Mapping[str, Any], pointer: str) -> Iterator[SchemaExample]:
    for media_type, media in (content or {}).items():
        media_pointer = pointer + json_pointer([media_type])
        schema = media.get("schema")
        yield from _example_objects(doc, media, media_pointer, schema)
        yield from _schema_examples(schema, media_pointer + "/schema")


def _parameter_examples(doc: Document, parameter: Mapping[str, Any], pointer: str) -> Iterator[SchemaExample]:
    if "$ref" in parameter:  # walked where it is defined, under components
        return
    schema = parameter.get("schema")
    yield from _example_objects(doc, parameter, pointer, schema)
    yield from _schema_examples(schema, pointer + "/schema")
    yield from _content_examples(doc, parameter.get("content") or {}, pointer + "/content")


def _response_examples(doc: Document, response: Mapping[str, Any], pointer: str) -> Iterator[SchemaExample]:
    if "$ref" in response:
        return
    yield from _content_examples(doc, response.get("content") or {}, pointer + "/content")
    for name, header in (response.get("headers") or {}).items():
        yield from _parameter_examples(doc, header, pointer + json_pointer(["headers", name]))


def openapi_examples(document: Document | None = None) -> Iterator[SchemaExample]:
    """Every example of openapi.yaml with its schema: parameters, request bodies, responses,
    headers (in paths and in components) and the ``examples`` of the schemas themselves.

    ``location`` is the example's JSON pointer in the document (``#/paths/~1orders/...``); the
    schema may hold local refs: validate it with ``openapi_schemas().validator_for(schema)``.
    """
    doc = load_openapi() if document is None else document
    for path, item in (doc.get("paths") or {}).items():
        item_pointer = "#" + json_pointer(["paths", path])
        for index, parameter in enumerate(item.get("parameters") or []):
            yield from _parameter_examples(doc, parameter, f"{item_pointer}/parameters/{index}")
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            op_pointer = f"{item_pointer}/{method}"
            for index, parameter in enumerate(operation.get("parameters") or []):
                yield from _parameter_examples(doc, parameter, f"{op_pointer}/parameters/{index}")
            body = operation.get("requestBody")
            if isinstance(body, Mapping) and "$ref" not in body:
                yield from _content_examples(
                    doc, body.get("content") or {}, f"{op_pointer}/requestBody/content"
                )
            for status, response in (operation.get("responses") or {}).items():
                yield from _response_examples(doc, response, op_pointer + json_pointer(["responses", status]))
    components = doc.get("components") or {}
    for name, parameter in (components.get("parameters") or {}).items():
        yield from _parameter_examples(doc, parameter, "#" + json_pointer(["components", "parameters", name]))
    for name, header in (components.get("headers") or {}).items():
        yield from _parameter_examples(doc, header, "#" + json_pointer(["components", "headers", name]))
    for name, body in (components.get("requestBodies") or {}).items():
        pointer = "#" + json_pointer(["components", "requestBodies", name, "content"])
        yield from _content_examples(doc, body.get("content") or {}, pointer)
    for name, response in (components.get("responses") or {}).items():
        yield from _response_examples(doc, response, "#" + json_pointer(["components", "responses", name]))
    for name, schema in (components.get("schemas") or {}).items():
        yield from _schema_examples(schema, "#" + json_pointer(["components", "schemas", name]))


# --------------------------------------------------------------------------- comparing schemas

#: Keywords that describe a schema without constraining an instance; left out of comparisons.
ANNOTATION_KEYWORDS = frozenset(
    {"description", "title", "examples", "example", "$comment", "deprecated", "externalDocs", "xml"}
)


def normalized_schema(document: Document, schema: Any) -> Any:
    """``schema`` with every local ``$ref`` inlined and every annotation left out.

    Two documents may spell one schema differently (one refers to ``Timestamp``, the other
    inlines ``{type: string, format: date-time}``); their normalized forms are equal exactly
    when types, enums, consts, patterns, bounds, formats, defaults, required and
    additionalProperties agree. An ``allOf`` of one schema is merged with the keywords beside it
    when none of them is in that schema.
    """

    def walk(node: Any, seen: tuple[str, ...]) -> Any:
        if not isinstance(node, Mapping):
            return node  # a boolean schema
        if "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                raise SpecError(f"only local refs are supported, not {ref!r}")
            if ref in seen:
                raise SpecError(f"circular $ref {ref!r} cannot be inlined")
            target = walk(resolve_pointer(document, ref), (*seen, ref))
            siblings = walk({k: v for k, v in node.items() if k != "$ref"}, seen)
            if not siblings:
                return target
            if isinstance(target, dict) and not set(target) & set(siblings):
                return {**target, **siblings}
            return {"allOf": [target, siblings]}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ANNOTATION_KEYWORDS:
                continue
            if key in _SCHEMA_MAP_KEYWORDS and isinstance(value, Mapping):
                out[key] = {name: walk(sub, seen) for name, sub in value.items()}
            elif key in _SCHEMA_KEYWORDS or key in _SCHEMA_LIST_KEYWORDS:
                out[key] = (
                    [walk(sub, seen) for sub in value] if isinstance(value, list) else walk(value, seen)
                )
            else:
                out[key] = value
        branches = out.get("allOf")
        if isinstance(branches, list) and len(branches) == 1 and isinstance(branches[0], dict):
            # `allOf: [X]` beside other keywords is X with them (how a draft-07 document, where
            # keywords beside a $ref are ignored, adds a default to a referenced schema).
            rest = {k: v for k, v in out.items() if k != "allOf"}
            if not set(rest) & set(branches[0]):
                return {**branches[0], **rest}
        return out

    return walk(schema, ())


def parameter_schema(path: str, method: str, name: str) -> Any:
    """The schema of a REST operation's parameter ``name``, normalized (every ``$ref`` followed)."""
    document = load_openapi()
    for declared in document["paths"][path][method].get("parameters", []):
        if "$ref" in declared:
            declared = resolve_pointer(document, declared["$ref"])
        if declared["name"] == name:
            return normalized_schema(document, declared["schema"])
    raise SpecError(f"{method.upper()} {path} has no parameter {name!r}")
