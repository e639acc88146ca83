"""Just enough of the Dockerfile syntax to check the image without a Docker engine."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """``["python", "-m", "service"]``; the shell form is refused (no signals, no PID 1)."""
        value = json.loads(self.arguments)
        assert isinstance(value, list), self
        assert all(isinstance(part, str) for part in value), self
        return value


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


@dataclass(frozen=True)
class Copy:
    sources: list[str]
    destination: str
    from_stage: str | None


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return lines


def parse(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """Global ``ARG`` defaults and the stages, with ``${ARG}`` substituted in ``FROM``."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(path.read_text(encoding="utf-8")):
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        arguments = arguments.strip()
        if keyword == "ARG" and not stages:
            name, _, default = arguments.partition("=")
            args[name] = default
        elif keyword == "FROM":
            image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], arguments)
            parts = re.split(r"\s+AS\s+", image, flags=re.IGNORECASE)
            stages.append(Stage(base=parts[0].strip(), name=parts[1].strip() if len(parts) > 1 else None))
        else:
            assert stages, f"{keyword} before FROM"
            stages[-1].instructions.append(Instruction(keyword, arguments))
    return args, stages


def copy_of(instruction: Instruction) -> Copy:
    parts = shlex.split(instruction.arguments)
    flags = [part for part in parts if part.startswith("--")]
    paths = [part for part in parts if not part.startswith("--")]
    from_stage = next((flag.split("=", 1)[1] for flag in flags if flag.startswith("--from=")), None)
    return Copy(sources=paths[:-1], destination=paths[-1], from_stage=from_stage)


def healthcheck_command(instruction: Instruction) -> list[str]:
    """The exec-form command of ``HEALTHCHECK [options] CMD [...]``."""
    _, marker, command = instruction.arguments.partition("CMD ")
    assert marker, f"HEALTHCHECK without CMD: {instruction.arguments}"
    return Instruction("CMD", command).exec_form()
