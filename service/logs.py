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

from service.traces.log_lines import TracedLogLines

_listener: logging.handlers.QueueListener | None = None


def _invalid_utf8_is_the_clients_fault(record: logging.LogRecord) -> bool:
    """uvicorn logs a client's invalid UTF-8 text frame as an error with a traceback, so any client
    could fill the error log. The connection is closed with 1007 as RFC 6455 wants; one warning
    line without a traceback says so."""
    if record.exc_info and isinstance(record.exc_info[1], UnicodeDecodeError):
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg, record.args = "closed a client that sent a text frame that is not UTF-8 (1007)", ()
        record.exc_info, record.exc_text = None, None
        record.__dict__["event.action"] = "ws.invalid_utf8"
    return True


def _not_the_accept_line(record: logging.LogRecord) -> bool:
    """uvicorn's ``"WebSocket /ws" [accepted]`` line: the service's ``ws.connected`` line says the
    same with the channel, sampled under load like every per-connection line."""
    return not (isinstance(record.msg, str) and record.msg.endswith("[accepted]"))


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
    handler = logging.handlers.QueueHandler(records)
    handler.addFilter(TracedLogLines())
    root.handlers[:] = [handler]
    uvicorn_errors = logging.getLogger("uvicorn.error")
    uvicorn_errors.addFilter(_invalid_utf8_is_the_clients_fault)
    uvicorn_errors.addFilter(_not_the_accept_line)
    # websockets' own "connection open/closed" lines repeat what the service logs with the channel.
    logging.getLogger("websockets").setLevel(logging.WARNING)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "litestar"):
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
