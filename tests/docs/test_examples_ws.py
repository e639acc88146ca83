"""The WebSocket frames the docs show come from the scenarios in ``scenarios/docs``.

``docs/examples/ws/NAME.request.json`` (or ``.txt`` for a frame that is not JSON) is what a
reader sends, ``NAME.answers.jsonl`` what comes back to the sender, ``NAME.peer.jsonl`` what a
second client of the channel receives. The pages include these files; they are generated from
the docs scenarios by ``tools/scenarios/docs_examples.py`` (never written by hand), and
``tests/scenarios/test_run_scenarios.py`` runs those scenarios against a fresh service, so the
text shown is the text the service sends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.scenarios import docs_examples
from tools.specs import asyncapi_examples, load_asyncapi

WS_EXAMPLES = docs_examples.EXAMPLES


def test_docs_examples_are_what_the_scenarios_give() -> None:
    found = docs_examples.differences()
    assert not found, (
        "docs/examples/ws is generated from scenarios/docs: run "
        "`uv run python -m tools.scenarios.docs_examples`\n" + "\n".join(found)
    )


def test_the_drift_check_sees_a_changed_missing_and_extra_file(tmp_path: Path) -> None:
    docs_examples.write(tmp_path)
    assert docs_examples.differences(tmp_path) == []
    (tmp_path / "echo.answers.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "ping.request.json").unlink()
    (tmp_path / "hand-made.answers.jsonl").write_text("{}\n", encoding="utf-8")
    assert docs_examples.differences(tmp_path) == [
        "hand-made.answers.jsonl: not generated from scenarios/docs",
        "echo.answers.jsonl: differs from scenarios/docs",
        "ping.request.json: missing",
    ]


def test_an_example_step_must_give_whole_frames(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "name: x\nsteps:\n  - example: x\n    send: {action: ping}\n    expect: [{type: ack}]\n",
        encoding="utf-8",
    )
    with pytest.raises(docs_examples.ExampleError, match="needs `frame`"):
        docs_examples.example_files(tmp_path)


def test_every_request_example_of_the_asyncapi_document_is_a_docs_example() -> None:
    requests = [e for e in asyncapi_examples() if e.message.endswith("Request")]
    assert requests, "asyncapi.yaml has request examples"
    for example in requests:
        path = WS_EXAMPLES / f"{example.name}.request.json"
        assert path.is_file(), (
            f"the AsyncAPI example {example.message}/{example.name} is not in scenarios/docs"
        )
        assert json.loads(path.read_text(encoding="utf-8")) == example.payload, path.name


def test_every_action_of_the_protocol_has_an_example() -> None:
    actions = load_asyncapi()["components"]["schemas"]["ActionName"]["enum"]
    shown = set()
    for path in WS_EXAMPLES.glob("*.request.*"):
        try:
            shown.add(json.loads(path.read_text(encoding="utf-8")).get("action"))
        except json.JSONDecodeError:
            continue
    assert set(actions) <= shown
