"""The pages the service serves itself: ``/`` (links to the playground, the specs and the docs)
and the browser playground at ``/playground`` with its assets.

The assets are built by ``tools/playground/build.mjs`` and committed under ``static/``, so
``python -m service`` needs no Node. They are read once, at import; each answer carries an
``ETag`` and ``Cache-Control: no-cache`` (a browser revalidates and gets 304 while the file is
unchanged), and a Content-Security-Policy that lets the pages reach this service only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler

STATIC = Path(__file__).resolve().parent / "static"

# Ajv compiles the AsyncAPI schemas it reads at run time into functions: 'unsafe-eval'.
_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Asset:
    """One file served as it is on disk, with its content type and entity tag."""

    body: bytes
    media_type: str
    etag: str

    @classmethod
    def read(cls, path: Path, media_type: str) -> Asset:
        body = path.read_bytes()
        return cls(body=body, media_type=media_type, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"')

    def answer(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        headers = {
            "ETag": self.etag,
            "Cache-Control": "no-cache",
            "Content-Security-Policy": _CSP,
            "X-Content-Type-Options": "nosniff",
        }
        if self.etag in request.headers.get("if-none-match", ""):
            return Response(b"", status_code=304, headers=headers)
        return Response(self.body, media_type=self.media_type, headers=headers)


HTML = "text/html"
LANDING = Asset.read(STATIC / "landing.html", HTML)
PLAYGROUND = Asset.read(STATIC / "playground" / "index.html", HTML)
ASSETS = {
    "playground.js": Asset.read(STATIC / "playground" / "playground.js", "text/javascript"),
    "playground.css": Asset.read(STATIC / "playground" / "playground.css", "text/css"),
}


def _serving(path: str, asset: Asset) -> HTTPRouteHandler:
    @get(path, sync_to_thread=False, name=f"page:{path}")
    def page(request: Request[Any, Any, Any]) -> Response[bytes]:
        return asset.answer(request)

    return page


HANDLERS = [
    _serving("/", LANDING),
    _serving("/playground", PLAYGROUND),
    *(_serving(f"/playground/{name}", asset) for name, asset in ASSETS.items()),
]
