"""Settings, read from the environment once, one frozen dataclass per concern."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSettings:
    host: str = "0.0.0.0"  # noqa: S104 - a training stand listens on every interface by design
    """``HOST``: the interface to listen on."""
    port: int = 8002
    """``PORT``: REST and WebSocket share it."""
    log_level: str = "INFO"
    """``LOG_LEVEL``: DEBUG, INFO, WARNING or ERROR."""
    log_actions: str = "sample"
    """``LOG_ACTIONS``: ``sample`` (at most ``LOG_ACTIONS_PER_SECOND`` action lines a second), ``all`` or ``off``."""
    log_actions_per_second: int = 200
    """``LOG_ACTIONS_PER_SECOND``: the action lines ``sample`` writes each second at most."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitSettings:
    max_frame_bytes: int = 64 * 1024
    """``WS_MAX_FRAME_BYTES``: a larger WebSocket frame closes the connection with 1009."""
    max_body_bytes: int = 1024 * 1024
    """``HTTP_MAX_BODY_BYTES``: a larger REST body is answered 413."""
    outbox_frames: int = 4096
    """``WS_OUTBOX_FRAMES``: frames queued for one client before it counts as not reading."""
    max_connections: int = 10_000
    """``WS_MAX_CONNECTIONS``: live WebSocket connections in all; more are refused with 503."""
    max_per_channel: int = 5_000
    """``WS_MAX_PER_CHANNEL``: live connections in one channel; more are refused with 503."""
    rate_per_second: float = 50.0
    """``WS_RATE_PER_SECOND``: frames a client may send per second, on average."""
    rate_burst: int = 100
    """``WS_RATE_BURST``: frames a client may send at once; this many refused in a row closes it."""
    ping_interval: float = 20.0
    """``WS_PING_INTERVAL``: seconds between server pings; 0 turns them off."""
    ping_timeout: float = 20.0
    """``WS_PING_TIMEOUT``: seconds a peer has to answer a ping before it is closed."""
    allowed_origins: tuple[str, ...] = ()
    """``ALLOWED_ORIGINS``: comma-separated; empty allows any ``Origin`` (a local stand)."""
    max_query_bytes: int = 8 * 1024
    """``HTTP_MAX_QUERY_BYTES``: a longer query string is answered 414."""
    direct_write: bool = True
    """``WS_DIRECT_WRITE``: write frames straight into uvicorn's connection (0: plain ASGI sends)."""
    request_timeout: float = 10.0
    """``HTTP_REQUEST_TIMEOUT_SECONDS``: a request's head and body (or a WebSocket upgrade) must
    arrive within this time, or the connection gets 408 and is closed (slow clients)."""
    max_head_bytes: int = 16 * 1024
    """``HTTP_MAX_HEAD_BYTES``: a longer request line gets 414, a longer request head 431."""
    max_unfinished: int = 256
    """``HTTP_MAX_UNFINISHED``: connections whose request has not fully arrived; at the cap the
    one that has waited longest is closed to make room."""


LOCAL_ORIGINS: tuple[str, ...] = ("http://localhost:*", "http://127.0.0.1:*")
"""Pages served from this machine on any port: ``mkdocs serve`` (8000), the built site, a tester's page."""

