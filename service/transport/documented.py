"""Every operation's documented answers, read from ``api_specs/openapi.yaml`` once, at start-up.

``Prefer: code=`` (``service.transport.prefer``) answers with these, so nothing of them is
copied by hand: for each operation (method and path) and each status it lists, the content
type, the body (the response's first example, else one built from its schema by
``specimen``) and the headers the response documents, each with its example.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import yaml

from service.transport.specimen import SpecimenError, resolved, specimen

OPENAPI = Path(__file__).resolve().parents[2] / "api_specs" / "openapi.yaml"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class _Loader(yaml.SafeLoader):
    """YAML as a JSON client sees it: an unquoted date stays a string, not a ``datetime``."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class DocumentedAnswer:
    """One response as the spec documents it, ready to send."""

    status: int
    content_type: str | None
    body: bytes
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation: ``GET /orders/{id}`` and the answers it lists, by status."""

    method: str
    path: str
    answers: Mapping[int, DocumentedAnswer]

    def statuses(self) -> str:
        """The statuses it lists, for an error message: ``200, 400, 404, 503``."""
        return ", ".join(str(status) for status in sorted(self.answers))


class DocumentedApi:
    """The operations of an OpenAPI document, found by a request's method and path."""

    def __init__(self, operations: list[Operation]) -> None:
        self._exact: dict[tuple[str, str], Operation] = {}
        self._templated: list[tuple[str, re.Pattern[str], Operation]] = []
        for operation in operations:
            if "{" in operation.path:
                parts = re.split(r"\{[^}/]+\}", operation.path)
                pattern = re.compile("[^/]+".join(re.escape(part) for part in parts))
                self._templated.append((operation.method, pattern, operation))
            else:
                self._exact[(operation.method, operation.path)] = operation

    @classmethod
    def load(cls, path: Path = OPENAPI) -> DocumentedApi:
        """Read the document at ``path``; raises ``SpecimenError`` naming what it cannot answer."""
        with path.open(encoding="utf-8") as stream:
            return cls.from_document(yaml.load(stream, Loader=_Loader))  # noqa: S506 - a SafeLoader

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> DocumentedApi:
        operations = [
            Operation(
                method=method.upper(),
                path=path,
                answers={
                    int(status): _answer(
                        document, int(status), response, where=f"{method.upper()} {path} {status}"
                    )
                    for status, response in (item[method].get("responses") or {}).items()
                    if str(status).isdigit()
                },
            )
            for path, item in (document.get("paths") or {}).items()
            for method in _METHODS
            if isinstance(item.get(method), Mapping)
        ]
        return cls(operations)

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation a request to ``method path`` is for; a literal path before a template."""
        found = self._exact.get((method, path))
        if found is not None:
            return found
        for templated_method, pattern, operation in self._templated:
            if templated_method == method and pattern.fullmatch(path):
                return operation
        return None


def _answer(document: Mapping[str, Any], status: int, response: Any, *, where: str) -> DocumentedAnswer:
    response = resolved(document, response)
    content = response.get("content") or {}
    headers = tuple(
        (name, _text(_example(document, header, where=f"{where} header {name}")))
        for name, header in (response.get("headers") or {}).items()
    )
    if not content:
        return DocumentedAnswer(status, None, b"", headers)
    content_type, media = next(iter(content.items()))
    value = _example(document, media, where=where)
    body = (
        value.encode()
        if isinstance(value, str) and "json" not in content_type
        else msgspec.json.encode(value)
    )
    return DocumentedAnswer(status, content_type, body, headers)


def _example(document: Mapping[str, Any], holder: Any, *, where: str) -> Any:
    """The first example of a media type or header object, else a specimen of its schema."""
    holder = resolved(document, holder)
    if "example" in holder:
        return holder["example"]
    for example in (holder.get("examples") or {}).values():
        example = resolved(document, example)
        if "value" in example:
            return example["value"]
    if "schema" not in holder:
        raise SpecimenError(f"{where}: neither an example nor a schema")
    return specimen(document, holder["schema"], where=where)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else msgspec.json.encode(value).decode()
