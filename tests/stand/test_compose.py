"""compose.yaml, checked by the real Compose v2 binary and against what the stand promises."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.stand.compose_tools import COMPOSE_FILE, PROFILE, compose, compose_binary, compose_config
from tests.stand.dockerfile import parse
from tests.support.live import ROOT

CORE = {"qa_websocket", "postgres", "kafka", "kafka-ui"}
OBSERVABILITY = {"elasticsearch", "kibana", "kibana-setup", "filebeat"}
MIGRATIONS = ROOT / "service" / "storage" / "migrations"


def _services(profile: str | None = PROFILE) -> dict[str, Any]:
    return dict(compose_config(profile)["services"])


def _is_job(service: dict[str, Any]) -> bool:
    """A one-shot container: it runs, exits and is not restarted."""
    return service.get("restart") == "no"


@pytest.mark.parametrize("profile", [None, PROFILE], ids=["default", PROFILE])
def test_compose_binary_accepts_the_stand(profile: str | None) -> None:
    result = compose("config", "-q", profile=profile)
    assert result.returncode == 0, f"docker compose config -q failed:\n{result.stderr}"


def test_compose_binary_refuses_a_broken_file(tmp_path: Path) -> None:
    """The binary itself, not its Python wrapper (which always exits 0), decides."""
    broken = tmp_path / "compose.yaml"
    broken.write_text(
        COMPOSE_FILE.read_text(encoding="utf-8").replace(
            "condition: service_healthy", "condition: healthy", 1
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(compose_binary()), "--file", str(broken), "--project-directory", str(ROOT), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "condition" in result.stderr


def test_profiles_split_the_stand() -> None:
    assert set(_services(None)) == CORE
    assert set(_services(PROFILE)) == CORE | OBSERVABILITY
    for name, service in _services(PROFILE).items():
        assert service.get("profiles", []) == ([PROFILE] if name in OBSERVABILITY else []), name


def test_every_long_running_service_has_a_healthcheck() -> None:
    _, stages = parse(ROOT / "Dockerfile")
    image_healthcheck = stages[-1].last("HEALTHCHECK") is not None
    for name, service in _services().items():
        if _is_job(service):
            continue
        healthcheck = service.get("healthcheck")
        if healthcheck is None:
            # Only an image this repository builds can bring its own HEALTHCHECK.
            assert "build" in service, f"{name} has no healthcheck"
            assert image_healthcheck, f"{name}: its image has no HEALTHCHECK"
            continue
        assert not healthcheck.get("disable"), name
        assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}, name
        assert len(healthcheck["test"]) > 1, name


def test_everything_starts_after_what_it_needs_is_healthy() -> None:
    services = _services()
    for name, service in services.items():
        for needed, dependency in service.get("depends_on", {}).items():
            target = services[needed]
            expected = "service_completed_successfully" if _is_job(target) else "service_healthy"
            assert dependency["condition"] == expected, f"{name} → {needed}"
    needs = {name: set(service.get("depends_on", {})) for name, service in services.items()}
    assert needs["qa_websocket"] == {"postgres", "kafka"}
    assert needs["kafka-ui"] == {"kafka"}
    assert needs["kibana"] == {"elasticsearch"}
    assert needs["filebeat"] >= {"elasticsearch"}
    assert needs["kibana-setup"] == {"kibana"}


def test_the_service_container_is_the_one_the_guide_names() -> None:
    service = _services()["qa_websocket"]
    assert service["container_name"] == "qa_websocket"
    assert service["build"]["context"] == str(ROOT)
    assert [(port["target"], port["published"]) for port in service["ports"]] == [(8002, "8002")]


def test_service_reaches_postgres_and_kafka_on_the_compose_network() -> None:
    services = _services()
    env = services["qa_websocket"]["environment"]

    dsn = urlsplit(env["DATABASE_URL"])
    postgres = services["postgres"]["environment"]
    assert dsn.scheme in {"postgresql", "postgres"}
    assert (dsn.hostname, dsn.port or 5432) == ("postgres", 5432)
    assert (dsn.username, dsn.password, dsn.path.lstrip("/")) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )

    kafka = services["kafka"]["environment"]
    advertised = dict(
        (listener.split("://")[0], listener.split("://")[1])
        for listener in kafka["KAFKA_ADVERTISED_LISTENERS"].split(",")
    )
    internal = advertised[kafka["KAFKA_INTER_BROKER_LISTENER_NAME"]]
    assert internal.split(":")[0] == "kafka", "brokers advertise their compose name to the network"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == internal
    assert services["kafka-ui"]["environment"]["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] == internal
    assert env["KAFKA_TOPIC"] == "ws_events"
    assert "localhost:9092" in advertised.values(), "the host reaches the broker as asyncapi.yaml says"
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller", "one node in KRaft mode"


def test_postgres_schema_comes_from_the_service_migrations() -> None:
    """No init script: the service migrates (pogo) and seeds the demo orders on start-up.

    The migration files hold ``-- migrate: rollback`` sections: run as a plain init script they
    would drop the table again, and pogo would not know they were applied. If they ever become
    plain SQL, mount them here instead and assert that the mounted file is exactly theirs.
    """
    sql = sorted(MIGRATIONS.glob("*.sql"))
    assert sql, "service/storage/migrations has no SQL: who creates the schema?"
    assert all("-- migrate: rollback" in path.read_text(encoding="utf-8") for path in sql)
    postgres = _services()["postgres"]
    targets = [volume["target"] for volume in postgres.get("volumes", [])]
    assert not any(target.startswith("/docker-entrypoint-initdb.d") for target in targets), targets
    assert _services()["qa_websocket"]["environment"]["DATABASE_URL"]


def test_images_are_pinned_and_name_no_registry_host() -> None:
    for name, service in _services().items():
        if "build" in service:
            continue
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository, f"{name}: pin a version, not {image!r}"
        assert tag not in {"", "latest"}, f"{name}: pin a version, not {image!r}"
        first = repository.split("/")[0]
        assert not re.search(r"[.:]", first), f"{name}: {image!r} names a registry host"


def test_bind_mounts_exist_and_kibana_gets_the_filebeat_data_view() -> None:
    services = _services()
    for name, service in services.items():
        for volume in service.get("volumes", []):
            if volume["type"] == "bind" and volume["source"].startswith(str(ROOT)):
                assert Path(volume["source"]).is_file(), f"{name}: {volume['source']} does not exist"
    setup = services["kibana-setup"]
    (mount,) = setup["volumes"]
    body = json.loads(Path(mount["source"]).read_text(encoding="utf-8"))
    assert body["data_view"]["title"] == "filebeat-*"
    assert body["data_view"]["timeFieldName"] == "@timestamp"
    assert body["override"] is True, "re-running the job must not fail on an existing data view"
    assert "http://kibana:5601/api/data_views/data_view" in setup["entrypoint"]
    assert f"@{mount['target']}" in setup["entrypoint"]
