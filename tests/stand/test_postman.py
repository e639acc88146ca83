"""The Postman kit: generated from the specs, in step with them, and green against the service.

newman runs the committed REST collection against a fresh service and then again against the
same one (the collection must survive a re-run: it makes its own order). The WebSocket sheet is
played over real sockets: every message it says to paste gets exactly the frames it lists.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.stand.node_tools import (
    COLLECTION,
    ENVIRONMENT,
    GENERATED,
    POSTMAN,
    TOOLS,
    WS_JSON,
    WS_MARKDOWN,
    ensure_installed,
    generate,
    newman,
    pinned,
)
from tests.support.client import ContractClient
from tests.support.live import LiveService, running_service
from tools.scenarios.docs_examples import docs_scenarios
from tools.scenarios.matching import StandIns, mismatches
from tools.specs import FrameContract, load_asyncapi, load_openapi, normalized_schema

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def node_kit() -> None:
    ensure_installed()


@pytest.fixture(scope="module")
def fresh_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """A service of its own, so the demo orders are exactly as seeded when newman first runs."""
    with running_service(Path(tmp_path_factory.mktemp("postman")) / "service.log") as service:
        yield service


def _requests(collection: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in collection["item"]:
        found.extend(_requests(item) if "item" in item else [item])
    return found


def _script(item: dict[str, Any]) -> list[str]:
    return [line for event in item["event"] if event["listen"] == "test" for line in event["script"]["exec"]]


def _route(item: dict[str, Any]) -> str:
    return "/" + "/".join(re.sub(r"^:(.+)$", r"{\1}", part) for part in item["request"]["url"]["path"])


def _embedded_schema(lines: list[str]) -> Any:
    start = lines.index(next(line for line in lines if line.startswith("const schema = ")))
    end = lines.index("};", start)
    text = "\n".join([lines[start].removeprefix("const schema = "), *lines[start + 1 : end], "}"])
    return json.loads(text)


# --------------------------------------------------------------------------- generated, not edited


def test_committed_files_are_what_the_generator_writes(node_kit: None, tmp_path: Path) -> None:
    result = generate("--out", str(tmp_path))
    assert result.returncode == 0, f"generate.mjs failed:\n{result.stdout}\n{result.stderr}"
    for committed in GENERATED:
        fresh = (tmp_path / committed.name).read_text(encoding="utf-8")
        assert committed.is_file(), f"{committed.relative_to(POSTMAN.parent)} is missing: run generate.mjs"
        current = committed.read_text(encoding="utf-8")
        if current != fresh:
            diff = "".join(
                difflib.unified_diff(
                    current.splitlines(True), fresh.splitlines(True), "committed", "from the specs", n=1
                )
            )
            pytest.fail(
                f"postman/{committed.name} is out of date with api_specs/; run "
                f"`node tools/postman/generate.mjs`:\n{diff[:3000]}"
            )


def test_check_mode_fails_on_a_stale_file(node_kit: None, tmp_path: Path) -> None:
    for committed in GENERATED:
        shutil.copy(committed, tmp_path / committed.name)
    assert generate("--check", "--out", str(tmp_path)).returncode == 0
    stale = tmp_path / WS_MARKDOWN.name
    stale.write_text(
        stale.read_text(encoding="utf-8").replace("triplet_demo", "triple_demo"), encoding="utf-8"
    )
    result = generate("--check", "--out", str(tmp_path))
    assert result.returncode == 1
    assert WS_MARKDOWN.name in result.stderr


def test_generated_files_have_no_timestamps_and_stable_ids() -> None:
    collection = json.loads(COLLECTION.read_text(encoding="utf-8"))
    text = COLLECTION.read_text(encoding="utf-8") + ENVIRONMENT.read_text(encoding="utf-8")
    assert "_postman_exported_at" not in text
    assert "updatedAt" not in text
    ids = [item["id"] for item in _requests(collection)]
    assert len(ids) == len(set(ids)), "every request has its own id"


def test_node_packages_are_pinned_and_the_lock_names_no_registry() -> None:
    for name, version in pinned().items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} must be pinned exactly, not {version}"
    assert set(pinned()) >= {"openapi-to-postmanv2", "newman"}
    lock = json.loads((TOOLS / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == pinned()
    resolved = [name for name, entry in lock["packages"].items() if "resolved" in entry]
    assert not resolved, f"package-lock.json names a registry for {resolved[:5]}"
    assert "omit-lockfile-registry-resolved=true" in (TOOLS / ".npmrc").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the REST collection


def test_every_operation_has_a_request_that_checks_what_the_spec_documents() -> None:
    spec = load_openapi()
    requests = _requests(json.loads(COLLECTION.read_text(encoding="utf-8")))
    by_route = {
        (item["request"]["method"], _route(item)): item for item in requests if " — " not in item["name"]
    }
    for route, path_item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method not in path_item:
                continue
            operation = path_item[method]
            item = by_route.get((method.upper(), route))
            assert item is not None, f"no request for {method.upper()} {route}"
            (status,) = [code for code in operation["responses"] if code.startswith("2")]
            ((media_type, media),) = operation["responses"][status].get("content", {}).items()
            lines = _script(item)
            assert f"    pm.response.to.have.status({status});" in lines, f"{method} {route}"
            assert f'pm.test("Content-Type is {media_type}", function () {{' in lines, f"{method} {route}"
            if media_type.endswith("json"):
                assert "    pm.response.to.have.jsonSchema(schema);" in lines, f"{method} {route}"
                assert _embedded_schema(lines) == normalized_schema(spec, media["schema"]), (
                    f"{method} {route}: the embedded schema is not the spec's"
                )


def test_error_requests_expect_their_documented_error_status() -> None:
    spec = load_openapi()
    requests = _requests(json.loads(COLLECTION.read_text(encoding="utf-8")))
    errors = [item for item in requests if " — " in item["name"]]
    assert {item["name"].rsplit(" — ", 1)[1] for item in errors} >= {
        "400 missing_message",
        "404 no_order",
        "409 delivered_to_paid",
    }
    for item in errors:
        status, example = item["name"].rsplit(" — ", 1)[1].split(" ")
        operation = spec["paths"][_route(item)][item["request"]["method"].lower()]
        response = operation["responses"][status]
        if "$ref" in response:
            response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        ((media_type, media),) = response["content"].items()
        assert example in media["examples"], item["name"]
        lines = _script(item)
        assert f"    pm.response.to.have.status({status});" in lines, item["name"]
        assert _embedded_schema(lines) == normalized_schema(spec, media["schema"]), item["name"]
        assert f'pm.test("Content-Type is {media_type}", function () {{' in lines, item["name"]


def _expected_assertions(collection: dict[str, Any]) -> int:
    return sum(line.startswith("pm.test(") for item in _requests(collection) for line in _script(item))


def test_collection_passes_on_a_fresh_service_and_again_on_the_same_one(
    node_kit: None, fresh_service: LiveService, tmp_path: Path
) -> None:
    collection = json.loads(COLLECTION.read_text(encoding="utf-8"))
    expected = _expected_assertions(collection)
    requests = len(_requests(collection))
    assert expected >= 3 * requests - 4, "every JSON request has three checks"
    for attempt in ("fresh", "re-run"):
        run = newman(COLLECTION, fresh_service.http, tmp_path / f"{attempt}.json")
        assert not run.failures, (
            f"{attempt}: newman failures:\n" + "\n".join(run.failures) + f"\n{run.output}"
        )
        assert run.stats["requests"] == {"total": requests, "pending": 0, "failed": 0}, attempt
        assert run.stats["assertions"]["total"] == expected > 0, (attempt, run.stats["assertions"])
        assert run.stats["assertions"]["failed"] == 0, attempt
        for name, assertions in run.assertions_by_request().items():
            assert len(assertions) >= 2, (attempt, name, assertions)
            assert all(ok for _, ok in assertions), (attempt, name, assertions)
    # Each run made one order and paid it; the delivered demo order stayed as it was.
    orders = httpx.get(f"{fresh_service.http}/orders", params={"limit": 100}).json()
    made = [order for order in orders if order["id"] > 5]
    assert [order["status"] for order in made] == ["paid", "paid"], made
    assert httpx.get(f"{fresh_service.http}/orders/4").json()["status"] == "delivered"


def test_a_failing_check_fails_the_run(node_kit: None, fresh_service: LiveService, tmp_path: Path) -> None:
    """The parsing above can see failures: a wrong schema and a wrong status are both reported."""
    collection = json.loads(COLLECTION.read_text(encoding="utf-8"))
    broken = copy.deepcopy(collection)
    health, stats = [item for item in _requests(broken) if _route(item) in {"/health", "/stats"}]
    for event in health["event"]:
        event["script"]["exec"] = [
            line.replace('"required": [', '"required": ["no_such_field", ', 1)
            for line in event["script"]["exec"]
        ]
    for event in stats["event"]:
        event["script"]["exec"] = [
            line.replace("to.have.status(200)", "to.have.status(201)") for line in event["script"]["exec"]
        ]
    path = tmp_path / "broken.postman_collection.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    run = newman(path, fresh_service.http, tmp_path / "broken.json", folder="service")
    assert run.stats["assertions"]["failed"] == 2, run.output
    assert any("no_such_field" in failure for failure in run.failures), run.failures
    assert any("201" in failure for failure in run.failures), run.failures


def test_environment_points_at_the_stand() -> None:
    environment = json.loads(ENVIRONMENT.read_text(encoding="utf-8"))
    values = {entry["key"]: entry["value"] for entry in environment["values"]}
    assert values == {
        "baseUrl": "http://localhost:8002",
        "wsUrl": "ws://localhost:8002/ws",
        "channel": "general",
    }
    assert all(entry["enabled"] for entry in environment["values"])


# --------------------------------------------------------------------------- the WebSocket sheet


def test_sheet_covers_every_action_with_the_guide_steps() -> None:
    sheet = json.loads(WS_JSON.read_text(encoding="utf-8"))
    markdown = WS_MARKDOWN.read_text(encoding="utf-8")
    actions = load_asyncapi()["components"]["schemas"]["ActionName"]["enum"]
    assert [action["action"] for action in sheet["actions"]] == actions
    assert sheet["connect"]["url"] == "ws://localhost:8002/ws?channel=general"
    for needed in ("New → WebSocket Request", "ws://localhost:8002/ws?channel=general", "без TLS"):
        assert needed in markdown, needed
    for action in sheet["actions"]:
        assert f"### `{action['action']}`" in markdown
        for request in action["requests"]:
            assert json.loads(request["text"]) == request["message"]
            assert f"```json\n{request['text']}\n```" in markdown
            assert request["frames"][0]["match"] == {
                "type": "ack",
                "request_id": request["message"]["request_id"],
                "action": action["action"],
            }
            assert request["frames"][-1]["type"] == "event"


def test_sheet_speaks_the_language_of_the_docs() -> None:
    """Russian, like docs/: every line of prose outside code, links and comments has Cyrillic."""
    text = WS_MARKDOWN.read_text(encoding="utf-8")
    for code in (r"```.*?```", r"<!--.*?-->", r"`[^`\n]*`", r"\]\([^)]*\)"):
        text = re.sub(code, " ", text, flags=re.DOTALL)
    english = [
        line.strip()
        for line in text.splitlines()
        if len(re.findall(r"\w+", line)) >= 2 and not re.search("[а-яё]", line, re.IGNORECASE)
    ]
    assert not english, f"lines of postman/websocket-messages.md not in Russian: {english[:10]}"


async def test_sheet_frames_are_what_the_service_answers(fresh_service: LiveService) -> None:
    sheet = json.loads(WS_JSON.read_text(encoding="utf-8"))
    contract = FrameContract.load()
    played = 0
    async with ContractClient.connect(fresh_service.ws, channel="general") as client:
        for action in sheet["actions"]:
            for request in action["requests"]:
                answers = await client.raw_request(
                    request["text"], request_id=request["message"]["request_id"]
                )
                seen = [
                    {key: frame.get(key) for key in expected["match"]}
                    for frame, expected in zip(answers, request["frames"], strict=False)
                ]
                assert len(answers) == len(request["frames"]), (
                    action["action"],
                    [a["type"] for a in answers],
                )
                assert seen == [frame["match"] for frame in request["frames"]], action["action"]
                for frame in request["frames"]:
                    if frame["example"] is not None:
                        contract.check_server_frame(frame["example"])
                played += 1
    assert played >= len(sheet["actions"])


def test_every_frame_of_the_sheet_has_an_example() -> None:
    sheet = json.loads(WS_JSON.read_text(encoding="utf-8"))
    missing = [
        f"{request['name']}: {inline}"
        for action in sheet["actions"]
        for request in action["requests"]
        for frame in request["frames"]
        if frame["example"] is None
        for inline in [json.dumps(frame["match"], ensure_ascii=False)]
    ]
    assert not missing, f"{len(missing)} frames the sheet lists have no example:\n" + "\n".join(missing)
    assert "примера этого кадра" not in WS_MARKDOWN.read_text(encoding="utf-8")


def test_the_sheet_exchanges_are_the_docs_scenarios() -> None:
    """The sheet and the docs show one set of exchanges, written once in ``scenarios/docs``: each
    message of the sheet is sent by the docs scenario step of its name, each example is the frame
    that step expects, and what the sheet says to check each answer by holds for that frame. That
    those frames are what a fresh service answers is checked by running the scenarios
    (tests/scenarios/test_run_scenarios.py)."""
    steps = {
        step["example"]: step
        for scenario in docs_scenarios()
        for step in scenario.steps
        if "example" in step and "send" in step
    }
    sheet = json.loads(WS_JSON.read_text(encoding="utf-8"))
    compared = 0
    for action in sheet["actions"]:
        for request in action["requests"]:
            step = steps.get(request["name"])
            assert step is not None, f"the sheet's {request['name']} is no example of scenarios/docs"
            assert request["message"] == step["send"], request["name"]
            frames = [expectation["frame"] for expectation in step["expect"]]
            assert [f["type"] for f in request["frames"]] == [f["type"] for f in frames], request["name"]
            for shown, frame in zip(request["frames"], frames, strict=True):
                assert shown["example"] == frame, request["name"]
                differences = mismatches(shown["match"], frame, exact=False, stand_ins=StandIns())
                assert not differences, (request["name"], [str(d) for d in differences])
            compared += 1
    assert compared == sum(len(action["requests"]) for action in sheet["actions"]) > 0
