"""Which event loop and HTTP parser uvicorn runs, and why: the fast ones when they are installed.

uvloop and httptools are the fastest combination (see bench/), but uvloop has no Windows build
(``uv.lock`` leaves it out there) and either may be missing elsewhere. Then the service runs on
the standard asyncio loop and uvicorn's pure-Python h11 parser, and its start-up log line says
so, instead of dying with an ImportError.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerStack:
    """What ``uvicorn.Config`` gets as ``loop`` and ``http``, and the reasons for a slower choice."""

    loop: str
    """``uvloop``, or ``asyncio`` when uvloop cannot be imported."""
    http: str | type[asyncio.Protocol]
    """``httptools``, ``h11`` when httptools cannot be imported, or a protocol class of our own."""
    fallbacks: tuple[str, ...] = ()
    """Why a fallback was taken, one sentence each; empty when the fast stack runs."""

    @property
    def http_name(self) -> str:
        """The HTTP protocol as a log line names it."""
        return self.http if isinstance(self.http, str) else f"{self.http.__module__}.{self.http.__qualname__}"


def server_stack(*, importer: Callable[[str], ModuleType] = importlib.import_module) -> ServerStack:
    """uvloop and httptools when both import, else the standard loop and h11 for the missing one.

    Args:
        importer: imports a module by name (the tests pass one that fails).
    """
    fallbacks: list[str] = []
    loop = "uvloop"
    if (why := _missing("uvloop", importer)) is not None:
        loop = "asyncio"
        fallbacks.append(f"uvloop is not available ({why}; it has no Windows build): the asyncio event loop")
    http: str | type[asyncio.Protocol] = "httptools"
    if (why := _missing("httptools", importer)) is not None:
        http = "h11"
        fallbacks.append(
            f"httptools is not available ({why}): uvicorn's h11 HTTP parser, without the request "
            "time limit and the cap on unfinished requests (HTTP_REQUEST_TIMEOUT_SECONDS, "
            "HTTP_MAX_UNFINISHED)"
        )
    return ServerStack(loop=loop, http=http, fallbacks=tuple(fallbacks))


def _missing(name: str, importer: Callable[[str], ModuleType]) -> str | None:
    """``None`` when ``name`` imports, else the ImportError's message."""
    try:
        importer(name)
    except ImportError as error:
        return str(error) or type(error).__name__
    return None
