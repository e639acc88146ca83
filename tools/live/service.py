"""``python -m service`` on a free loopback port, started the way the README runs it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tools.live.ports import HOST, free_port

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: the service runs from here."""

UNSET_FROM_ENVIRONMENT = frozenset({"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"})
"""Never inherited: the service gets a database or a broker only when the caller names one."""


@dataclass
class LiveService:
    """A running ``python -m service``; its stdout (JSON log lines) is kept in ``log_path``."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def http(self) -> str:
        """The base URL of the REST API."""
        return f"http://{HOST}:{self.port}"

    @property
    def ws(self) -> str:
        """The WebSocket endpoint."""
        return f"ws://{HOST}:{self.port}/ws"

    def log_lines(self) -> list[str]:
        """What the service has logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Send ``sig``, kill the process if it has not exited in ``timeout`` s; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return int(self.process.returncode)


def start_service(
    log_path: Path,
    env: Mapping[str, str] | None = None,
    *,
    port: int | None = None,
    ready_timeout: float = 20,
    root: Path = ROOT,
) -> LiveService:
    """Start the service and wait until ``/health`` answers.

    Args:
        log_path: where its stdout and stderr go.
        env: added to this process's environment (which loses ``UNSET_FROM_ENVIRONMENT``).
        port: the port to listen on; a free one by default.
        ready_timeout: how long ``/health`` may take to answer, in seconds.
        root: the checkout to run (another revision's, for a before/after benchmark).

    Raises:
        RuntimeError: the service exited, or was not healthy in time (with its last log lines).
    """
    port = port or free_port()
    if root == ROOT and os.environ.get("QAKIT_SERVICE_ROOT"):
        # Run the tests against another checkout's service, e.g. to show a new test fails on
        # the code before a fix: QAKIT_SERVICE_ROOT=/path/to/old/checkout uv run pytest tests/...
        root = Path(os.environ["QAKIT_SERVICE_ROOT"])
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in UNSET_FROM_ENVIRONMENT},
        "HOST": HOST,
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "service"],
            cwd=root,
            env=full_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    service = LiveService(port=port, process=process, log_path=log_path, env=full_env)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"service exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{service.http}/health", timeout=1).status_code == 200:
                return service
        time.sleep(0.1)
    service.stop(signal.SIGKILL)
    raise RuntimeError(f"service did not become healthy in {ready_timeout}s:\n{log_path.read_text()[-4000:]}")


@contextlib.contextmanager
def running_service(
    log_path: Path, env: Mapping[str, str] | None = None, *, ready_timeout: float = 20, root: Path = ROOT
) -> Iterator[LiveService]:
    """A started service (see ``start_service``), stopped on exit."""
    service = start_service(log_path, env, ready_timeout=ready_timeout, root=root)
    try:
        yield service
    finally:
        service.stop()
