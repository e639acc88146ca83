"""The page "Лимиты и коды ошибок" lists exactly what the specs, the README and the settings say.

Both ways: every `error` code of asyncapi.yaml (``ErrorCode``) and every problem code of
openapi.yaml (``Problem.code``) has a row, and no row names a code the specs do not have; every
close code and handshake status the AsyncAPI channel promises is listed; every setting of
``service/settings.py`` has a row with its real default, and every row of the README's
settings table is there with the README's default.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Any

from service.settings import Settings
from tools.specs import ROOT, load_asyncapi, load_openapi

PAGE = ROOT / "docs" / "reference" / "limits.md"
README = ROOT / "README.md"
SETTINGS_SOURCE = ROOT / "service" / "settings.py"
CODE = re.compile(r"`([^`]+)`")


def section(title: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"limits.md has no section '## {title}'"
    return match[1]


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"\|[-| :]+\|", line.strip()):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header


def first_codes(text: str) -> list[str]:
    return [CODE.findall(row[0])[0] for row in table_rows(text)]


def channel_description() -> str:
    return str(load_asyncapi()["channels"]["ws"]["description"])


def test_every_ws_error_code_and_only_those() -> None:
    spec = load_asyncapi()["components"]["schemas"]["ErrorCode"]["enum"]
    listed = first_codes(section("Коды error в WebSocket"))
    assert sorted(listed) == sorted(spec), "rows of 'Коды error в WebSocket' vs ErrorCode in asyncapi.yaml"


def test_every_rest_problem_code_and_only_those() -> None:
    spec = load_openapi()["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    listed = first_codes(section("Коды ошибок REST"))
    assert sorted(listed) == sorted(spec), "rows of 'Коды ошибок REST' vs Problem.code in openapi.yaml"


def test_every_http_error_status_of_the_rest_api_is_listed() -> None:
    statuses = {
        int(status)
        for item in load_openapi()["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for status in operation.get("responses", {})
        if str(status).isdigit() and int(status) >= 400
    }
    listed = {int(row[1]) for row in table_rows(section("Коды ошибок REST"))}
    assert statuses <= listed, f"statuses of openapi.yaml missing from the page: {sorted(statuses - listed)}"


def test_close_codes_are_the_ones_the_channel_promises() -> None:
    phrases = r"(?:closes? the connection with|closed with|close code) (\d{4})\b"
    promised = {int(code) for code in re.findall(phrases, channel_description())}
    listed = {int(row[0]) for row in table_rows(section("Коды закрытия соединения"))}
    assert promised, "the AsyncAPI channel names its close codes"
    assert listed == promised, "close codes on the page vs the /ws channel of asyncapi.yaml"


def test_handshake_statuses_are_the_ones_the_channel_promises() -> None:
    promised = {int(s) for s in re.findall(r"HTTP (\d{3})", channel_description())}
    listed = {int(row[0]) for row in table_rows(section("Handshake"))}
    assert listed == promised, "handshake statuses on the page vs the /ws channel of asyncapi.yaml"


def settings_table() -> dict[str, str]:
    """``{variable: default cell}`` of the section "Все настройки"."""
    return {CODE.findall(row[0])[0]: row[1] for row in table_rows(section("Все настройки"))}


def documented_settings() -> dict[str, Any]:
    """``{VARIABLE: default}`` from service/settings.py: each field's docstring names its variable."""
    defaults = Settings()
    groups = {type(getattr(defaults, f.name)).__name__: f.name for f in dataclasses.fields(Settings)}
    found: dict[str, Any] = {}
    tree = ast.parse(SETTINGS_SOURCE.read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name not in groups:
            continue
        group = groups[node.name]
        for field, doc in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
            ):
                match = re.match(r"``([A-Z][A-Z0-9_]+)``", str(getattr(doc.value, "value", "")))
                if match:
                    found[match[1]] = getattr(getattr(defaults, group), field.target.id)
    return found


def shown_default(cell: str) -> Any:
    values = CODE.findall(cell)
    if not values:
        return None  # "не задана"
    value = values[0]
    if value in ("on", "off"):
        return value == "on"
    try:
        return float(value)
    except ValueError:
        return value


def test_every_setting_of_the_service_with_its_real_default() -> None:
    real = documented_settings()
    assert len(real) > 10, f"settings.py names its variables in field docstrings: {real}"
    table = settings_table()
    assert sorted(table) == sorted(real), "rows of 'Все настройки' vs the variables of service/settings.py"
    for name, value in real.items():
        if isinstance(value, bool) and shown_default(table[name]) in ("on", "off"):
            value = "on" if value else "off"  # a switch read as on/off (FAULTS), not as 1/0
        expected = (
            None
            if value in (None, ())
            else ",".join(value)
            if isinstance(value, tuple)
            else float(value)
            if isinstance(value, int | float)
            else value
        )
        assert shown_default(table[name]) == expected, (
            f"{name}: the page says {table[name]!r}, the service {value!r}"
        )


def test_every_readme_setting_with_the_readme_default() -> None:
    readme = README.read_text(encoding="utf-8")
    start = readme.index("| setting |")
    rows = table_rows(readme[start : readme.index("\n\n", start)])
    assert rows, "README has a settings table"
    table = settings_table()
    for row in rows:
        names, defaults = CODE.findall(row[0]), [d.strip() for d in row[1].split("/")]
        for name, default in zip(names, defaults, strict=True):
            assert name in table, f"{name} (README) is not on the page"
            value = CODE.findall(default)
            if value:
                assert shown_default(table[name]) == shown_default(f"`{value[0]}`"), name


def test_every_variable_the_channel_names_is_a_limit_on_the_page() -> None:
    named = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", channel_description()))
    limits = section("Лимиты")
    assert named, "the AsyncAPI channel names its settings"
    missing = sorted(name for name in named if f"`{name}`" not in limits)
    assert not missing, f"settings the /ws channel names but 'Лимиты' does not: {missing}"


def test_the_nesting_limit_on_the_page_is_the_one_both_specs_name() -> None:
    limit = load_asyncapi()["components"]["schemas"]["NestingDepth"]["maximum"]
    assert load_openapi()["components"]["schemas"]["NestingDepth"]["maximum"] == limit
    rows = [row for row in table_rows(section("Лимиты")) if row[0].startswith("вложенность")]
    assert len(rows) == 1, "one row of 'Лимиты' is about nesting"
    assert re.match(rf"{limit} уровн", rows[0][1]), f"the page says {rows[0][1]!r}, the specs {limit}"
