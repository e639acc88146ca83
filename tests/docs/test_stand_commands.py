"""The stand commands the docs show (``docs/examples/stand/*.sh``) fit the project as it is.

They need Docker or a database, which the tests do not start, so they are checked against
the files that define them instead: the run command is the README's, the containers,
profiles, ports and the database of ``compose.yaml`` are the ones the commands and pages name.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.docs.transcripts import EXAMPLES
from tools.specs import ROOT

STAND = EXAMPLES / "stand"
COMPOSE = ROOT / "compose.yaml"
README_RUN = "uv run --frozen --no-dev python -m service"


def compose() -> dict[str, Any]:
    assert COMPOSE.is_file(), "compose.yaml (the stand the docs describe) is missing"
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def command(name: str) -> str:
    return (STAND / f"{name}.sh").read_text(encoding="utf-8").strip()


def published_ports() -> set[int]:
    ports = set()
    for service in compose()["services"].values():
        for mapping in service.get("ports", []):
            parts = str(mapping).split(":")  # "8002:8002", "127.0.0.1:8080:8080" or "8080"
            ports.add(int(parts[-2] if len(parts) > 1 else parts[0]))
    return ports


def test_the_run_command_is_the_readmes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert command("run") in readme.splitlines(), (
        "docs/examples/stand/run.sh must be the README's run command"
    )
    for path in STAND.glob("run*.sh"):
        assert README_RUN in path.read_text(encoding="utf-8"), (
            f"{path.name} runs the service as the README does"
        )


def test_containers_and_profiles_exist_in_compose() -> None:
    services = compose()["services"]
    containers = {s.get("container_name") for s in services.values()}
    profiles = {p for s in services.values() for p in s.get("profiles", [])}
    docs_text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    docs_text += "\n".join(p.read_text(encoding="utf-8") for p in STAND.glob("*.sh"))
    for name in set(re.findall(r"\bqa_[a-z_]+\b", docs_text)) - {"qa_kit"}:
        assert name in containers, f"the docs name a container {name!r} that compose.yaml does not have"
    for profile in re.findall(r"--profile (\S+)", docs_text):
        assert profile in profiles, f"compose.yaml has no profile {profile!r}"


def test_every_localhost_port_of_the_docs_is_published_by_the_stand() -> None:
    docs_text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    docs_text += "\n".join(p.read_text(encoding="utf-8") for p in STAND.glob("*.sh"))
    ports = {int(p) for p in re.findall(r"localhost:(\d+)", docs_text)}
    assert ports, "the docs name the stand's addresses"
    missing = ports - published_ports()
    assert not missing, f"ports the docs name that compose.yaml does not publish: {sorted(missing)}"


def test_the_database_and_broker_addresses_are_the_stands() -> None:
    services = compose()["services"]
    postgres = services["postgres"]["environment"]
    dsn = f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@localhost:5432/{postgres['POSTGRES_DB']}"
    assert f"DATABASE_URL={dsn} " in command("run-postgres")
    advertised = str(services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"])
    host_listener = re.search(r"//(localhost:\d+)", advertised)
    assert host_listener, "Kafka advertises a listener for the host"
    assert f"KAFKA_BOOTSTRAP_SERVERS={host_listener[1]} " in command("run-kafka")
