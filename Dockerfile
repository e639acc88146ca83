# The QA Kit WS service image (compose.yaml builds it as `qa_websocket`).
# Dependencies come from uv.lock only, without the dev group; the image runs as a non-root user.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
# The lock first: this layer is rebuilt only when the dependencies change.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY api_specs ./api_specs
COPY generated ./generated
COPY service ./service

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 qa \
    && useradd --system --uid 10001 --gid qa --no-create-home --shell /usr/sbin/nologin qa
WORKDIR /app
# Owned by root: the service user can read its code but not change it.
COPY --from=build /app /app
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8002
USER qa
EXPOSE 8002
# Slim images have no curl: the standard library asks /health (any non-2xx answer raises).
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8002'), timeout=2)"]
# uvicorn with --ws websockets-sansio, --loop uvloop, --http httptools, no per-message deflate:
# the fastest correct combination (see bench/ and ARCHITECTURE.md), set in service/__main__.py.
CMD ["python", "-m", "service"]
