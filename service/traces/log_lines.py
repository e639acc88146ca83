"""Log lines written while a request is answered go into its trace too."""

from __future__ import annotations

import logging

from service.traces.book import CURRENT


class TracedLogLines(logging.Filter):
    """A handler filter: adds each record logged in a traced request's context to its trace.

    The action journal adds its own lines when it is called (``ActionJournal.record``); its
    sampled writer runs later, outside any request, so nothing is added twice.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        trace = CURRENT.get()
        # The access line repeats the ``response`` step, with the client's port.
        if trace is not None and record.name != "uvicorn.access":
            fields = {"level": record.levelname.lower()}
            event = record.__dict__.get("event.action")
            if isinstance(event, str):
                fields["event"] = event
            trace.add("log", record.getMessage(), fields)
        return True
