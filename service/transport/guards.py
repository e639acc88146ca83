"""Request guards that run before any handler."""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp

from service.transport.problems import PROBLEM_JSON, problem_body


def query_limit(max_bytes: int) -> Any:
    """Answer 414 to a request whose query string is over ``max_bytes``."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def guarded(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and len(scope.get("query_string", b"")) > max_bytes:
                body = problem_body(414, "uri_too_long", f"The query string is over {max_bytes} bytes")
                await send(
                    {
                        "type": "http.response.start",
                        "status": 414,
                        "headers": [
                            (b"content-type", PROBLEM_JSON.encode()),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        return guarded

    return middleware
