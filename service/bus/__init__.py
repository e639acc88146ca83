"""Event publisher implementations: the in-memory recent-events log and Kafka."""

from __future__ import annotations

from service.events.publisher import EventPublisher
from service.settings import KafkaSettings


def open_kafka(settings: KafkaSettings) -> EventPublisher | None:
    """The Kafka publisher when ``KAFKA_BOOTSTRAP_SERVERS`` is set, else ``None``."""
    if settings.bootstrap_servers:
        raise NotImplementedError("Kafka publishing is not built yet; unset KAFKA_BOOTSTRAP_SERVERS")
    return None
