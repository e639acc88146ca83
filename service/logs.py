"""Logging: one JSON object per line on stdout, in the Elastic Common Schema.

Records carry ``request_id``, ``channel``, ``action`` and ``event`` as fields, so Filebeat →
Elasticsearch → Kibana can filter on them. Formatting and writing happen on a background
thread behind a queue, so a log call on the request path never waits for stdout.
"""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import queue
import sys

import ecs_logging

_listener: logging.handlers.QueueListener | None = None


def configure_logging(level: str) -> None:
    """Send every log record, the server's included, to stdout as ECS JSON lines."""
    global _listener
    if _listener is not None:
        _listener.stop()
    stream = logging.StreamHandler(sys.stdout)
    stream.setFormatter(ecs_logging.StdlibFormatter(exclude_fields=["process", "log.original"]))
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, stream, respect_handler_level=False)
    _listener.start()
    atexit.register(_listener.stop)
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(records)]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "litestar"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
