"""``python -m service``: serve REST and WebSocket on one port (``HOST``/``PORT``)."""

from __future__ import annotations

import sys

import uvicorn

from service.logs import configure_logging
from service.settings import Settings, SettingsError

# websockets' Sans-I/O implementation is the fastest correct one uvicorn offers (see bench/).
WS_IMPLEMENTATION = "websockets-sansio"


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"qa-kit-ws: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.server.log_level)
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=settings.server.host,
        port=settings.server.port,
        ws=WS_IMPLEMENTATION,
        ws_max_size=settings.limits.max_frame_bytes,
        ws_per_message_deflate=False,
        loop="uvloop",
        http="httptools",
        log_config=None,
        timeout_graceful_shutdown=5,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
