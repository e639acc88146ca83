"""Logging: one JSON object per line on stdout, in the Elastic Common Schema.

Records carry ``request_id``, ``channel`` and ``action`` as fields and the event name as ECS
``event.action`` (``event`` is an ECS object, so a plain ``event`` string would clash with the
``filebeat-*`` mapping), so Kibana can filter on ``request_id : "r-echo-1"`` or
``event.action : "ws.echo"``. Formatting and writing happen on a background
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
    stream.setFormatter(
        ecs_logging.StdlibFormatter(exclude_fields=["process", "log.original", "log.origin", "color_message"])
    )
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
