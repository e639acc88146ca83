"""The Litestar application factory."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, asgi
from litestar.di import Provide

from service.runtime import Runtime
from service.settings import Settings
from service.transport.guards import query_limit
from service.transport.problems import EXCEPTION_HANDLERS
from service.transport.rest import ROUTES
from service.transport.ws import WebSocketEndpoint


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app; settings come from the environment unless given."""
    runtime = Runtime.build(settings or Settings.from_env())
    endpoint = WebSocketEndpoint(runtime)

    @asgi("/ws", copy_scope=False)
    async def websocket(scope: Any, receive: Any, send: Any) -> None:
        await endpoint(scope, receive, send)

    def provide_runtime() -> Runtime:
        return runtime

    app = Litestar(
        route_handlers=[*ROUTES, websocket],
        dependencies={"runtime": Provide(provide_runtime, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[runtime.start],
        on_shutdown=[runtime.close],
        openapi_config=None,
        request_max_body_size=runtime.settings.limits.max_body_bytes,
        middleware=[query_limit(runtime.settings.limits.max_query_bytes)],
        logging_config=None,
    )
    app.state.runtime = runtime
    return app
