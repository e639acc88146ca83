"""The event loop and HTTP parser: the fast ones when installed, the standard ones otherwise."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from types import ModuleType

from service.server_stack import ServerStack, server_stack


def importer_without(*hidden: str) -> Callable[[str], ModuleType]:
    """``importlib.import_module``, but ``hidden`` modules are missing, as uvloop is on Windows."""

    def load(name: str) -> ModuleType:
        if name in hidden:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return importlib.import_module(name)

    return load


def test_with_uvloop_and_httptools_installed_both_run_and_nothing_is_said() -> None:
    assert server_stack() == ServerStack(loop="uvloop", http="httptools", fallbacks=())


def test_without_uvloop_the_standard_loop_runs_and_the_reason_names_windows() -> None:
    stack = server_stack(importer=importer_without("uvloop"))
    assert (stack.loop, stack.http) == ("asyncio", "httptools")
    (reason,) = stack.fallbacks
    assert "uvloop" in reason
    assert "Windows" in reason
    assert "No module named 'uvloop'" in reason


def test_without_httptools_uvicorns_h11_parser_runs() -> None:
    stack = server_stack(importer=importer_without("httptools"))
    assert (stack.loop, stack.http) == ("uvloop", "h11")
    (reason,) = stack.fallbacks
    assert reason.startswith("httptools is not available")


def test_without_both_each_fallback_is_given_its_reason() -> None:
    stack = server_stack(importer=importer_without("uvloop", "httptools"))
    assert (stack.loop, stack.http, stack.http_name) == ("asyncio", "h11", "h11")
    assert [reason.split()[0] for reason in stack.fallbacks] == ["uvloop", "httptools"]


class OwnParser(asyncio.Protocol):
    """Stands for an HTTP protocol class of the service's own, which uvicorn takes as ``http``."""


def test_a_protocol_class_of_our_own_is_named_by_its_import_path() -> None:
    stack = ServerStack(loop="uvloop", http=OwnParser)
    assert stack.http_name == f"{__name__}.OwnParser"
