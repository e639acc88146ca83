"""Event publisher implementations: the in-memory recent-events log and Kafka."""
