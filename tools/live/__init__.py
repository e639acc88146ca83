"""Real processes on free loopback ports: the service and a Tansu broker.

Shared by ``tests/`` and ``bench/``, so that neither imports the other.
"""