_ORIGIN = re.compile(r"\*|null|[a-z][a-z0-9+.-]*://[^/?#\s]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class CorsSettings:
    allow_origins: tuple[str, ...] = LOCAL_ORIGINS
    """``CORS_ALLOW_ORIGINS``: comma-separated origins whose pages may call the REST API from a
    browser (Swagger UI's "Try it out"); ``*`` in one stands for any part (``http://localhost:*``),
    ``*`` alone for any origin, ``null`` for a page opened from a file."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultSettings:
    enabled: bool = True
    """``FAULTS``: ``on`` lets clients ask for faults (``simulate``, the handshake's fault
    parameters, REST ``Prefer``); ``off`` refuses them with ``faults_disabled``, for a pristine
    server in CI or an exam."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HistorySettings:
    size: int = 100
    """``CHANNEL_HISTORY_SIZE``: frames a channel keeps for clients that resume (``since``); at
    most ``WS_OUTBOX_FRAMES`` less 2, since a resuming client may be sent them all at once (when
    not set, 100 or that bound, whichever is smaller: a small outbox alone stays a valid setting)."""
    ttl_seconds: float = 300.0
    """``CHANNEL_HISTORY_TTL_SECONDS``: frames older than this are no longer kept."""
    channels: int = 1000
    """``CHANNEL_HISTORY_CHANNELS``: channels that keep history; past it the channel used least
    recently loses its history (and its epoch changes)."""
    max_bytes: int = 32 * 1024 * 1024
    """``CHANNEL_HISTORY_MAX_BYTES``: the frames kept, in all channels; past it as above."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceSettings:
    requests: int = 1000
    """``TRACE_REQUESTS``: requests whose trace (``GET /trace/{request_id}``) is kept; past it the
    oldest goes first; 0 turns tracing off."""
    ttl_seconds: float = 600.0
    """``TRACE_TTL_SECONDS``: traces older than this are no longer kept."""
    max_bytes: int = 16 * 1024 * 1024
    """``TRACE_MAX_BYTES``: the frames traces keep, in all; past it the oldest trace goes first."""
    per_second: int = 1000
    """``TRACE_PER_SECOND``: requests traced each second at most; the rest of that second's are
    not (a load test pays for this many traces a second, not for every request)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSettings:
    database_url: str | None = None
    """``DATABASE_URL``: PostgreSQL DSN; without it orders live in memory."""
    pool_min: int = 1
    """``DB_POOL_MIN``: connections to PostgreSQL kept open while idle (restored after an outage)."""
    pool_max: int = 10
    """``DB_POOL_MAX``: connections at most; further concurrent store calls wait for a free one."""
    timeout_seconds: int = 2
    """``DB_TIMEOUT_SECONDS``: the longest one store call may take, connecting and waiting for a free
    connection included, before it fails with ``storage_unavailable``."""

    def __post_init__(self) -> None:
        if self.pool_min > self.pool_max:
            raise SettingsError(
                f"DB_POOL_MIN ({self.pool_min}) must not exceed DB_POOL_MAX ({self.pool_max})"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class KafkaSettings:
    bootstrap_servers: str | None = None
    """``KAFKA_BOOTSTRAP_SERVERS``: without it, events go only to the in-memory log."""
    topic: str = "ws_events"
    """``KAFKA_TOPIC``: where event records go."""
    buffer_events: int = 100_000
    """``KAFKA_BUFFER_EVENTS``: records kept for a broker that is away (a few hundred bytes
    each); past it new records are dropped, counted and logged."""
    flush_seconds: int = 5
    """``KAFKA_FLUSH_SECONDS``: at shutdown, how long to keep delivering what is buffered."""
    compression: str = "none"
    """``KAFKA_COMPRESSION``: ``none`` or ``gzip`` (lz4, zstd and snappy need C libraries we do
    not ship); gzip costs the event loop CPU, worth it only over a slow link to the broker."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    cors: CorsSettings = field(default_factory=CorsSettings)
    faults: FaultSettings = field(default_factory=FaultSettings)
    history: HistorySettings = field(default_factory=HistorySettings)
    traces: TraceSettings = field(default_factory=TraceSettings)

    def __post_init__(self) -> None:
        if self.history.size > self.limits.outbox_frames - 2:
            raise SettingsError(
                f"CHANNEL_HISTORY_SIZE ({self.history.size}) must be at most WS_OUTBOX_FRAMES less 2"
                f" ({self.limits.outbox_frames - 2}): a resuming client may be sent all of it at once"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting; raises :class:`SettingsError` naming a bad variable."""
        env = os.environ if env is None else env
        outbox_frames = _int(env, "WS_OUTBOX_FRAMES", 4096, low=16, high=1_000_000)
        history_size = min(HistorySettings().size, outbox_frames - 2)
        return cls(
            server=ServerSettings(
                host=env.get("HOST", "0.0.0.0"),  # noqa: S104
                port=_int(env, "PORT", 8002, low=0, high=65535),
                log_level=_choice(env, "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
                log_actions=_choice(env, "LOG_ACTIONS", "SAMPLE", ("SAMPLE", "ALL", "OFF")).lower(),
                log_actions_per_second=_int(env, "LOG_ACTIONS_PER_SECOND", 200, low=1, high=1_000_000),
            ),
            limits=LimitSettings(
                max_frame_bytes=_int(env, "WS_MAX_FRAME_BYTES", 64 * 1024, low=1024, high=16 * 1024 * 1024),
                max_body_bytes=_int(env, "HTTP_MAX_BODY_BYTES", 1024 * 1024, low=1024, high=64 * 1024 * 1024),
                outbox_frames=outbox_frames,
                max_connections=_int(env, "WS_MAX_CONNECTIONS", 10_000, low=1, high=1_000_000),
                max_per_channel=_int(env, "WS_MAX_PER_CHANNEL", 5_000, low=1, high=1_000_000),
                rate_per_second=_float(env, "WS_RATE_PER_SECOND", 50.0, low=0.1, high=1_000_000),
                rate_burst=_int(env, "WS_RATE_BURST", 100, low=1, high=1_000_000),
                ping_interval=_float(env, "WS_PING_INTERVAL", 20.0, low=0, high=3600),
                ping_timeout=_float(env, "WS_PING_TIMEOUT", 20.0, low=0, high=3600),
                allowed_origins=tuple(
                    origin.strip().rstrip("/")
                    for origin in env.get("ALLOWED_ORIGINS", "").split(",")
                    if origin.strip()
                ),
                max_query_bytes=_int(env, "HTTP_MAX_QUERY_BYTES", 8 * 1024, low=256, high=1024 * 1024),
                direct_write=_flag(env, "WS_DIRECT_WRITE", True),
                request_timeout=_float(env, "HTTP_REQUEST_TIMEOUT_SECONDS", 10.0, low=0.1, high=3600),
                max_head_bytes=_int(env, "HTTP_MAX_HEAD_BYTES", 16 * 1024, low=1024, high=1024 * 1024),
                max_unfinished=_int(env, "HTTP_MAX_UNFINISHED", 256, low=1, high=1_000_000),
            ),
            store=StoreSettings(
                database_url=env.get("DATABASE_URL") or None,
                pool_min=_int(env, "DB_POOL_MIN", 1, low=0, high=1000),
                pool_max=_int(env, "DB_POOL_MAX", 10, low=1, high=1000),
                timeout_seconds=_int(env, "DB_TIMEOUT_SECONDS", 2, low=1, high=300),
            ),
            kafka=KafkaSettings(
                bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
                topic=env.get("KAFKA_TOPIC") or "ws_events",
                buffer_events=_int(env, "KAFKA_BUFFER_EVENTS", 100_000, low=1, high=10_000_000),
                flush_seconds=_int(env, "KAFKA_FLUSH_SECONDS", 5, low=0, high=300),
                compression=_choice(env, "KAFKA_COMPRESSION", "NONE", ("NONE", "GZIP")).lower(),
            ),
            cors=CorsSettings(allow_origins=_origins(env, "CORS_ALLOW_ORIGINS", LOCAL_ORIGINS)),
            faults=FaultSettings(enabled=_flag(env, "FAULTS", True)),
            history=HistorySettings(
                size=_int(env, "CHANNEL_HISTORY_SIZE", history_size, low=1, high=1_000_000),
                ttl_seconds=_float(env, "CHANNEL_HISTORY_TTL_SECONDS", 300.0, low=1, high=7 * 24 * 3600),
                channels=_int(env, "CHANNEL_HISTORY_CHANNELS", 1000, low=1, high=1_000_000),
                max_bytes=_int(
                    env, "CHANNEL_HISTORY_MAX_BYTES", 32 * 1024 * 1024, low=64 * 1024, high=4 * 1024**3
                ),
            ),
            traces=TraceSettings(
                requests=_int(env, "TRACE_REQUESTS", 1000, low=0, high=1_000_000),
                ttl_seconds=_float(env, "TRACE_TTL_SECONDS", 600.0, low=1, high=7 * 24 * 3600),
                max_bytes=_int(env, "TRACE_MAX_BYTES", 16 * 1024 * 1024, low=64 * 1024, high=4 * 1024**3),
                per_second=_int(env, "TRACE_PER_SECOND", 1000, low=1, high=1_000_000),
            ),
        )


def _int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, *, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be on or off (1 or 0), got {raw!r}")


def _origins(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name, "")
    if not raw.strip():
        return default
    origins = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise SettingsError(
                f"{name} must list origins (scheme://host[:port], no path), '*' or 'null', got {origin!r}"
            )
    return origins


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env.get(name) or default).upper()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value
