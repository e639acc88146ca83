"""``GET /trace/{request_id}``: a request's trace as JSON, the steps the request path kept as
tuples turned into the OpenAPI's ``TraceStep``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath

from generated import rest_models as rest
from service import spec
from service.errors import TraceNotFound
from service.events.publisher import Receipt
from service.runtime import Runtime
from service.traces.book import RequestTrace, Step
from service.transport.params import str_param

NO_BROKER = rest.TraceDelivery(status=rest.DeliveryStatus.no_broker)


@get("/trace/{request_id:str}", sync_to_thread=False)
def trace(request_id: FromPath[str], runtime: NamedDependency[Runtime]) -> rest.Trace:
    request_id = (
        str_param(request_id, pointer="/path/request_id", length=spec.REQUEST_ID_FILTER, required=True) or ""
    )
    found = runtime.traces.find(request_id)
    if not found:
        raise TraceNotFound(request_id)
    return rest.Trace(request_id=request_id, requests=[traced_request(kept) for kept in found])


def traced_request(trace: RequestTrace) -> rest.TracedRequest:
    received = datetime.fromtimestamp(trace.received_at, UTC)
    return rest.TracedRequest(
        transport=rest.Transport(trace.transport),
        received_at=received.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        client_id=trace.client_id,
        channel=trace.channel,
        action=trace.action,
        truncated=trace.truncated,
        steps=[shown for step in _kept_steps(trace) for shown in trace_steps(step, trace.started)],
    )


def _kept_steps(trace: RequestTrace) -> list[Step]:
    steps = list(trace.steps)
    if trace.received is not None:
        steps.insert(
            0, (trace.started, "received", f"received {trace.action or 'a frame'}", None, trace.received)
        )
    return steps


def trace_steps(step: Step, started: float) -> list[rest.TraceStep]:
    """A kept step as the OpenAPI shows it: one per frame when several frames went at once."""
    frame = step[4]
    if isinstance(frame, list):
        return [trace_step((*step[:4], one), started) for one in frame]
    return [trace_step(step, started)]


def trace_step(step: Step, started: float) -> rest.TraceStep:
    at, kind, summary, fields, frame = step
    extra: dict[str, Any] = {}
    if fields:
        extra.update(fields)
    receipt = extra.pop("receipt", False)
    if receipt is not False:
        extra["delivery"] = _delivery(receipt)
    if kind == "event":
        extra["event"] = str(getattr(extra["event"], "value", extra["event"]))
        summary = summary or f"event record {extra['event']} (key {extra['key']})"
    if frame is not None:
        assert not isinstance(frame, list)
        try:
            extra["frame"] = msgspec.json.decode(frame)
        except msgspec.DecodeError:
            extra["text"] = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
        if kind == "sent" and not summary:
            summary = f"sent {_frame_name(extra['frame'])}"
    return rest.TraceStep(
        at_ms=max(round((at - started) * 1000, 3), 0.0),
        kind=rest.TraceStepKind(kind),
        summary=summary,
        **extra,
    )


def _delivery(receipt: Receipt | None) -> rest.TraceDelivery:
    if receipt is None:
        return NO_BROKER
    found: dict[str, Any] = {"status": rest.DeliveryStatus(receipt.status)}
    for name in ("topic", "partition", "offset", "reason"):
        value = getattr(receipt, name)
        if value is not None:
            found[name] = value
    return rest.TraceDelivery(**found)


def _frame_name(frame: Any) -> str:
    """``ack``, ``event ws.echo``, ``error validation_error``: what a tester calls a frame."""
    if not isinstance(frame, dict):
        return "a frame"
    kind = str(frame.get("type", "a frame"))
    detail = frame.get("event") if kind == "event" else frame.get("code") if kind == "error" else None
    return f"{kind} {detail}" if detail else kind
