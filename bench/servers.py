"""Starting and stopping the servers under test, each in its own process."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from tests.support.tansu import running_tansu

ROOT = Path(__file__).resolve().parent.parent

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout}s")


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    @property
    def rss(self) -> int:
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)


@contextlib.contextmanager
def service(name: str, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """``python -m service`` exactly as the README runs it, with the load-test settings."""
    port = free_port()
    full_env = {**os.environ, **UNTHROTTLED, "HOST": "127.0.0.1", "PORT": str(port), **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "service"],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).raise_for_status()
        yield Server(name, f"ws://127.0.0.1:{port}/ws", process)
    finally:
        process.terminate()
        process.wait(15)


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
        yield Server("reference", f"ws://127.0.0.1:{port}/", process)
    finally:
        process.terminate()
        process.wait(15)


@contextlib.contextmanager
def kafka_broker() -> Iterator[str]:
    """A local Kafka-protocol broker (the tests' Tansu), or the one in KAFKA_BOOTSTRAP_SERVERS."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    with tempfile.TemporaryDirectory() as tmp, running_tansu(Path(tmp) / "tansu.log") as broker:
        yield broker.bootstrap


def node() -> str:
    found = shutil.which("node")
    if found is None:
        raise RuntimeError("node is not installed; the load generator runs on Node.js")
    return found
