"""The live service for tests: the names test modules import, from ``tools.live``.

``tools/live/`` holds the logic, shared with ``bench/``; this module only names it for the
tests, so that they keep one import path.
"""

from __future__ import annotations

from tools.live.ports import free_port
from tools.live.service import ROOT, LiveService, running_service, start_service

__all__ = ["ROOT", "LiveService", "free_port", "running_service", "start_service"]
