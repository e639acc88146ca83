"""``python -m service``: serve REST and WebSocket on one port (``HOST``/``PORT``)."""

from __future__ import annotations

import signal
import socket
import sys
from types import FrameType

import uvicorn

from service.app import create_app
from service.logs import configure_logging
from service.runtime import Runtime
from service.settings import Settings, SettingsError

# websockets' Sans-I/O implementation is the fastest correct one uvicorn offers (see bench/).
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


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"qa-kit-ws: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.server.log_level)
    app = create_app(settings)
    limits = settings.limits
    config = uvicorn.Config(
        app.dispatch,
        host=settings.server.host,
        port=settings.server.port,
        ws=WS_IMPLEMENTATION,
        ws_max_size=limits.max_frame_bytes,
        ws_per_message_deflate=False,
        ws_ping_interval=limits.ping_interval or None,
        ws_ping_timeout=limits.ping_timeout or None,
        loop="uvloop",
        http="httptools",
        log_config=None,
        proxy_headers=False,
        interface="asgi3",
        timeout_graceful_shutdown=5,
    )
    GracefulServer(config, app.runtime).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
