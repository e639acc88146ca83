"""The reference pages, opened in a real browser: the AsyncAPI and OpenAPI documents render.

Headless Chromium (Debian's ``chromium`` package, installed by ``tools/install-chromium.sh``;
Playwright only drives it) opens the built site over HTTP with every request to another host
refused, waits for each viewer to render, and reads the rendered DOM — the AsyncAPI viewer's
shadow root, the Swagger UI iframe — never the Markdown. Screenshots go to ``artifacts/docs/``.
"""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from tests.docs.conftest import Traffic, assert_closed_network, open_page, screenshot
from tools.specs import asyncapi_examples, load_asyncapi, load_openapi

ACTIONS = (
    "echo",
    "triplet_demo",
    "broadcast",
    "get_order",
    "list_orders",
    "create_order",
    "change_status",
    "ping",
    "history",
    "presence",
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
