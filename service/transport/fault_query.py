"""The handshake's fault parameters: ``/ws?latency_ms=&jitter_ms=&drop_rate=&disconnect_after_ms=
&disconnect_code=&seed=``, read against the AsyncAPI channel's query binding."""

from __future__ import annotations

import msgspec

from generated import ws_messages as wire
from service.actions.decode import validation_error
from service.actions.faults import DEFAULT_DISCONNECT_CODE, ConnectionFaults, close_code_problem
from service.errors import FaultsDisabled
from service.transport.channel_query import Query

FAULT_PARAMETERS = ("latency_ms", "jitter_ms", "drop_rate", "disconnect_after_ms", "disconnect_code", "seed")


def faults_of(query: Query, *, enabled: bool) -> ConnectionFaults | None:
    """The faults the handshake asks for, ``None`` for none; raises ``ValidationFailed`` naming
    the parameter (``/query/latency_ms``), or ``FaultsDisabled`` when faults are off."""
    given = {name: query[name][0] for name in FAULT_PARAMETERS if name in query}
    if not given:
        return None
    if not enabled:
        raise FaultsDisabled(f"the fault parameter{'s' if len(given) > 1 else ''} {', '.join(given)}")
    try:
        asked = msgspec.convert(given, wire.WsWsQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise validation_error(str(exc), pointer_prefix="/query") from None
    code = asked.disconnect_code if isinstance(asked.disconnect_code, int) else DEFAULT_DISCONNECT_CODE
    bad = close_code_problem(code, pointer="/query/disconnect_code")
    if bad is not None:
        raise bad
    return ConnectionFaults(
        latency_ms=asked.latency_ms if isinstance(asked.latency_ms, int) else 0,
        jitter_ms=asked.jitter_ms if isinstance(asked.jitter_ms, int) else 0,
        drop_rate=float(asked.drop_rate) if isinstance(asked.drop_rate, (int, float)) else 0.0,
        disconnect_after_ms=asked.disconnect_after_ms if isinstance(asked.disconnect_after_ms, int) else None,
        disconnect_code=code,
        seed=asked.seed if isinstance(asked.seed, int) else None,
    )
