"""Driving the Node.js load generator (bench/loadgen/) from Python."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import psutil

from bench.servers import Server, node

LOADGEN = Path(__file__).resolve().parent / "loadgen"


def ensure_installed() -> None:
    if not (LOADGEN / "node_modules" / "ws").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=LOADGEN, check=True, stdout=subprocess.DEVNULL
        )


def run(server: Server, options: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
    """One load generator run against ``server``; adds the server's CPU share to the result."""
    cpu_before, wall_before = server.cpu_seconds(), time.monotonic()
    result = subprocess.run(
        [node(), "loadgen.mjs", json.dumps({**options, "url": server.url})],
        cwd=LOADGEN,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"loadgen failed on {server.name}: {result.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["server_cpu"] = (server.cpu_seconds() - cpu_before) / (time.monotonic() - wall_before)
    return figures


def idle_memory(server: Server, connections: int) -> dict[str, Any]:
    """Server RSS growth per idle connection with ``connections`` open."""
    time.sleep(0.5)
    before = server.rss
    process = subprocess.Popen(
        [node(), "loadgen.mjs", json.dumps({"mode": "idle", "url": server.url, "connections": connections})],
        cwd=LOADGEN,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdin is not None
    ready = json.loads(process.stdout.readline())
    time.sleep(1.0)
    after = server.rss
    process.stdin.close()
    process.wait(60)
    return {
        "connections": ready["ready"],
        "rss_before": before,
        "rss_after": after,
        "kb_per_connection": (after - before) / ready["ready"] / 1024,
        "server_pid_threads": psutil.Process(server.process.pid).num_threads(),
    }
