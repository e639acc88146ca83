DATABASE_URL=postgresql://qa:qa@localhost:5432/qa_kit uv run --frozen --no-dev python -m service
