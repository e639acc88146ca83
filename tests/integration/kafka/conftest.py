"""The broker for the tests of this folder.

By default every test gets its own Tansu broker (started in milliseconds, memory storage). With
``KAFKA_BOOTSTRAP_SERVERS`` set, the tests use that broker instead, each with a topic of its
own, and the outage tests (which must kill the broker) are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tansu import KafkaTarget, TansuBroker, running_tansu


@pytest.fixture
def kafka(tmp_path: Path) -> Iterator[KafkaTarget]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield KafkaTarget(bootstrap=external, topic=f"ws_events.test-{uuid.uuid4().hex[:12]}", broker=None)
        return
    with running_tansu(tmp_path / "tansu.log") as broker:
        yield KafkaTarget(bootstrap=broker.bootstrap, topic="ws_events", broker=broker)


@pytest.fixture
def broker(kafka: KafkaTarget) -> TansuBroker:
    """The test's own broker, which it may kill and restart."""
    if kafka.broker is None:
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS points at an external broker; outage tests need the Tansu one")
    return kafka.broker
