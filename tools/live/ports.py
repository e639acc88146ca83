"""Free loopback ports, and waiting until a process listens on one."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

HOST = "127.0.0.1"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def accepts(port: int, *, host: str = HOST, timeout: float = 0.2) -> bool:
    """Whether something listens on ``host:port``."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], *, timeout: float = 30, poll: float = 0.05
) -> None:
    """Return once ``process`` listens on ``port``.

    Raises:
        RuntimeError: the process exited first, or nothing listened within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while not accepts(port):
        if process.poll() is not None:
            raise RuntimeError(f"the process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout}s")
        time.sleep(poll)
