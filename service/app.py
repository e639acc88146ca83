"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.di import Provide

from service.runtime import Runtime
from service.settings import Settings
from service.transport.documented import DocumentedApi
from service.transport.guards import query_limit
from service.transport.prefer import prefer_faults
from service.transport.problems import EXCEPTION_HANDLERS
from service.transport.request_trace import trace_requests
from service.transport.rest import ROUTES
from service.transport.ws import WebSocketEndpoint


def create_app(settings: Settings | None = None) -> ServiceApp:
    """Build the app; settings come from the environment unless given."""
    runtime = Runtime.build(settings or Settings.from_env())
    endpoint = WebSocketEndpoint(runtime)

    def provide_runtime() -> Runtime:
        return runtime

    app = Litestar(
        route_handlers=ROUTES,
        dependencies={"runtime": Provide(provide_runtime, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[runtime.start],
        on_shutdown=[runtime.close],
        openapi_config=None,
        request_max_body_size=runtime.settings.limits.max_body_bytes,
        middleware=[
            query_limit(runtime.settings.limits.max_query_bytes),
            trace_requests(runtime.traces),
            prefer_faults(api=DocumentedApi.load(), runtime=runtime),
        ],
        logging_config=None,
        # Swagger UI's "Try it out" in the docs calls from another origin; "*" exposes every
        # response header to it, as a tester would see them with curl.
        cors_config=CORSConfig(allow_origins=list(runtime.settings.cors.allow_origins), expose_headers=["*"]),
    )
    app.state.runtime = runtime
    return ServiceApp(litestar=app, websocket=endpoint, runtime=runtime)


class ServiceApp:
    """The ASGI app: ``/ws`` goes straight to the WebSocket endpoint, everything else to Litestar.

    The endpoint gets the server's own ``send``, so it can drop a client that stops reading;
    and a frame never passes through HTTP middleware it has no use for.
    """

    def __init__(self, *, litestar: Litestar, websocket: WebSocketEndpoint, runtime: Runtime) -> None:
        self.litestar = litestar
        self.websocket = websocket
        self.runtime = runtime

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.dispatch(scope, receive, send)

    def dispatch(self, scope: Any, receive: Any, send: Any) -> Awaitable[None]:
        """The same routing without a frame of its own: ``python -m service`` serves this.

        It hands over the target's coroutine instead of awaiting it, so an idle connection
        holds one frame fewer (memory that bench/ counts). Tools that tell ASGI from WSGI by
        ``async def`` use the app itself.
        """
        if scope["type"] == "websocket" and scope["path"] == "/ws":
            return self.websocket(scope, receive, send)
        return self.litestar(scope, receive, send)
