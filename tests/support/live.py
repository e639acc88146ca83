"""A real service process on a free loopback port, as a tester would run it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveService:
    """A running ``python -m service``; its stdout (JSON log lines) is kept in ``log_path``."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
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
) -> LiveService:
    """Start the service the way the README does and wait until ``/health`` answers."""
    port = port or free_port()
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"}},
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "service"], cwd=ROOT, env=full_env, stdout=log_file, stderr=subprocess.STDOUT
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
def running_service(log_path: Path, env: Mapping[str, str] | None = None) -> Iterator[LiveService]:
    service = start_service(log_path, env)
    try:
        yield service
    finally:
        service.stop()
