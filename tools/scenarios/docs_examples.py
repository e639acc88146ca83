"""``docs/examples/ws`` written from ``scenarios/docs``: the scenarios are the one source of the
WebSocket exchanges the docs show.

Each step of a docs scenario with ``example: NAME`` is one example: a ``send`` step gives
``NAME.request.json`` (``send_text``: ``NAME.request.txt``) and ``NAME.answers.jsonl`` (its
expected ``frame`` values, one a line, as websocat prints them); an ``expect_unsolicited`` step
gives ``NAME.peer.jsonl`` (what another client of the channel receives). The pages include these
files with ``--8<--``; the scenarios are run against a live service, so what the docs show is
what the service answers.

    uv run python -m tools.scenarios.docs_examples            # rewrite docs/examples/ws
    uv run python -m tools.scenarios.docs_examples --check    # exit 1 when it differs
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tools.scenarios.model import ROOT, Scenario, load_scenarios

SCENARIOS = ROOT / "scenarios" / "docs"
EXAMPLES = ROOT / "docs" / "examples" / "ws"


class ExampleError(Exception):
    """A docs scenario step that cannot be shown as an example."""


def _frames(step_name: str, expectations: list[dict[str, Any]]) -> str:
    lines = []
    for expectation in expectations:
        if "frame" not in expectation:
            raise ExampleError(f"example {step_name}: every expected frame needs `frame` (the whole frame)")
        lines.append(json.dumps(expectation["frame"], ensure_ascii=False, separators=(",", ":")))
    return "".join(f"{line}\n" for line in lines)


def _files_of_step(step: dict[str, Any]) -> dict[str, str]:
    name = step["example"]
    if "send" in step:
        request = {f"{name}.request.json": json.dumps(step["send"], ensure_ascii=False) + "\n"}
    elif "send_text" in step:
        request = {f"{name}.request.txt": step["send_text"] + "\n"}
    elif "expect_unsolicited" in step:
        return {f"{name}.peer.jsonl": _frames(name, step["expect_unsolicited"]["frames"])}
    else:
        raise ExampleError(f"example {name}: only send, send_text and expect_unsolicited steps are examples")
    return {**request, f"{name}.answers.jsonl": _frames(name, step.get("expect") or [])}


def docs_scenarios(folder: Path = SCENARIOS) -> list[Scenario]:
    """The docs scenarios, in the order they run (file name, then file order)."""
    return [scenario for path in sorted(folder.glob("*.yaml")) for scenario in load_scenarios(path)]


def example_files(folder: Path = SCENARIOS) -> dict[str, str]:
    """File name → text of every file of ``docs/examples/ws``."""
    files: dict[str, str] = {}
    for scenario in docs_scenarios(folder):
        for step in scenario.steps:
            if "example" in step:
                written = _files_of_step(step)
                twice = set(written) & set(files)
                if twice:
                    raise ExampleError(f"{scenario.path.name}: {sorted(twice)} written by two steps")
                files.update(written)
    return files


def differences(target: Path = EXAMPLES, folder: Path = SCENARIOS) -> list[str]:
    """The files of ``target`` that are not what the scenarios give (missing, stale, extra)."""
    expected = example_files(folder)
    present = {path.name for path in target.iterdir() if path.is_file()} if target.is_dir() else set()
    found = [f"{name}: not generated from scenarios/docs" for name in sorted(present - set(expected))]
    for name, text in sorted(expected.items()):
        if name not in present:
            found.append(f"{name}: missing")
        elif (target / name).read_text(encoding="utf-8") != text:
            found.append(f"{name}: differs from scenarios/docs")
    return found


def write(target: Path = EXAMPLES, folder: Path = SCENARIOS) -> None:
    """Rewrite ``target`` from the scenarios (files no scenario gives are removed)."""
    expected = example_files(folder)
    target.mkdir(parents=True, exist_ok=True)
    for path in target.iterdir():
        if path.is_file() and path.name not in expected:
            path.unlink()
    for name, text in expected.items():
        (target / name).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write, or with ``--check`` compare; exit 1 on a difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/examples/ws differs")
    args = parser.parse_args(argv)
    if args.check:
        found = differences()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    write()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
