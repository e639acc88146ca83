"""The exercises of "Тестируем устойчивость клиента" (docs/how-to/resilience/) run as shown.

``docs/examples/resilience/NN-name.sh`` is a command exactly as a page shows it (websocat, curl,
or ``python script.py`` for a script of the same folder), for a service on ``localhost:8002``;
``NN-name.out`` is its output as the page shows it. The commands run in the order of their
numbers, each in a shell of its own, against one fresh service with faults on (the default);
``docs/examples/faults-off/`` likewise against a service started with ``FAULTS=off``. So do the
commands of "Переподключение без потерь": ``docs/examples/resume/`` against a service with the
defaults, ``docs/examples/resume-small-history/`` against one with ``CHANNEL_HISTORY_SIZE=5``;
and those of "Трасса запроса": ``docs/examples/trace/`` against a service with the defaults.

Every command has a hard time limit: one that hangs is killed with its whole process group
and fails the test, as does one that exits with an error (a script's own check failed).
The scripts take their random choices from a ``seed`` and print times as facts ("not before
300 ms"), so their output compares exactly, up to the timestamps that
:func:`tests.docs.transcripts.normalized_line` leaves out and the epochs and client ids it
renames.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.transcripts import EXAMPLES, RECORD, assert_transcript
from tests.support.live import LiveService, running_service

BIN = Path(sys.executable).parent
TIME_LIMIT = 30
"""Seconds a command may run; each exercise takes a few."""
FOLDERS = {
    "resilience": {"FAULTS": "on"},
    "faults-off": {"FAULTS": "off"},
    "resume": {"FAULTS": "on"},
    "resume-small-history": {"CHANNEL_HISTORY_SIZE": "5"},
    "trace": {},
}
"""Each folder of commands, with the settings of the service they run against."""
SCRIPT = re.compile(r"\bpython ([\w-]+\.py)\b")


def commands(folder: str) -> list[Path]:
    return sorted((EXAMPLES / folder).glob("*.sh"))


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_file_belongs_to_a_command(folder: str) -> None:
    names = {path.stem for path in commands(folder)}
    assert names, f"docs/examples/{folder} has commands"
    scripts = {name for path in commands(folder) for name in SCRIPT.findall(path.read_text(encoding="utf-8"))}
    for path in (EXAMPLES / folder).iterdir():
        if path.suffix == ".py":
            assert path.name in scripts, f"{folder}/{path.name}: no command runs it"
        elif path.name != "__pycache__":
            assert path.suffix in {".sh", ".out"}, f"unexpected file {folder}/{path.name}"
            assert path.stem in names, f"{folder}/{path.name} belongs to no command"
    for name in scripts:
        assert (EXAMPLES / folder / name).is_file(), f"a command of {folder} runs {name}, which is missing"
    if not RECORD:
        missing = [name for name in names if not (EXAMPLES / folder / f"{name}.out").is_file()]
        assert not missing, f"commands without an output file: {missing}"


def run_command(text: str, *, cwd: Path, env: dict[str, str]) -> tuple[list[str], int | None]:
    """The command's output lines (stdout and stderr) and exit code; ``None``: killed in time."""
    process = subprocess.Popen(
        ["/bin/bash", "-c", text],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: a hanging command goes with its children
    )
    try:
        output, _ = process.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return output.decode(errors="replace").splitlines(), None
    return output.decode(errors="replace").splitlines(), process.returncode


@pytest.fixture(params=FOLDERS)
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, LiveService, Path]]:
    """A fresh service with the folder's settings, and a working folder holding its scripts."""
    folder: str = request.param
    for script in (EXAMPLES / folder).glob("*.py"):
        shutil.copy(script, tmp_path / script.name)
    with running_service(tmp_path / "service.log", FOLDERS[folder]) as service:
        yield folder, service, tmp_path


def test_exercises_print_what_the_docs_show(stand: tuple[str, LiveService, Path]) -> None:
    folder, service, cwd = stand
    address = f"127.0.0.1:{service.port}"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "QA_KIT_HOST": address}
    failures = []
    for path in commands(folder):
        text = path.read_text(encoding="utf-8").replace("localhost:8002", address)
        output, code = run_command(text, cwd=cwd, env=env)
        output = [line.replace(address, "localhost:8002") for line in output]
        what = f"`{folder}/{path.name}`"
        try:
            assert code is not None, f"{what} did not end within {TIME_LIMIT} s:\n" + "\n".join(output)
            assert code == 0, f"{what} exited with {code}:\n" + "\n".join(output)
            assert_transcript(path.with_suffix(".out"), output, what=what)
        except AssertionError as failed:
            failures.append(str(failed))
    assert not failures, "\n\n".join(failures)
