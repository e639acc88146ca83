"""Starting and stopping the servers under test, each in its own process."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil

from tools.live.ports import HOST, free_port, wait_for_port
from tools.live.service import ROOT, running_service
from tools.live.tansu import running_tansu

# A load test measures the service, not its per-client protection: the token bucket still
# runs on every frame, its rate is just set out of reach.
UNTHROTTLED = {
    "WS_RATE_PER_SECOND": "1000000",
    "WS_RATE_BURST": "1000000",
    "WS_MAX_PER_CHANNEL": "20000",
    "WS_MAX_CONNECTIONS": "20000",
    "WS_OUTBOX_FRAMES": "100000",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Server:
    """A server under load: its name in the report, its WebSocket URL and its process."""

    name: str
    url: str
    process: subprocess.Popen[bytes]

    @property
    def rss(self) -> int:
        """Resident memory, in bytes."""
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def cpu_seconds(self) -> float:
        """User and system CPU time so far."""
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)


@contextlib.contextmanager
def service(
    name: str = "service", env: Mapping[str, str] | None = None, *, root: Path = ROOT
) -> Iterator[Server]:
    """``python -m service`` as the README runs it (in-memory store, no broker unless ``env``
    names one), with the load-test settings; from ``root`` (another revision's checkout)."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as tmp,
        running_service(
            Path(tmp) / "service.log", {**UNTHROTTLED, **(env or {})}, ready_timeout=30, root=root
        ) as live,
    ):
        yield Server(name, live.ws, live.process)


@contextlib.contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """``revision`` of this repository in a temporary worktree, removed afterwards.

    Its service runs with this checkout's virtual environment: compare revisions whose
    dependencies are the same.
    """
    with tempfile.TemporaryDirectory(prefix="bench-before-") as tmp:
        folder = Path(tmp) / "checkout"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(folder), revision],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            yield folder
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)


@contextlib.contextmanager
def reference() -> Iterator[Server]:
    """The bare ``websockets`` server."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.reference_server", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield Server("reference", f"ws://{HOST}:{port}/", process)
    finally:
        process.terminate()
        process.wait(15)


@contextlib.contextmanager
def kafka_broker() -> Iterator[str]:
    """A local Tansu broker, or the one in KAFKA_BOOTSTRAP_SERVERS."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    with tempfile.TemporaryDirectory() as tmp, running_tansu(Path(tmp) / "tansu.log") as broker:
        yield broker.bootstrap


def node() -> str:
    """The Node.js binary that runs the load generator."""
    found = shutil.which("node")
    if found is None:
        raise RuntimeError("node is not installed; the load generator runs on Node.js")
    return found
