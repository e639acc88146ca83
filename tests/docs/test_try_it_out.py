"""Swagger UI's "Try it out" on the docs site reaches a running service, as a reader uses it.

The built site is served on one loopback port and the service listens on another, so the
browser's request is cross-origin: it reads the answer only if the service allows the site's
origin (CORS), else Swagger UI shows "Failed to fetch". The page is pointed at the service the
way a reader does it: the second server of ``openapi.yaml``, ``http://{host}:{port}``, with its
variables filled in.
"""

from __future__ import annotations

import json

import pytest
from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from tests.docs.conftest import Traffic, assert_closed_network, open_page, screenshot
from tests.support.live import LiveService

RENDER_TIMEOUT_MS = 20_000
ANSWER_TIMEOUT_MS = 10_000
SERVER_WITH_VARIABLES = "http://{host}:{port}"


async def test_try_it_out_executes_get_health_on_the_live_service(
    browser: tuple[BrowserContext, Traffic], site_url: str, live: LiveService
) -> None:
    context, traffic = browser
    page, errors = await open_page(context, f"{site_url}/reference/openapi/")
    swagger = page.frame_locator("iframe.swagger-ui-iframe")
    await swagger.locator(".opblock").first.wait_for(timeout=RENDER_TIMEOUT_MS)

    await swagger.locator("select#servers").select_option(SERVER_WITH_VARIABLES)
    await swagger.locator('input[data-variable="host"]').fill("127.0.0.1")
    await swagger.locator('input[data-variable="port"]').fill(str(live.port))
    operation = swagger.locator('.opblock-get:has(.opblock-summary-path[data-path="/health"])')
    await operation.locator(".opblock-summary").first.click()
    await operation.get_by_role("button", name="Try it out").click()
    await operation.get_by_role("button", name="Execute").click()

    answer = operation.locator(".live-responses-table .response")
    try:
        await answer.first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    except PlaywrightError:
        await screenshot(page, "try-it-out-failed.png")
        pytest.fail(f"Swagger UI showed no answer in {ANSWER_TIMEOUT_MS} ms; page errors: {errors}")
    status = (await answer.locator(".response-col_status").first.inner_text()).strip()
    shown = await answer.locator(".response-col_description").first.inner_text()
    await screenshot(page, "try-it-out.png")
    assert status == "200", f"Swagger UI shows {status!r}: {shown[:500]}; page errors: {errors}"
    body = await answer.locator(".response-col_description pre").first.inner_text()
    assert json.loads(body)["status"] == "ok"
    request_url = await operation.locator(".request-url pre").inner_text()
    assert request_url.strip() == f"http://127.0.0.1:{live.port}/health"
    assert not errors, f"errors on the page: {errors}"
    assert_closed_network(traffic)
