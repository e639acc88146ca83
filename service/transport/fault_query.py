"""The handshake's fault parameters: ``/ws?latency_ms=&jitter_ms=&drop_rate=&disconnect_after_ms=
&disconnect_code=&seed=``, read against the AsyncAPI channel's query binding."""

from __future__ import annotations

from urllib.parse import parse_qs

import msgspec

from generated import ws_messages as wire
from service.actions.decode import validation_error
from service.actions.faults import DEFAULT_DISCONNECT_CODE, ConnectionFaults, close_code_problem
from service.errors import FaultsDisabled

FAULT_PARAMETERS = ("latency_ms", "jitter_ms", "drop_rate", "disconnect_after_ms", "disconnect_code", "seed")


def faults_of(query_string: bytes, *, enabled: bool) -> ConnectionFaults | None:
    """The faults the handshake asks for, ``None`` for none; raises ``ValidationFailed`` naming
    the parameter (``/query/latency_ms``), or ``FaultsDisabled`` when faults are off."""
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True)
    given = {name: values[name][0] for name in FAULT_PARAMETERS if name in values}
    if not given:
        return None
    if not enabled:
        raise FaultsDisabled(f"the fault parameter{'s' if len(given) > 1 else ''} {', '.join(given)}")
    try:
        query = msgspec.convert(given, wire.WsWsQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise validation_error(str(exc), pointer_prefix="/query") from None
    code = query.disconnect_code if isinstance(query.disconnect_code, int) else DEFAULT_DISCONNECT_CODE
    bad = close_code_problem(code, pointer="/query/disconnect_code")
    if bad is not None:
        raise bad
    return ConnectionFaults(
        latency_ms=query.latency_ms if isinstance(query.latency_ms, int) else 0,
        jitter_ms=query.jitter_ms if isinstance(query.jitter_ms, int) else 0,
        drop_rate=float(query.drop_rate) if isinstance(query.drop_rate, (int, float)) else 0.0,
        disconnect_after_ms=query.disconnect_after_ms if isinstance(query.disconnect_after_ms, int) else None,
        disconnect_code=code,
        seed=query.seed if isinstance(query.seed, int) else None,
    )
