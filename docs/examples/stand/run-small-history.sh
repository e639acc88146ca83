CHANNEL_HISTORY_SIZE=5 uv run --frozen --no-dev python -m service
