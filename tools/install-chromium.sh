#!/usr/bin/env bash
# Installs Debian's chromium for the docs browser test (tests/docs/test_rendered_specs.py).
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (CI runs as root).
# Playwright drives this browser; `playwright install` is never used (it downloads its own build).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium.sh: run as root (apt-get install needs it)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "installed: $(/usr/bin/chromium --version)"
