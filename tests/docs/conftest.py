"""The docs site, built once per test session with ``mkdocs build --strict``, served over HTTP
and opened in headless Chromium (Debian's package; Playwright only drives it)."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import BrowserContext, Page

from tests.support.browser import closed_browser
from tests.support.live import ROOT

ARTIFACTS = ROOT / "artifacts" / "docs"


@dataclass(frozen=True)
class BuiltSite:
    """A site built from ``mkdocs.yml`` into ``path``; ``log`` is everything mkdocs printed."""

    path: Path
    log: str


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    site = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"`mkdocs build --strict` failed ({result.returncode}):\n{log[-6000:]}")
    return BuiltSite(path=site, log=log)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """The built site over HTTP on a free loopback port (module scripts do not run from file://)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(5)


@dataclass
class Traffic:
    """What the pages asked for: requests to other hosts (refused) and local ones that failed."""

    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[tuple[BrowserContext, Traffic]]:
    traffic = Traffic()
    async with closed_browser(
        tmp_path / "profile",
        local=lambda url: urlsplit(url).hostname in {"127.0.0.1", "localhost"},
        refused=traffic.external,
        viewport={"width": 1280, "height": 900},
    ) as context:
        context.on(
            "requestfailed",
            lambda request: (
                traffic.failed.append(f"{request.url} ({request.failure})")
                if urlsplit(request.url).hostname == "127.0.0.1"
                else None
            ),
        )
        context.on(
            "response",
            lambda response: (
                traffic.failed.append(f"{response.url} (HTTP {response.status})")
                if response.status >= 400
                else None
            ),
        )
        yield context, traffic


def assert_closed_network(traffic: Traffic) -> None:
    assert not traffic.external, "the page asked for other hosts:\n" + "\n".join(traffic.external)
    assert not traffic.failed, "the page failed to load parts of the site:\n" + "\n".join(traffic.failed)


async def open_page(context: BrowserContext, url: str) -> tuple[Page, list[str]]:
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    await page.goto(url, wait_until="load")
    return page, errors


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / name), full_page=True)
