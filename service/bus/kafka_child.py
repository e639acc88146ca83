"""``python -m service.bus.kafka_child``: the Kafka side of :mod:`service.bus.kafka_process`.

Reads ``key<TAB>json<LF>`` records from stdin into a :class:`KafkaPublisher`, writes a JSON
report of its counts to stdout a few times a second, logs (ECS JSON) to stderr, and ends when
stdin closes, after delivering what it holds within ``KAFKA_FLUSH_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

import msgspec

from service.bus.kafka import KafkaPublisher
from service.bus.kafka_process import ChildReport
from service.logs import configure_logging
from service.settings import Settings

REPORT_SECONDS = 0.2


async def forward(publisher: KafkaPublisher) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    received = 0

    def report() -> None:
        health = publisher.health()
        line = msgspec.json.encode(
            ChildReport(
                status=health.status,
                received=received,
                published=health.published,
                buffered=health.buffered,
                dropped=health.dropped,
                topic=health.topic,
                error=health.error,
            )
        )
        sys.stdout.buffer.write(line + b"\n")
        sys.stdout.buffer.flush()

    async def keep_reporting() -> None:
        while True:
            report()
            await asyncio.sleep(REPORT_SECONDS)

    await publisher.start()
    reporting = asyncio.create_task(keep_reporting())
    while line := await reader.readline():
        key, _, value = line.rstrip(b"\n").partition(b"\t")
        received += 1
        publisher.publish_encoded(key, value)
    await publisher.close()
    reporting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reporting
    with contextlib.suppress(BrokenPipeError):
        report()


def main() -> int:
    # The service decides when this ends (by closing stdin), not a signal to the process group.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    settings = Settings.from_env()
    configure_logging(settings.server.log_level, stream=sys.stderr)
    asyncio.run(forward(KafkaPublisher(settings.kafka)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
