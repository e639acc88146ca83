"""The playground in headless Chromium (Debian's package; Playwright only drives it), against a
service of its own: every request the page makes is logged, and any to another host is refused
and fails the test. Screenshots go to ``artifacts/playground/``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import BrowserContext, Page

from tests.support.browser import closed_browser
from tests.support.live import ROOT, LiveService, running_service

ARTIFACTS = ROOT / "artifacts" / "playground"
READY_TIMEOUT_MS = 15_000
#: How long a frame, a state or a panel may take to show up: the service answers in
#: milliseconds; this only bounds a broken page.
WAIT_MS = 10_000


@dataclass
class RequestLog:
    """Every URL the page asked for, and those that went to another host (refused)."""

    seen: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """A service of this module's own: its demo orders and channels hold only what these tests did."""
    with running_service(Path(tmp_path_factory.mktemp("playground")) / "service.log") as live:
        yield live


@pytest.fixture(scope="module")
async def context(
    service: LiveService, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[BrowserContext, RequestLog]]:
    origin = urlsplit(service.http).netloc
    log = RequestLog()
    async with closed_browser(
        tmp_path_factory.mktemp("profile"),
        local=lambda url: urlsplit(url).netloc == origin,
        refused=log.external,
        seen=log.seen,
        viewport={"width": 1600, "height": 1000},
    ) as browser:
        # WebSocket handshakes bypass route(): log them from the page events instead.
        browser.on("page", lambda page: page.on("websocket", lambda ws: log.seen.append(ws.url)))
        yield browser, log


@dataclass
class Playground:
    """One open playground page and the uncaught errors it raised."""

    page: Page
    errors: list[str]


@pytest.fixture
async def playground(
    context: tuple[BrowserContext, RequestLog], service: LiveService
) -> AsyncIterator[Playground]:
    browser, log = context
    page = await browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A 404 the page shows on purpose (a trace not kept) is a console error too: only the
    # page's own exceptions count.
    await page.goto(f"{service.http}/playground", wait_until="load")
    await page.wait_for_selector('#status[data-state="ready"]', timeout=READY_TIMEOUT_MS)
    try:
        yield Playground(page, errors)
    finally:
        await page.close()
    assert not errors, f"errors on the page: {errors}"
    assert not log.external, "the page asked for other hosts:\n" + "\n".join(log.external)
    origin = urlsplit(service.http).netloc
    assert all(urlsplit(url).netloc == origin or url.startswith("blob:") for url in log.seen), log.seen


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / name), full_page=True)
