"""``/`` and ``/playground`` as plain HTTP: the pages link where they should, the assets come with
their content types, an entity tag and a policy that keeps the page on this service."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.live import LiveService

ASSETS = {
    "/": "text/html; charset=utf-8",
    "/playground": "text/html; charset=utf-8",
    "/playground/playground.js": "text/javascript; charset=utf-8",
    "/playground/playground.css": "text/css; charset=utf-8",
}


def test_the_root_leads_to_the_playground_the_specs_and_the_docs(service: LiveService) -> None:
    page = httpx.get(f"{service.http}/", timeout=10)
    assert page.status_code == 200
    links = set(re.findall(r'href="([^"]+)"', page.text))
    assert {"/playground", "/specs/asyncapi.yaml", "/specs/openapi.yaml"} <= links
    assert "mkdocs serve" in page.text
    for link in links - {"http://127.0.0.1:8000/"}:
        assert httpx.get(f"{service.http}{link}", timeout=10).status_code == 200, link


@pytest.mark.parametrize(("path", "content_type"), ASSETS.items())
def test_each_page_and_asset_is_served_with_its_type_and_revalidated_by_its_etag(
    service: LiveService, path: str, content_type: str
) -> None:
    first = httpx.get(f"{service.http}{path}", timeout=10)
    assert first.status_code == 200
    assert first.headers["content-type"] == content_type
    assert first.headers["cache-control"] == "no-cache"
    assert "connect-src 'self'" in first.headers["content-security-policy"]
    again = httpx.get(f"{service.http}{path}", headers={"If-None-Match": first.headers["etag"]}, timeout=10)
    assert (again.status_code, again.content) == (304, b"")


def test_the_playground_page_loads_only_its_own_assets(service: LiveService) -> None:
    page = httpx.get(f"{service.http}/playground", timeout=10).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(source.startswith("/") and not source.startswith("//") for source in sources), sources


def test_an_unknown_asset_is_a_problem_404(service: LiveService) -> None:
    response = httpx.get(f"{service.http}/playground/missing.js", timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
