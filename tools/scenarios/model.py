"""A scenario file, read and checked against ``api_specs/scenario.schema.json``.

A file holds one scenario, or several as YAML documents separated by ``---`` (run in file
order). YAML is read as JSON would read it (YAML 1.2's core schema): only ``true``/``false`` are
booleans, so ``on:`` stays a key, and a date stays a string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

from tools.specs import JsonLikeLoader, json_pointer

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "api_specs" / "scenario.schema.json"
DEFAULT_TIMEOUT = 5.0
DEFAULT_CONNECTION = "main"

#: The action keys of a step; each step has exactly one (the schema's ``Step`` says so too).
STEP_KINDS = (
    "connect",
    "send",
    "send_text",
    "expect_unsolicited",
    "expect_silence",
    "rest",
    "wait",
    "close",
    "expect_close",
)


class ScenarioLoader(JsonLikeLoader):
    """YAML 1.2 booleans (``true``/``false`` only) and no timestamps: what a JSON reader sees."""


ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in JsonLikeLoader.yaml_implicit_resolvers.items()
}
ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class ScenarioFileError(Exception):
    """A scenario file that cannot be run: not YAML, or not what the schema allows."""


@dataclass(frozen=True)
class Scenario:
    """One scenario of a file, as written (steps are substituted when they run)."""

    name: str
    path: Path
    description: str
    fresh_service: bool
    timeout: float
    connections: dict[str, dict[str, Any]]
    steps: list[dict[str, Any]]

    @property
    def first_connection(self) -> str:
        """The connection a step without ``on`` uses."""
        return next(iter(self.connections))


@cache
def schema_validator() -> Any:
    """A validator of ``api_specs/scenario.schema.json``."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def step_kind(step: dict[str, Any]) -> str:
    """The action key of ``step`` (``send``, ``rest``, …)."""
    return next(key for key in STEP_KINDS if key in step)


def _schema_problems(document: object) -> list[str]:
    problems = []
    for error in sorted(schema_validator().iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = json_pointer(list(error.absolute_path)) or "/"
        detail = error.message
        if error.validator == "oneOf" and isinstance(error.instance, dict):
            kinds = [key for key in STEP_KINDS if key in error.instance]
            detail = (
                f"a step needs exactly one of {', '.join(STEP_KINDS)} (this one has {kinds or 'none'}), "
                "and only the options of its kind"
            )
            candidates = [sub for sub in error.context or [] if kinds and kinds[0] in str(sub.schema_path)]
            detail += "".join(f"; {sub.message}" for sub in candidates[:3])
        problems.append(f"at {where}: {detail}")
    return problems


def _unknown_connections(document: dict[str, Any], names: set[str]) -> list[str]:
    problems = []
    for index, step in enumerate(document["steps"], start=1):
        used = [step.get("on"), *(step.get(k) for k in ("connect", "close"))]
        used += [
            step[k].get("on") for k in ("expect_unsolicited", "expect_silence", "expect_close") if k in step
        ]
        problems += [
            f"step {index} names connection {name!r}, which `connections` does not declare ({sorted(names)})"
            for name in used
            if isinstance(name, str) and name not in names
        ]
    return problems


def scenario_of(document: object, path: Path) -> Scenario:
    """``document`` (one YAML document of ``path``) as a `Scenario`; `ScenarioFileError` if invalid."""
    problems = _schema_problems(document)
    if not problems:
        data = cast(dict[str, Any], document)
        connections = data.get("connections") or {DEFAULT_CONNECTION: {}}
        problems = _unknown_connections(data, set(connections))
    if problems:
        name = document.get("name") if isinstance(document, dict) else None
        raise ScenarioFileError(
            f"{path}: scenario {name or '(no name)'} does not follow {SCHEMA_PATH.name}:\n  "
            + "\n  ".join(problems)
        )
    return Scenario(
        name=data["name"],
        path=path,
        description=data.get("description", ""),
        fresh_service=bool(data.get("fresh_service", False)),
        timeout=float(data.get("timeout", DEFAULT_TIMEOUT)),
        connections={name: dict(options) for name, options in connections.items()},
        steps=list(data["steps"]),
    )


def load_scenarios(path: Path) -> list[Scenario]:
    """Every scenario of the file ``path``, in file order."""
    try:
        documents = [
            doc
            for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=ScenarioLoader)
            if doc is not None
        ]
    except yaml.YAMLError as error:
        raise ScenarioFileError(f"{path}: not YAML: {error}") from error
    scenarios = [scenario_of(document, path) for document in documents]
    names = [scenario.name for scenario in scenarios]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ScenarioFileError(f"{path}: two scenarios are named {', '.join(twice)}")
    if not scenarios:
        raise ScenarioFileError(f"{path}: no scenario in the file")
    return scenarios
