"""``uv run python -m bench``: the service beside a bare ``websockets`` server, same load, same run.

Prints a table of medians and service/reference ratios and writes the figures as JSON
(``bench/results/latest.json`` unless ``--json`` says otherwise). ``--quick`` runs one
repetition of shorter phases, for a smoke test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench import loadgen
from bench.servers import Server, kafka_broker, reference, service

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
    }

    with service() as svc, reference() as ref:
        for connections in (1, 50, 500):
            print(f"echo, {connections} connections …", flush=True)
            runs = interleaved(
                [svc, ref],
                reps,
                {"mode": "echo", "connections": connections, "seconds": seconds, "warmup": 1},
            )
            report[f"echo_{connections}"] = {
                "runs": runs,
                "median": summarise(
                    runs, ["round_trips_per_s", "p50_ms", "p99_ms", "loadgen_cpu", "server_cpu"]
                ),
            }
        for slow in (0, 1):
            print(f"broadcast to 1000 clients{' + 1 that never reads' if slow else ''} …", flush=True)
            runs = interleaved(
                [svc, ref], reps, {"mode": "broadcast", "receivers": 1000, "rounds": rounds, "slow": slow}
            )
            report[f"broadcast_1000{'_slow' if slow else ''}"] = {
                "runs": runs,
                "median": summarise(runs, ["p50_ms", "p99_ms", "loadgen_cpu", "server_cpu"]),
                "rss_after": {"service": svc.rss, "reference": ref.rss},
            }

    print(f"idle memory, {idle_connections} connections …", flush=True)
    memory: dict[str, Any] = {}
    for start in (service, reference):
        with start() as fresh:
            memory[fresh.name] = loadgen.idle_memory(fresh, idle_connections)
    report["idle_memory"] = memory

    print("echo, 50 connections, Kafka on vs off …", flush=True)
    with (
        kafka_broker() as bootstrap,
        service("kafka_off") as off,
        service("kafka_on", {"KAFKA_BOOTSTRAP_SERVERS": bootstrap}) as on,
    ):
        # The closest race in the table (a few per cent), on machines whose speed drifts by
        # more than that within seconds: more, shorter runs than the other phases.
        pairs, pair_seconds = (reps, seconds) if args.quick else (14, 2)
        runs = interleaved(
            [on, off], pairs, {"mode": "echo", "connections": 50, "seconds": pair_seconds, "warmup": 1}
        )
        for run in (*runs["kafka_on"], *runs["kafka_off"]):
            run["server_us_per_round_trip"] = run["server_cpu"] / run["round_trips_per_s"] * 1e6
        report["echo_50_kafka"] = {
            "runs": runs,
            "median": summarise(
                runs,
                [
                    "round_trips_per_s",
                    "p50_ms",
                    "p99_ms",
                    "loadgen_cpu",
                    "server_cpu",
                    "server_us_per_round_trip",
                ],
            ),
            "publisher": kafka_delivered(on),
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
    rows = ["| measure | service | bare websockets | service / reference | target |", "|---|---|---|---|---|"]
    for n in (1, 50, 500):
        m = report[f"echo_{n}"]["median"]
        s, r = m["service"], m["reference"]
        rows.append(
            f"| echo round-trips/s, {n} conn. | {s['round_trips_per_s']:,.0f} | {r['round_trips_per_s']:,.0f} | "
            f"{s['round_trips_per_s'] / r['round_trips_per_s']:.2f}× | {'≥ 1.0×' if n == 50 else 'report'} |"
        )
        rows.append(
            f"| echo p50 / p99 ms, {n} conn. | {s['p50_ms']:.2f} / {s['p99_ms']:.2f} | "
            f"{r['p50_ms']:.2f} / {r['p99_ms']:.2f} | {s['p50_ms'] / r['p50_ms']:.2f}× | |"
        )
        rows.append(
            f"| loadgen / server CPU, {n} conn. | {s['loadgen_cpu']:.0%} / {s['server_cpu']:.0%} | "
            f"{r['loadgen_cpu']:.0%} / {r['server_cpu']:.0%} | | loadgen < 100% |"
        )
    for key, label in (
        ("broadcast_1000", "broadcast to 1000, all received"),
        ("broadcast_1000_slow", "… with 1 client that never reads"),
    ):
        m = report[key]["median"]
        s, r = m["service"], m["reference"]
        rows.append(
            f"| {label}: p50 / p99 ms | {s['p50_ms']:.1f} / {s['p99_ms']:.1f} | {r['p50_ms']:.1f} / "
            f"{r['p99_ms']:.1f} | {s['p50_ms'] / r['p50_ms']:.2f}× | ≤ 1.2× |"
        )
    mem = report["idle_memory"]
    s_kb, r_kb = mem["service"]["kb_per_connection"], mem["reference"]["kb_per_connection"]
    rows.append(
        f"| idle memory per connection ({mem['service']['connections']}) | {s_kb:.1f} KB | {r_kb:.1f} KB | "
        f"{s_kb / r_kb:.2f}× | ≤ 1.3× |"
    )
    published = report["echo_50_kafka"]["publisher"]["published"]
    k = report["echo_50_kafka"]["median"]
    on, off = k["kafka_on"], k["kafka_off"]
    runs = len(report["echo_50_kafka"]["runs"]["kafka_on"])
    rows.append(
        f"| echo 50 conn., Kafka on / off ({runs} runs each; {published:,} records published) | "
        f"{on['round_trips_per_s']:,.0f} / "
        f"{off['round_trips_per_s']:,.0f} | | {on['round_trips_per_s'] / off['round_trips_per_s']:.2f}× | ≥ 0.9× |"
    )
    rows.append(
        f"| … server CPU per round trip, Kafka on / off | {on['server_us_per_round_trip']:.1f} / "
        f"{off['server_us_per_round_trip']:.1f} µs | | "
        f"{on['server_us_per_round_trip'] / off['server_us_per_round_trip']:.2f}× | report |"
    )
    return "\n".join(rows)


if __name__ == "__main__":
    raise SystemExit(main())
