"""Event publisher implementations: the in-memory recent-events log and Kafka."""

from __future__ import annotations

from service.events.publisher import EventPublisher
from service.settings import KafkaSettings


def open_kafka(settings: KafkaSettings) -> EventPublisher | None:
    """The Kafka publisher when ``KAFKA_BOOTSTRAP_SERVERS`` is set, else ``None``."""
    if not settings.bootstrap_servers:
        return None
    # Imported here so that a service without a broker never loads aiokafka.
    from service.bus.kafka import KafkaPublisher

    return KafkaPublisher(settings)
