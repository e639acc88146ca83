#!/bin/sh
# Прогон сценариев в CI на уже запущенном стенде: отчёт JUnit для CI, сценарии «только для
# свежего сервиса» пропускаются (стенд мог уже поработать).
set -eu
uv run --frozen pytest scenarios/ \
  --ws-url "${WS_URL:-ws://localhost:8002/ws}" \
  -m "not fresh_service" \
  --junitxml="${REPORT:-scenarios-report.xml}" \
  -p no:cacheprovider -q
