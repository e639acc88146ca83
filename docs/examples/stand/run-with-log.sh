uv run --frozen --no-dev python -m service > service.log
