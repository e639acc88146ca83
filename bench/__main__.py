"""``uv run python -m bench``: the service beside a bare ``websockets`` server, same load, same run.

Prints a table of medians and service/reference ratios and writes the figures as JSON
(``bench/results/latest.json`` unless ``--json`` says otherwise). ``--quick`` runs one
repetition of shorter phases, for a smoke test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench import loadgen
from bench.servers import Server, checkout, kafka_broker, reference, service

RESULTS = Path(__file__).resolve().parent / "results"


def median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def interleaved(servers: list[Server], reps: int, options: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A/B/A/B…: each repetition runs the load generator with ``options`` against every server,
    the order flipped every time."""
    results: dict[str, list[dict[str, Any]]] = {server.name: [] for server in servers}
    for rep in range(reps):
        for server in servers if rep % 2 == 0 else list(reversed(servers)):
            results[server.name].append(loadgen.run(server, options))
    return results


def summarise(results: dict[str, list[dict[str, Any]]], keys: list[str]) -> dict[str, dict[str, float]]:
    return {name: {key: median(runs, key) for key in keys} for name, runs in results.items()}


ECHO_KEYS = ["round_trips_per_s", "p50_ms", "p99_ms", "loadgen_cpu", "server_cpu", "server_us_per_round_trip"]


def with_cpu_per_round_trip(runs: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Adds the server's CPU time per round trip (µs) to every echo run."""
    for name_runs in runs.values():
        for run in name_runs:
            run["server_us_per_round_trip"] = run["server_cpu"] / run["round_trips_per_s"] * 1e6
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one short repetition of each phase")
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json")
    parser.add_argument(
        "--soak",
        action="store_true",
        help="only the slow-client soak: 1,000 clients, 1,000 broadcasts, with and without "
        "a client that never reads",
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="also run the service at git revision REV (a temporary worktree, this virtual "
        "environment) in the same interleaved runs, and print this / REV for every row",
    )
    args = parser.parse_args()
    if args.soak:
        return soak(args.json.with_name("soak.json"))
    reps, seconds = (1, 2) if args.quick else (3, 4)
    rounds = 15 if args.quick else 40
    idle_connections = 1000 if args.quick else 5000
    loadgen.ensure_installed()
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "reps": reps,
        "against": args.against,
    }

    with contextlib.ExitStack() as stack:
        before_root = stack.enter_context(checkout(args.against)) if args.against else None
        svc = stack.enter_context(service())
        contenders = [svc]
        if before_root is not None:
            contenders.append(stack.enter_context(service("before", root=before_root)))
        ref = stack.enter_context(reference())
        contenders.append(ref)
        for connections in (1, 50, 500):
            print(f"echo, {connections} connections …", flush=True)
            runs = with_cpu_per_round_trip(
                interleaved(
                    contenders,
                    reps,
                    {"mode": "echo", "connections": connections, "seconds": seconds, "warmup": 1},
                )
            )
            report[f"echo_{connections}"] = {"runs": runs, "median": summarise(runs, ECHO_KEYS)}
        for slow in (0, 1):
            print(f"broadcast to 1000 clients{' + 1 that never reads' if slow else ''} …", flush=True)
            runs = interleaved(
                contenders, reps, {"mode": "broadcast", "receivers": 1000, "rounds": rounds, "slow": slow}
            )
            report[f"broadcast_1000{'_slow' if slow else ''}"] = {
                "runs": runs,
                "median": summarise(runs, ["p50_ms", "p99_ms", "loadgen_cpu", "server_cpu"]),
                "rss_after": {server.name: server.rss for server in contenders},
            }

        print(f"idle memory, {idle_connections} connections …", flush=True)
        memory: dict[str, Any] = {}
        starts = [service(), reference()]
        if before_root is not None:
            starts.insert(1, service("before", root=before_root))
        for start in starts:
            with start as fresh:
                memory[fresh.name] = loadgen.idle_memory(fresh, idle_connections)
        report["idle_memory"] = memory

        print("echo, 50 connections, Kafka on vs off …", flush=True)
        bootstrap = stack.enter_context(kafka_broker())
        kafka = [
            stack.enter_context(service("kafka_off")),
            stack.enter_context(service("kafka_on", {"KAFKA_BOOTSTRAP_SERVERS": bootstrap})),
        ]
        if before_root is not None:
            kafka.append(stack.enter_context(service("before_kafka_off", root=before_root)))
            kafka.append(
                stack.enter_context(
                    service("before_kafka_on", {"KAFKA_BOOTSTRAP_SERVERS": bootstrap}, root=before_root)
                )
            )
        # The closest race in the table (a few per cent), on machines whose speed drifts by
        # more than that within seconds: more, shorter runs than the other phases.
        pairs, pair_seconds = (reps, seconds) if args.quick else (14, 2)
        runs = with_cpu_per_round_trip(
            interleaved(
                kafka, pairs, {"mode": "echo", "connections": 50, "seconds": pair_seconds, "warmup": 1}
            )
        )
        report["echo_50_kafka"] = {
            "runs": runs,
            "median": summarise(runs, ECHO_KEYS),
            "publisher": kafka_delivered(kafka[1]),
        }

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print()
    print(table(report))
    print(f"\nfigures: {args.json}")
    return 0


