FAULTS=off uv run --frozen --no-dev python -m service
