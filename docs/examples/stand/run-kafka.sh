KAFKA_BOOTSTRAP_SERVERS=localhost:9092 uv run --frozen --no-dev python -m service
