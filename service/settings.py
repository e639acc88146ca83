"""Settings, read from the environment once, one frozen dataclass per concern."""

from __future__ import annotations

import os
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


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitSettings:
    max_frame_bytes: int = 64 * 1024
    """``WS_MAX_FRAME_BYTES``: a larger WebSocket frame closes the connection with 1009."""
    max_body_bytes: int = 1024 * 1024
    """``HTTP_MAX_BODY_BYTES``: a larger REST body is answered 413."""
    outbox_frames: int = 4096
    """``WS_OUTBOX_FRAMES``: frames queued for one client before it counts as not reading."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSettings:
    database_url: str | None = None
    """``DATABASE_URL``: PostgreSQL DSN; without it orders live in memory."""


@dataclass(frozen=True, slots=True, kw_only=True)
class KafkaSettings:
    bootstrap_servers: str | None = None
    """``KAFKA_BOOTSTRAP_SERVERS``: without it, events go only to the in-memory log."""
    topic: str = "ws_events"
    """``KAFKA_TOPIC``: where event records go."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting; raises :class:`SettingsError` naming a bad variable."""
        env = os.environ if env is None else env
        return cls(
            server=ServerSettings(
                host=env.get("HOST", "0.0.0.0"),  # noqa: S104
                port=_int(env, "PORT", 8002, low=0, high=65535),
                log_level=_choice(env, "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
            ),
            limits=LimitSettings(
                max_frame_bytes=_int(env, "WS_MAX_FRAME_BYTES", 64 * 1024, low=1024, high=16 * 1024 * 1024),
                max_body_bytes=_int(env, "HTTP_MAX_BODY_BYTES", 1024 * 1024, low=1024, high=64 * 1024 * 1024),
                outbox_frames=_int(env, "WS_OUTBOX_FRAMES", 4096, low=16, high=1_000_000),
            ),
            store=StoreSettings(database_url=env.get("DATABASE_URL") or None),
            kafka=KafkaSettings(
                bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or None,
                topic=env.get("KAFKA_TOPIC") or "ws_events",
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


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env.get(name) or default).upper()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value
