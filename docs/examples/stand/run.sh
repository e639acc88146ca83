python -m pip install uv==0.13.8 && uv run --frozen --no-dev python -m service
