"""Headless Chromium for the browser tests: Debian's package (Playwright only drives it, never a
browser of its own), in a fresh profile, with every request to another host refused and noted."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Route, ViewportSize, async_playwright

from tools.live.service import ROOT

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_CHROMIUM = ROOT / "tools" / "install-chromium.sh"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def ensure_chromium() -> None:
    """Install Debian's chromium where it is missing and we are root (the README's one test
    command must work on a fresh machine); else fail saying how to install it."""
    if not CHROMIUM.is_file() and os.geteuid() == 0:
        subprocess.run(["bash", str(INSTALL_CHROMIUM)], check=False, timeout=900)
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install it with `bash tools/install-chromium.sh` (as root).")


@contextlib.asynccontextmanager
async def closed_browser(
    profile: Path,
    *,
    local: Callable[[str], bool],
    refused: list[str],
    viewport: ViewportSize,
    seen: list[str] | None = None,
) -> AsyncIterator[BrowserContext]:
    """A browser whose pages reach only URLs ``local`` allows (and ``data:``/``blob:``); every
    other URL is refused and appended to ``refused``; every URL asked for, to ``seen``."""
    ensure_chromium()

    async def gate(route: Route) -> None:
        url = route.request.url
        if seen is not None:
            seen.append(url)
        if local(url) or url.startswith(("data:", "blob:")):
            await route.continue_()
        else:
            refused.append(url)
            await route.abort()

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),  # a fresh --user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=viewport,
        )
        await context.route("**/*", gate)
        try:
            yield context
        finally:
            await context.close()
