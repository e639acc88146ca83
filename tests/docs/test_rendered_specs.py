"""The reference pages, opened in a real browser: the AsyncAPI and OpenAPI documents render.

Headless Chromium (Debian's ``chromium`` package, installed by ``tools/install-chromium.sh``;
Playwright only drives it) opens the built site over HTTP with every request to another host
refused, waits for each viewer to render, and reads the rendered DOM — the AsyncAPI viewer's
shadow root, the Swagger UI iframe — never the Markdown. Screenshots go to ``artifacts/docs/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import BrowserContext, Page, Route, async_playwright
from playwright.async_api import Error as PlaywrightError

from tests.docs.conftest import BuiltSite
from tests.support.specs import ROOT, asyncapi_examples, load_asyncapi, load_openapi

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_CHROMIUM = Path(__file__).resolve().parents[2] / "tools" / "install-chromium.sh"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "artifacts" / "docs"
ACTIONS = (
    "echo",
    "triplet_demo",
    "broadcast",
    "get_order",
    "list_orders",
    "create_order",
    "change_status",
    "ping",
)
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
RENDER_TIMEOUT_MS = 20_000

SHADOW_HEADINGS = """
() => {
  const viewer = document.querySelector('asyncapi-viewer');
  if (!viewer || !viewer.shadowRoot) return [];
  return Array.from(viewer.shadowRoot.querySelectorAll('h3')).map(h => h.textContent.trim());
}
"""
SHADOW_TEXT = """
() => Array.from(document.querySelector('asyncapi-viewer').shadowRoot.children)
  .map(node => node.innerText || '').join('\\n')
"""
SWAGGER_OPERATIONS = """
() => Array.from(document.querySelectorAll('.opblock')).map(block => [
  block.querySelector('.opblock-summary-method').textContent.trim(),
  block.querySelector('.opblock-summary-path').getAttribute('data-path'),
])
"""


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
    if not CHROMIUM.is_file() and os.geteuid() == 0:
        # The README's one test command must work on a fresh machine: install the browser here
        # (Debian's package; never a browser download of Playwright's own).
        subprocess.run(["bash", str(INSTALL_CHROMIUM)], check=False, timeout=900)
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the rendered-docs test needs Debian's chromium. "
            "Install it with `bash tools/install-chromium.sh` (as root)."
        )
    traffic = Traffic()

    async def gate(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in {"127.0.0.1", "localhost"} or url.startswith(("data:", "blob:")):
            await route.continue_()
        else:
            traffic.external.append(url)
            await route.abort()

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh --user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        await context.route("**/*", gate)
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
        try:
            yield context, traffic
        finally:
            await context.close()


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


async def test_the_asyncapi_page_renders_every_operation_and_its_example(
    browser: tuple[BrowserContext, Traffic], site_url: str
) -> None:
    context, traffic = browser
    page, errors = await open_page(context, f"{site_url}/reference/asyncapi/")
    try:
        await page.wait_for_function(f"() => ({SHADOW_HEADINGS})().length > 0", timeout=RENDER_TIMEOUT_MS)
    except PlaywrightError:
        await screenshot(page, "asyncapi-failed.png")
        pytest.fail(
            f"the AsyncAPI viewer rendered no operation in {RENDER_TIMEOUT_MS} ms; page errors: {errors}"
        )
    headings = await page.evaluate(SHADOW_HEADINGS)
    text = await page.evaluate(SHADOW_TEXT)
    await screenshot(page, "asyncapi.png")

    operations = [operation["title"] for operation in load_asyncapi()["operations"].values()]
    assert set(ACTIONS) <= set(operations), "asyncapi.yaml has an operation for every action"
    missing = [title for title in operations if title not in headings]
    assert not missing, f"operations the rendered page does not show: {missing}; it shows {headings}"
    examples: dict[str, list[str]] = {}
    for example in asyncapi_examples():
        if example.message.endswith("Request"):
            examples.setdefault(example.payload["action"], []).append(example.payload["request_id"])
    assert set(examples) == set(ACTIONS), "asyncapi.yaml has a request example for every action"
    for action, request_ids in examples.items():
        assert any(rid in text for rid in request_ids), f"no example of {action} ({request_ids}) is shown"
    assert not errors, f"errors on the page: {errors}"
    assert_closed_network(traffic)


async def test_the_openapi_page_renders_every_path(
    browser: tuple[BrowserContext, Traffic], site_url: str
) -> None:
    context, traffic = browser
    page, errors = await open_page(context, f"{site_url}/reference/openapi/")
    swagger = page.frame_locator("iframe.swagger-ui-iframe")
    try:
        await swagger.locator(".opblock").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    except PlaywrightError:
        await screenshot(page, "openapi-failed.png")
        pytest.fail(f"Swagger UI rendered no operation in {RENDER_TIMEOUT_MS} ms; page errors: {errors}")
    frame = next(f for f in page.frames if "/swagger-" in f.url)
    rendered = {(method.lower(), path) for method, path in await frame.evaluate(SWAGGER_OPERATIONS)}
    title = await swagger.locator(".info .title").inner_text()
    await page.wait_for_timeout(300)  # the iframe grows to its content before the screenshot
    await screenshot(page, "openapi.png")

    spec = load_openapi()
    expected = {
        (method, path) for path, item in spec["paths"].items() for method in item if method in HTTP_METHODS
    }
    assert rendered == expected, (
        f"missing: {sorted(expected - rendered)}; not in the spec: {sorted(rendered - expected)}"
    )
    assert spec["info"]["title"] in title
    assert not errors, f"errors on the page: {errors}"
    assert_closed_network(traffic)
