"""What the steps of one run share: the target, the connections, the captured values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tools.scenarios.connection import Connection
from tools.scenarios.failures import Problem
from tools.scenarios.matching import StandIns
from tools.scenarios.model import Scenario
from tools.scenarios.variables import Variables


def http_url_of(ws_url: str) -> str:
    """The REST base URL of the service whose WebSocket endpoint is ``ws_url``."""
    parts = urlsplit(ws_url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    path = parts.path.removesuffix("/").removesuffix("/ws")
    return urlunsplit((scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True)
class Target:
    """The service under test."""

    ws_url: str
    http_url: str

    @classmethod
    def of(cls, ws_url: str, http_url: str | None = None) -> Target:
        """The target at ``ws_url``; REST at ``http_url``, else at the same host and port."""
        return cls(ws_url=ws_url, http_url=(http_url or http_url_of(ws_url)).rstrip("/"))


@dataclass
class Run:
    """One run of a scenario."""

    scenario: Scenario
    target: Target
    variables: Variables = field(default_factory=Variables)
    stand_ins: StandIns = field(default_factory=StandIns)
    connections: dict[str, Connection] = field(default_factory=dict)
    awaited: set[Any] = field(default_factory=set)
    """The request_ids whose answers a step expected: a later frame answering one fails the run."""

    def connection(self, name: str) -> Connection:
        """The connection ``name``, made (not opened) on first use."""
        if name not in self.connections:
            options = self.variables.substituted(self.scenario.connections.get(name, {}))
            self.connections[name] = Connection(name, options, self.target.ws_url)
        return self.connections[name]

    def opened(self, name: str | None, timeout: float) -> Connection:
        """The connection ``name`` (default: the first declared), opened if it is not yet."""
        connection = self.connection(name or self.scenario.first_connection)
        if not connection.is_open:
            connection.open(timeout)
        return connection

    def received(self, name: str | None) -> dict[str, list[Any]]:
        """The frames each connection concerned has received, for a report."""
        if name is not None and name in self.connections:
            return {name: self.connections[name].received}
        return {known: connection.received for known, connection in self.connections.items()}

    def close_all(self) -> None:
        """Close every connection still open."""
        for connection in self.connections.values():
            try:
                connection.close()
            except (OSError, Problem):
                continue
