"""What Filebeat does to one line of a container's stdout, as deploy/filebeat.yml configures it.

No Filebeat runs here, so this module plays the steps the configuration names, each as Filebeat
documents it, and refuses any parser or processor it does not know (a configuration it cannot
play must not pass silently):

1. Docker's json-file log driver stores the line as ``{"log": "<line>\\n", "stream", "time"}``.
2. The ``container`` parser turns that back into ``message`` (the line), ``stream`` and
   ``@timestamp``.
3. The Docker autodiscover provider adds the container's metadata: ``container.id``,
   ``container.name`` (Docker's name without the leading ``/``), ``container.image.name``.
4. ``decode_json_fields`` decodes ``message`` (libbeat ``jsontransform.WriteJSONKeys``): with
   ``expand_keys`` dotted keys become objects; into the root with ``overwrite_keys`` the JSON's
   ``@timestamp`` replaces the event's and everything else is deep-merged over the event; a value
   that is not a JSON object adds ``error.message`` when ``add_error_key`` is set.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Event = dict[str, Any]


class EmulationError(AssertionError):
    """The configuration asks for something this emulation does not play."""


@dataclass(frozen=True)
class Container:
    """What the Docker API says about the container whose log is read."""

    id: str
    name: str
    image: str


def docker_json_file_line(line: str, *, time: str, stream: str = "stdout") -> str:
    """The line as Docker's json-file driver writes it to ``<id>-json.log``."""
    return json.dumps({"log": f"{line}\n", "stream": stream, "time": time})


def _container_parser(raw: str, options: Mapping[str, Any]) -> Event | None:
    unknown = set(options) - {"stream", "format"}
    if unknown:
        raise EmulationError(f"container parser options not played: {sorted(unknown)}")
    if options.get("format", "auto") not in {"auto", "docker"}:
        raise EmulationError(f"container format {options['format']!r} is not played")
    record = json.loads(raw)
    wanted = options.get("stream", "all")
    if wanted != "all" and record["stream"] != wanted:
        return None
    return {"@timestamp": record["time"], "message": record["log"].rstrip("\n"), "stream": record["stream"]}


def _expand(keys: Mapping[str, Any]) -> dict[str, Any]:
    """libbeat ``expandFields``: ``{"a.b": 1, "a": {"c": 2}}`` → ``{"a": {"b": 1, "c": 2}}``."""
    out: dict[str, Any] = {}
    for key, value in keys.items():
        value = _expand(value) if isinstance(value, Mapping) else value
        *parents, last = key.split(".")
        node = out
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ValueError(f"cannot expand {key!r}: {part!r} is not an object")
            node = child
        if isinstance(node.get(last), dict) and isinstance(value, dict):
            node[last] = _deep_update(node[last], value)
        elif last in node:
            raise ValueError(f"cannot expand {key!r}: {last!r} is given twice")
        else:
            node[last] = value
    return out


def _deep_update(target: dict[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in source.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def _add_error(event: Event, message: str) -> None:
    event.setdefault("error", {})["message"] = message


def _decode_json_fields(event: Event, options: Mapping[str, Any]) -> None:
    known = {
        "fields",
        "target",
        "overwrite_keys",
        "expand_keys",
        "add_error_key",
        "max_depth",
        "process_array",
    }
    unknown = set(options) - known
    if unknown:
        raise EmulationError(f"decode_json_fields options not played: {sorted(unknown)}")
    if options.get("process_array", False) or options.get("max_depth", 1) != 1:
        raise EmulationError("only max_depth 1 without process_array is played")
    if options.get("target") != "":
        raise EmulationError("only decoding into the root (target: '') is played")
    for field in options["fields"]:
        text = event.get(field)
        if not isinstance(text, str):
            continue
        try:
            keys = json.loads(text)
            if not isinstance(keys, dict):
                raise ValueError("not a JSON object")
            if options.get("expand_keys", False):
                keys = _expand(keys)
        except ValueError as error:
            if options.get("add_error_key", False):
                _add_error(event, f"parsing input as JSON: {error}")
            continue
        if not options.get("overwrite_keys", False):
            keys = {key: value for key, value in keys.items() if key not in {"@timestamp", "@metadata"}}
            for key, value in keys.items():
                event.setdefault(key, value)
            continue
        if "@timestamp" in keys:
            stamp = keys.pop("@timestamp")
            try:
                datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
                event["@timestamp"] = stamp
            except ValueError:
                if options.get("add_error_key", False):
                    _add_error(event, f"@timestamp not overwritten (parse error on {stamp})")
        keys.pop("@metadata", None)
        keys.pop("type", None)
        _deep_update(event, keys)


PROCESSORS = {"decode_json_fields": _decode_json_fields}


def ship(raw: str, *, input_config: Mapping[str, Any], container: Container, offset: int = 0) -> Event | None:
    """The document Filebeat sends to Elasticsearch for one json-file line of ``container``."""
    event: Event | None = None
    for parser in input_config.get("parsers", []):
        ((name, options),) = parser.items()
        if name != "container":
            raise EmulationError(f"parser {name!r} is not played")
        event = _container_parser(raw, options or {})
        if event is None:
            return None
    if event is None:
        raise EmulationError("without the container parser the message is Docker's JSON, not the line")
    event["container"] = {"id": container.id, "name": container.name, "image": {"name": container.image}}
    event["input"] = {"type": input_config["type"]}
    paths = [path.replace("${data.docker.container.id}", container.id) for path in input_config["paths"]]
    event["log"] = {"offset": offset, "file": {"path": paths[0].replace("*", container.id)}}
    for processor in input_config.get("processors", []):
        ((name, options),) = processor.items()
        if name not in PROCESSORS:
            raise EmulationError(f"processor {name!r} is not played")
        PROCESSORS[name](event, options)
    return event
