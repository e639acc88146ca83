"""QA Kit WS: a WebSocket + REST training service for QA engineers."""

from __future__ import annotations

__version__ = "1.0.0"
