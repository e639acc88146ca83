"""The pytest plugin: every ``*.yaml`` / ``*.yml`` file given to pytest is a scenario file, and
each scenario in it one test, named by its ``name``.

``--ws-url ws://HOST:PORT/ws`` runs them against that service (REST at the same host and port,
or ``--http-url``). Without it, the run starts the service itself (``python -m service`` on a
free port, as the tests do) and stops it at the end.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.scenarios.context import Target
from tools.scenarios.failures import StepFailure
from tools.scenarios.model import Scenario, ScenarioFileError, load_scenarios
from tools.scenarios.runner import run_scenario

FRESH_MARKER = "fresh_service"
_TARGET = pytest.StashKey[Target]()
_SERVICE = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--ws-url`` and ``--http-url``."""
    group = parser.getgroup("scenarios", "WebSocket scenarios (tools/scenarios)")
    group.addoption(
        "--ws-url",
        help="the service's WebSocket endpoint (ws://HOST:PORT/ws); default: start one for the run",
    )
    group.addoption("--http-url", help="its REST base URL; default: the --ws-url host and port over http")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker a scenario with ``fresh_service: true`` gets."""
    config.addinivalue_line(
        "markers", f"{FRESH_MARKER}: the scenario expects a freshly started service (demo orders untouched)"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the service the run started, if it started one."""
    service = config.stash.get(_SERVICE, None)
    if service is not None:
        service.stop()


def target_of(config: pytest.Config) -> Target:
    """The service the scenarios run against (started on first use without ``--ws-url``)."""
    if _TARGET not in config.stash:
        ws_url = config.getoption("ws_url")
        if ws_url is None:
            from tools.live.service import start_service  # only when the run starts a service

            log = Path(tempfile.mkdtemp(prefix="qakit-scenarios-")) / "service.log"
            service = start_service(log)
            config.stash[_SERVICE] = service
            ws_url = service.ws
        config.stash[_TARGET] = Target.of(ws_url, config.getoption("http_url"))
    return config.stash[_TARGET]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A YAML file is a scenario file."""
    if file_path.suffix in {".yaml", ".yml"}:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    """A file of scenarios."""

    def collect(self) -> Iterator[ScenarioItem]:
        """One test per scenario, in file order."""
        for scenario in load_scenarios(self.path):
            item = ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)
            if scenario.fresh_service:
                item.add_marker(FRESH_MARKER)
            yield item

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """A file that is no valid scenario file: the problems, without a traceback."""
        if isinstance(excinfo.value, ScenarioFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ScenarioItem(pytest.Item):
    """One scenario, as a test."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        """Run the scenario against the target."""
        run_scenario(self.scenario, target_of(self.config))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """A failed step: the report, without a traceback."""
        if isinstance(excinfo.value, StepFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the scenario is, for pytest's report."""
        return self.path, None, f"scenario: {self.scenario.name}"
