"""``Prefer`` (RFC 7240) on REST: faults a tester asks for, in a middleware before the handlers.

``Prefer: code=503`` answers the operation's documented 503 (``service.transport.documented``)
without running it; ``Prefer: delay=1500`` runs it and holds its answer back 1500 ms; both may
be combined. Other preferences are ignored, as RFC 7240 asks; a malformed ``code`` or
``delay`` is ``ValidationFailed`` at ``/header/Prefer``, and with ``FAULTS=off`` either is
``FaultsDisabled`` (both mapped to problems by ``service.transport.problems``). What was
applied is named in ``Preference-Applied`` and published as a ``fault.injected`` record.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.types import ASGIApp

from service.actions.faults import fault_record
from service.actions.frames import now
from service.errors import FaultsDisabled, ValidationFailed
from service.runtime import Runtime
from service.traces.book import CURRENT
from service.transport.documented import DocumentedAnswer, DocumentedApi, Operation
from service.transport.preferences import OURS, POINTER, checked, preference_values


def prefer_faults(*, api: DocumentedApi, runtime: Runtime) -> Any:
    """The Litestar middleware that applies ``Prefer`` to the operations ``api`` documents."""
    enabled = runtime.settings.faults.enabled
    publish, journal = runtime.delivery.publish, runtime.journal

    def middleware(app: ASGIApp) -> ASGIApp:
        async def preferring(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            fields = [value.decode("latin-1") for name, value in scope["headers"] if name == b"prefer"]
            operation = api.operation(scope["method"], scope["path"]) if fields else None
            if operation is None:
                await app(scope, receive, send)
                return
            values = {name: value for name, value in preference_values(fields).items() if name in OURS}
            if not values:
                await app(scope, receive, send)
                return
            if not enabled:
                plural = "s" if len(values) > 1 else ""
                raise FaultsDisabled(f"the Prefer preference{plural} {', '.join(values)}")
            asked = checked(values)
            answer = _documented(operation, asked.code)
            path = scope["path"]
            trace = CURRENT.get()
            if trace is not None:
                trace.add("fault", f"faults injected: Prefer {asked.header()}", {"faults": asked.applied()})
            publish(
                [
                    fault_record(
                        {
                            "target": "request",
                            "method": operation.method,
                            "path": path,
                            "faults": asked.applied(),
                        },
                        request_id=None,
                        channel=None,
                        ts=now(),
                    )
                ]
            )
            journal.record(
                "fault.injected",
                action=None,
                channel=None,
                request_id=None,
                message=f"faults injected into the answer to {operation.method} {path}: Prefer {asked.header()}",
            )
            applied = (b"preference-applied", asked.header().encode())
            if answer is None:
                await app(scope, receive, _held_back(send, asked.delay_ms or 0, applied))
                return
            if asked.delay_ms:
                await asyncio.sleep(asked.delay_ms / 1000)
            await _send(send, answer, applied)

        return preferring

    return middleware


def _documented(operation: Operation, code: int | None) -> DocumentedAnswer | None:
    if code is None:
        return None
    answer = operation.answers.get(code)
    if answer is None:
        raise ValidationFailed(
            f"Prefer: code={code} is not an answer of {operation.method} {operation.path}; "
            f"it documents {operation.statuses()}",
            pointer=POINTER,
        )
    return answer


def _held_back(send: Any, delay_ms: int, applied: tuple[bytes, bytes]) -> Any:
    """``send``, with the start of the answer ``delay_ms`` later and ``Preference-Applied`` added."""

    async def held_back(message: Any) -> None:
        if message["type"] == "http.response.start":
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            message = {**message, "headers": [*message.get("headers", ()), applied]}
        await send(message)

    return held_back


async def _send(send: Any, answer: DocumentedAnswer, applied: tuple[bytes, bytes]) -> None:
    headers = [(name.lower().encode(), value.encode()) for name, value in answer.headers]
    if answer.content_type is not None:
        headers.insert(0, (b"content-type", answer.content_type.encode()))
    headers += [(b"content-length", str(len(answer.body)).encode()), applied]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
