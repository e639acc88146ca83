"""The service image without a Docker engine: its rules, its build context, and that it runs.

The build is replayed on disk: the files the ``.dockerignore`` lets into the context (matched by
the Docker SDK's own implementation), copied as the build stage's ``COPY`` lines say, the
dependencies installed with the build stage's ``uv sync`` line; then the image's ``CMD`` starts
the service there and the image's ``HEALTHCHECK`` command must pass, and fail once it is gone.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

import httpx
import pytest
from docker.utils.build import exclude_paths  # type: ignore[import-untyped]

from tests.stand.dockerfile import Stage, copy_of, healthcheck_command, parse
from tests.support.live import ROOT, free_port

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    _, found = parse(DOCKERFILE)
    assert len(found) >= 2, "a build stage and a runtime stage"
    return found


def _context() -> set[str]:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return {path for path in exclude_paths(str(ROOT), patterns) if (ROOT / path).is_file()}


def test_runtime_stage_is_small_non_root_and_runs_the_service(stages: list[Stage]) -> None:
    build, runtime = stages[0], stages[-1]
    for stage in stages:
        assert re.fullmatch(r"python:3\.11[.\d]*-slim(-\w+)?", stage.base), stage.base
    user = runtime.last("USER")
    assert user is not None, "the service must not run as root"
    assert user.arguments.split(":")[0] not in {"root", "0"}, "the service must not run as root"
    assert any("useradd" in run.arguments and user.arguments in run.arguments for run in runtime.all("RUN"))
    cmd = runtime.last("CMD")
    assert cmd is not None
    assert cmd.exec_form() == ["python", "-m", "service"]
    assert [expose.arguments for expose in runtime.all("EXPOSE")] == ["8002"]
    healthcheck = runtime.last("HEALTHCHECK")
    assert healthcheck is not None
    assert healthcheck_command(healthcheck)[0] == "python", "slim images have no curl"
    assert "/health" in healthcheck.arguments
    # Dependencies only from the lock, without the dev group, and no toolchain in the image.
    syncs = [run.arguments for run in build.all("RUN") if run.arguments.startswith("uv sync")]
    assert syncs, "no uv sync in the build stage"
    assert all({"--frozen", "--no-dev"} <= set(shlex.split(sync)) for sync in syncs), syncs
    assert all("pip install" not in run.arguments for run in runtime.all("RUN"))
    (copy,) = [copy_of(i) for i in runtime.all("COPY")]
    assert copy.from_stage == build.name, "the runtime stage takes only what the build stage made"


def test_build_context_holds_what_the_build_copies_and_nothing_else() -> None:
    context = _context()
    _, stages = parse(DOCKERFILE)
    for instruction in stages[0].all("COPY"):
        for source in copy_of(instruction).sources:
            assert source in context or any(path.startswith(f"{source}/") for path in context), (
                f"COPY {source}: .dockerignore keeps it out of the build context"
            )
    for unwanted in (
        ".venv/",
        ".git/",
        "tests/",
        "node_modules/",
        "postman/",
        ".hypothesis/",
        "__pycache__/",
    ):
        leaked = sorted(path for path in context if f"/{unwanted}" in f"/{path}")
        assert not leaked, f"{unwanted} is in the build context: {leaked[:5]}"
    assert "service/__main__.py" in context
    assert any(path.startswith("service/storage/migrations/") for path in context), "migrations ship"


def _replay_build(stage: Stage, context: set[str], app: Path) -> None:
    for instruction in stage.all("COPY"):
        copy = copy_of(instruction)
        assert copy.from_stage is None, "the build stage copies from the context only"
        for source in copy.sources:
            files = [path for path in context if path == source or path.startswith(f"{source}/")]
            for path in files:
                # Docker: a directory's contents go into the destination; a file goes into a
                # destination ending in "/", or becomes it.
                if path != source:
                    target = app / copy.destination / Path(path).relative_to(source)
                elif copy.destination.endswith("/"):
                    target = app / copy.destination / Path(path).name
                else:
                    target = app / copy.destination
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / path, target)
    (sync,) = [run.arguments for run in stage.all("RUN") if run.arguments.startswith("uv sync")]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT"}
    }
    uv = shutil.which("uv") or pytest.fail("uv is not on PATH")
    result = subprocess.run(
        [uv, *shlex.split(sync)[1:]],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, f"{sync} failed:\n{result.stdout}\n{result.stderr}"


def test_the_image_files_run_the_service_and_its_healthcheck(stages: list[Stage], tmp_path: Path) -> None:
    app = tmp_path / "app"
    _replay_build(stages[0], _context(), app)
    python = app / ".venv" / "bin" / "python"
    assert python.is_file()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL"}},
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "KAFKA_BOOTSTRAP_SERVERS": "",
    }
    runtime = stages[-1]
    cmd = runtime.last("CMD")
    healthcheck = runtime.last("HEALTHCHECK")
    assert cmd is not None
    assert healthcheck is not None
    log = (tmp_path / "service.log").open("wb")
    process = subprocess.Popen(cmd.exec_form(), cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, (tmp_path / "service.log").read_text()[-3000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the service from the image files did not come up"
            time.sleep(0.1)
        health = httpx.get(f"http://127.0.0.1:{port}/health").json()
        project = tomllib.loads((app / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert health["version"] == project["version"], "the image reports its pyproject version"
        served = httpx.get(f"http://127.0.0.1:{port}/specs/asyncapi.yaml").text
        assert served == (app / "api_specs" / "asyncapi.yaml").read_text(encoding="utf-8")
        check = subprocess.run(
            healthcheck_command(healthcheck), env=env, capture_output=True, timeout=10, check=False
        )
        assert check.returncode == 0, check.stderr
    finally:
        process.terminate()
        process.wait(15)
        log.close()
    check = subprocess.run(
        healthcheck_command(healthcheck), env=env, capture_output=True, timeout=10, check=False
    )
    assert check.returncode != 0, "the HEALTHCHECK passes with no service: it checks nothing"
