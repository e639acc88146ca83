"""``${name}`` in a scenario's strings, and the values its steps capture.

A string that is exactly ``${name}`` becomes the captured value itself (an order id stays a
number); ``${name}`` inside a longer string is replaced by the value's text (JSON for anything
but a string); ``$${`` is a literal ``${``. ``${run}`` is set for every run: random hex, for
names that must be unique (a channel of the scenario's own).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from tools.specs import SpecError, json_pointer, resolve_pointer

_REFERENCE = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}")
_WHOLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class UnknownVariable(Exception):
    """A ``${name}`` nothing has captured (yet)."""


class CaptureError(LookupError):
    """A capture path that leads nowhere in the frame or body."""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def value_at(document: Any, path: str) -> Any:
    """The value at the dotted ``path`` (``data.id``, ``data.0.id``; ``""`` is ``document``)."""
    try:
        return resolve_pointer(document, json_pointer(path.split(".") if path else []))
    except SpecError as error:
        raise CaptureError(f"{path!r} leads nowhere in {_text(document)[:300]}: {error}") from error


class Variables:
    """The values of one run of a scenario: ``run`` and whatever its steps captured."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {"run": secrets.token_hex(4)}

    def substituted(self, value: Any) -> Any:
        """``value`` with every ``${name}`` of its strings (keys included) replaced."""
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, dict):
            return {self._key(k): self.substituted(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substituted(item) for item in value]
        return value

    def capture(self, captures: Mapping[str, str], document: Any) -> dict[str, Any]:
        """Keep the values ``captures`` (name → path) point to in ``document``; what was kept."""
        kept = {name: value_at(document, path) for name, path in captures.items()}
        self.values.update(kept)
        return kept

    def _key(self, key: Any) -> Any:
        return _text(self._string(key)) if isinstance(key, str) else key

    def _lookup(self, name: str) -> Any:
        if name not in self.values:
            raise UnknownVariable(
                f"${{{name}}} has not been captured (captured so far: {sorted(self.values)})"
            )
        return self.values[name]

    def _string(self, text: str) -> Any:
        whole = _WHOLE.fullmatch(text)
        if whole:
            return self._lookup(whole[1])

        def replace(match: re.Match[str]) -> str:
            if match[1]:
                return "${" + match[2] + "}"
            return _text(self._lookup(match[2]))

        return _REFERENCE.sub(replace, text)