def kafka_delivered(server: Server, timeout: float = 10) -> dict[str, Any]:
    """The publisher's ``/health`` once it has delivered everything: a run that measured a
    publisher that was down, or dropped records, measured nothing."""
    health_url = server.url.replace("ws://", "http://").removesuffix("/ws") + "/health"
    deadline = time.monotonic() + timeout
    while True:
        kafka: dict[str, Any] = httpx.get(health_url, timeout=5).json()["dependencies"]["kafka"]
        if kafka["status"] == "up" and kafka["buffered"] == 0:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Kafka publisher did not deliver everything: {kafka}")
        time.sleep(0.2)
    if not kafka["published"] or kafka["dropped"]:
        raise RuntimeError(f"the Kafka publisher published nothing or dropped records: {kafka}")
    return kafka


def soak(path: Path) -> int:
    """1,000 clients, 1,000 broadcasts, with and without one client that never reads (service only)."""
    loadgen.ensure_installed()
    report: dict[str, Any] = {}
    for slow in (0, 1, 0, 1):
        with service() as svc:
            before = svc.rss
            figures = loadgen.run(
                svc, {"mode": "broadcast", "receivers": 1000, "rounds": 1000, "slow": slow}, timeout=900
            )
            figures["rss_before"], figures["rss_after"] = before, svc.rss
        report.setdefault("slow" if slow else "no_slow", []).append(figures)
        print(
            f"slow={slow}: p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, RSS "
            f"{figures['rss_before'] / 2**20:.0f} → {figures['rss_after'] / 2**20:.0f} MiB",
            flush=True,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))
    return 0


def table(report: dict[str, Any]) -> str:
    """The report as a Markdown table; with ``--against``, two more columns: before, this / before."""
    before = report.get("against")
    head = ["measure", "service", "bare websockets", "service / reference", "target"]
    if before:
        head += [f"before ({before})", "service / before"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(label: str, figures: dict[str, float | None], fmt: str, target: str) -> None:
        this, reference, previous = (figures.get(name) for name in ("service", "reference", "before"))
        assert this is not None
        cells = [label, format(this, fmt), "", "", target]
        if reference:
            cells[2:4] = [format(reference, fmt), f"{this / reference:.2f}×"]
        if before:
            cells += [format(previous, fmt), f"{this / previous:.2f}×"] if previous else ["", ""]
        rows.append("| " + " | ".join(cells) + " |")

    def measure(key: str, name: str) -> dict[str, float | None]:
        return {server: figures[name] for server, figures in report[key]["median"].items()}

    for n in (1, 50, 500):
        key = f"echo_{n}"
        row(
            f"echo round-trips/s, {n} conn.",
            measure(key, "round_trips_per_s"),
            ",.0f",
            "≥ 1.0×" if n == 50 else "report",
        )
        row(f"echo p50 ms, {n} conn.", measure(key, "p50_ms"), ".2f", "")
        row(f"echo p99 ms, {n} conn.", measure(key, "p99_ms"), ".2f", "")
        row(
            f"server CPU µs per round trip, {n} conn.",
            measure(key, "server_us_per_round_trip"),
            ".1f",
            "report",
        )
        row(f"loadgen CPU, {n} conn.", measure(key, "loadgen_cpu"), ".0%", "< 100%")
    for key, label in (
        ("broadcast_1000", "broadcast to 1000, all received"),
        ("broadcast_1000_slow", "… with 1 client that never reads"),
    ):
        row(f"{label}: p50 ms", measure(key, "p50_ms"), ".1f", "≤ 1.2×")
        row(f"{label}: p99 ms", measure(key, "p99_ms"), ".1f", "")
    memory = report["idle_memory"]
    row(
        f"idle memory per connection ({memory['service']['connections']}), KB",
        {name: figures["kb_per_connection"] for name, figures in memory.items()},
        ".1f",
        "≤ 1.3×",
    )
    kafka = report["echo_50_kafka"]["median"]
    runs = len(report["echo_50_kafka"]["runs"]["kafka_on"])
    published = report["echo_50_kafka"]["publisher"]["published"]
    sides = {"service": "", "before": "before_"}
    on_off, cpu_on, cpu_ratio = {}, {}, {}
    for name, prefix in sides.items():
        if f"{prefix}kafka_on" in kafka:
            on, off = kafka[f"{prefix}kafka_on"], kafka[f"{prefix}kafka_off"]
            on_off[name] = on["round_trips_per_s"] / off["round_trips_per_s"]
            cpu_on[name] = on["server_us_per_round_trip"]
            cpu_ratio[name] = on["server_us_per_round_trip"] / off["server_us_per_round_trip"]
    row(
        f"echo 50 conn., Kafka on / off round-trips/s ({runs} runs each; {published:,} records)",
        on_off,
        ".2f",
        "≥ 0.9",
    )
    row("… server CPU µs per round trip, Kafka on", cpu_on, ".1f", "report")
    row("… server CPU per round trip, Kafka on / off", cpu_ratio, ".2f", "report")
    return "\n".join(rows)


if __name__ == "__main__":
    raise SystemExit(main())
