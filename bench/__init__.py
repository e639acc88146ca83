"""Benchmarks: the service beside a bare `websockets` reference server, driven by one load generator."""
