"""``python -m service``: serve REST and WebSocket on one port (``HOST``/``PORT``)."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
from types import FrameType

import uvicorn
from uvicorn.server import ServerState

from service.app import ServiceApp, create_app
from service.logs import configure_logging
from service.runtime import Runtime
from service.server_stack import ServerStack, server_stack
from service.settings import Settings, SettingsError
from service.transport.direct import missing_for_direct_writes
from service.transport.uvicorn_ws import GuardedWebSocketProtocol

log = logging.getLogger("service")

# websockets' Sans-I/O implementation is the fastest correct one uvicorn offers (see bench/); the
# service runs its subclass, transport/uvicorn_ws.py.
WS_IMPLEMENTATION = "websockets-sansio"


class GracefulServer(uvicorn.Server):
    """On SIGTERM: stop accepting, close every WebSocket client with 1001, then shut down.

    uvicorn on its own would close WebSocket clients with 1012 (service restart); a training
    stand that goes away says so with 1001. Buffered Kafka events are flushed afterwards, in
    the app's shutdown, within their own bound.
    """

    def __init__(self, config: uvicorn.Config, runtime: Runtime) -> None:
        super().__init__(config)
        self._runtime = runtime

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        # uvicorn re-raises a caught SIGTERM after shutting down, so the process would end
        # "killed by signal"; a graceful shutdown is a clean exit, status 0.
        if sig == signal.SIGTERM and sig in self._captured_signals:
            self._captured_signals.remove(sig)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        await self._runtime.say_goodbye()
        await super().shutdown(sockets)


def uvicorn_config(settings: Settings, app: ServiceApp, stack: ServerStack | None = None) -> uvicorn.Config:
    """uvicorn as ``python -m service`` runs it (the tests and bench/ start the same).

    ``stack``: the event loop and HTTP parser; by default :func:`server_stack` chooses them.
    """
    limits = settings.limits
    stack = stack or server_stack()
    return uvicorn.Config(
        app.dispatch,
        host=settings.server.host,
        port=settings.server.port,
        ws=GuardedWebSocketProtocol,
        ws_max_size=limits.max_frame_bytes,
        ws_per_message_deflate=False,
        ws_ping_interval=limits.ping_interval or None,
        ws_ping_timeout=limits.ping_timeout or None,
        loop=stack.loop,
        http=http_protocol(stack, settings),
        log_config=None,
        proxy_headers=False,
        interface="asgi3",
        timeout_graceful_shutdown=5,
    )


def http_protocol(stack: ServerStack, settings: Settings) -> str | type[asyncio.Protocol]:
    """httptools as the service's subclass with its request limits; another parser as uvicorn has it."""
    if stack.http != "httptools":
        return stack.http
    from service.transport.uvicorn_http import guarded_http  # imports httptools: only when it is there

    limits = settings.limits
    return guarded_http(
        request_timeout=limits.request_timeout,
        max_head_bytes=limits.max_head_bytes,
        max_unfinished=unfinished_cap(limits.max_unfinished),
    )


def unfinished_cap(wanted: int) -> int:
    """``HTTP_MAX_UNFINISHED``, lowered so that unfinished requests can hold at most a quarter of
    the process's open-file limit (else slow clients could still lock every new one out)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return wanted
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or wanted <= soft // 4:
        return wanted
    cap = max(1, soft // 4)
    log.warning(
        "HTTP_MAX_UNFINISHED %d lowered to %d: the open-file limit is %d",
        wanted,
        cap,
        soft,
        extra={"event.action": "http.limits"},
    )
    return cap


def write_path(config: uvicorn.Config, settings: Settings) -> str | None:
    """``None`` when frames will be written straight into the server's connections, else why not.

    Checked on a protocol object of the server's own WebSocket class, made and dropped here.
    """
    if not settings.limits.direct_write:
        return "WS_DIRECT_WRITE=0"
    if not config.loaded:
        config.load()
    protocol_class = config.ws_protocol_class
    if protocol_class is None:
        return "the server has no WebSocket implementation"
    loop = asyncio.new_event_loop()
    try:
        protocol = protocol_class(config=config, server_state=ServerState(), app_state={}, _loop=loop)  # type: ignore[call-arg]
    finally:
        loop.close()
    return missing_for_direct_writes(getattr(getattr(protocol, "send", None), "__self__", None))


def log_server_stack(stack: ServerStack) -> None:
    """One start-up line: which event loop and HTTP parser run, and why when not the fast ones."""
    # Not "http": ECS maps that name to an object, a string there would clash in filebeat-*.
    extra = {"event.action": "server.stack", "event_loop": stack.loop, "http_parser": stack.http_name}
    if not stack.fallbacks:
        log.info(
            "uvicorn runs on the %s event loop with the %s HTTP parser",
            stack.loop,
            stack.http_name,
            extra=extra,
        )
        return
    log.warning(
        "uvicorn runs on the %s event loop with the %s HTTP parser (slower): %s",
        stack.loop,
        stack.http_name,
        "; ".join(stack.fallbacks),
        extra=extra,
    )


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"qa-kit-ws: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.server.log_level)
    app = create_app(settings)
    stack = server_stack()
    log_server_stack(stack)
    config = uvicorn_config(settings, app, stack)
    why_not = write_path(config, settings)
    if why_not is None:
        log.info(
            "WebSocket frames are written straight into uvicorn's %s connections",
            WS_IMPLEMENTATION,
            extra={"event.action": "ws.write_path", "write_path": "direct"},
        )
    else:
        log.warning(
            "WebSocket frames go through ASGI sends (slower): %s",
            why_not,
            extra={"event.action": "ws.write_path", "write_path": "asgi"},
        )
    GracefulServer(config, app.runtime).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
