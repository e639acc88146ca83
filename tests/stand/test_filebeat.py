"""deploy/filebeat.yml played on real log lines: Kibana gets the fields testers filter on.

The service runs here for real; each line it prints goes through the steps the Filebeat
configuration names (``tests.stand.filebeat_emulation``), as if Docker had logged it for the
container compose.yaml names ``qa_websocket``.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.stand.compose_tools import FILEBEAT_CONFIG, PROFILE, compose_config
from tests.stand.filebeat_emulation import Container, EmulationError, docker_json_file_line, ship
from tests.support.client import ContractClient
from tests.support.live import LiveService, free_port, start_service

REQUEST_ID = "kibana-echo-1"
CHANNEL = "kibana-room"
DOCKER_TIME = "2026-01-01T12:00:00.123456789Z"


@pytest.fixture(scope="module")
def filebeat() -> dict[str, Any]:
    config = yaml.safe_load(FILEBEAT_CONFIG.read_text(encoding="utf-8"))
    assert isinstance(config, dict), "deploy/filebeat.yml is not a YAML mapping"
    return config


@pytest.fixture(scope="module")
def container() -> Container:
    """The service container as the Docker API would describe it to Filebeat."""
    service = compose_config(PROFILE)["services"]["qa_websocket"]
    return Container(id="c0ffee" * 10 + "abcd", name=service["container_name"], image=service["image"])


def _docker_provider(config: dict[str, Any]) -> dict[str, Any]:
    (provider,) = [p for p in config["filebeat.autodiscover"]["providers"] if p["type"] == "docker"]
    return dict(provider)


@pytest.fixture(scope="module")
def service_input(filebeat: dict[str, Any], container: Container) -> dict[str, Any]:
    """The input the Docker provider starts for the qa_websocket container."""
    matching = []
    for template in _docker_provider(filebeat)["templates"]:
        condition = template["condition"]
        ((operator, fields),) = condition.items()
        assert operator == "equals", f"condition {condition} is not played"
        if fields == {"docker.container.name": container.name}:
            matching.append(template)
    assert len(matching) == 1, f"exactly one template must match container {container.name!r}"
    (config,) = matching[0]["config"]
    return dict(config)


@pytest.fixture(scope="module")
def log_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Real stdout of the service: a REST call, a WebSocket echo and a frame that is not JSON."""
    service: LiveService = start_service(Path(tmp_path_factory.mktemp("filebeat")) / "service.log")
    try:
        httpx.get(f"{service.http}/orders/1").raise_for_status()

        async def talk() -> None:
            async with ContractClient.connect(service.ws, channel=CHANNEL) as client:
                await client.request("echo", {"text": "to kibana"}, request_id=REQUEST_ID)
                await client.raw_request("not json", request_id=None)

        asyncio.run(talk())
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(REQUEST_ID in line for line in service.log_lines()):
            time.sleep(0.05)
    finally:
        service.stop()
    lines = [line for line in service.log_lines() if line.strip()]
    assert any(REQUEST_ID in line for line in lines), "the echo was not logged"
    return lines


@pytest.fixture(scope="module")
def outage_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Real stdout of the service set up as compose sets it, while PostgreSQL and Kafka are away.

    These are the lines a tester looks for in Kibana when the stand misbehaves.
    """
    env = {
        "DATABASE_URL": f"postgresql://qa:qa@127.0.0.1:{free_port()}/qa_kit",
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
    }
    service = start_service(Path(tmp_path_factory.mktemp("outage")) / "service.log", env)
    try:
        assert httpx.get(f"{service.http}/orders/1").status_code == 503
        deadline = time.monotonic() + 10
        wanted = ("store.down", "kafka.down")
        while time.monotonic() < deadline and not all(
            any(name in line for line in service.log_lines()) for name in wanted
        ):
            time.sleep(0.1)
    finally:
        service.stop()
    lines = [line for line in service.log_lines() if line.strip()]
    for name in wanted:
        assert any(name in line for line in lines), f"no {name} line was logged"
    return lines


def _documents(lines: list[str], service_input: dict[str, Any], container: Container) -> list[dict[str, Any]]:
    documents = []
    offset = 0
    for line in lines:
        raw = docker_json_file_line(line, time=DOCKER_TIME)
        document = ship(raw, input_config=service_input, container=container, offset=offset)
        assert document is not None, f"stdout line dropped: {line}"
        documents.append(document)
        offset += len(raw) + 1
    return documents


def test_provider_reads_the_docker_logs_that_compose_mounts(
    filebeat: dict[str, Any], service_input: dict[str, Any]
) -> None:
    provider = _docker_provider(filebeat)
    services = compose_config(PROFILE)["services"]
    mounts = {volume["target"]: volume for volume in services["filebeat"]["volumes"]}
    assert provider["host"] == "unix:///var/run/docker.sock"
    assert mounts["/var/run/docker.sock"]["source"] == "/var/run/docker.sock"
    assert mounts["/var/lib/docker/containers"]["source"] == "/var/lib/docker/containers"
    assert all(mount["read_only"] for target, mount in mounts.items() if target != "/usr/share/filebeat/data")
    assert Path(mounts["/usr/share/filebeat/filebeat.yml"]["source"]) == FILEBEAT_CONFIG
    assert service_input["type"] == "filestream"
    assert service_input["id"].endswith("${data.docker.container.id}"), "one input id per container"
    for path in service_input["paths"]:
        assert path.startswith("/var/lib/docker/containers/${data.docker.container.id}/"), path


def test_output_goes_to_the_compose_elasticsearch_and_kibana(filebeat: dict[str, Any]) -> None:
    services = compose_config(PROFILE)["services"]

    def published(name: str) -> set[int]:
        return {int(port["target"]) for port in services[name]["ports"]}

    (host,) = filebeat["output.elasticsearch"]["hosts"]
    assert host == "http://elasticsearch:9200"
    assert 9200 in published("elasticsearch")
    assert filebeat["setup.kibana"]["host"] == "http://kibana:5601"
    assert 5601 in published("kibana")
    assert "index" not in filebeat["output.elasticsearch"], "a custom index would not match `filebeat-*`"


def test_every_service_line_becomes_a_document_with_ecs_fields_at_the_top(
    log_lines: list[str], service_input: dict[str, Any], container: Container
) -> None:
    documents = _documents(log_lines, service_input, container)
    for line, document in zip(log_lines, documents, strict=True):
        original = json.loads(line)
        assert "error" not in document, f"not decoded: {document.get('error')} for {line}"
        assert document["@timestamp"] == original["@timestamp"], "the service's own time is kept"
        assert document["message"] == original["message"]
        assert document["log"]["level"] == original["log.level"]
        assert document["log"]["file"]["path"].startswith("/var/lib/docker/containers/"), (
            "Filebeat's log.* stays"
        )
        assert document["ecs"]["version"] == original["ecs.version"]
        assert document["container"]["name"] == "qa_websocket", 'Discover: container.name : "qa_websocket"'
        # filebeat-* maps `event` as an object: a string there would get the document refused.
        assert isinstance(document.get("event", {}), dict), f"`event` is not an object in: {line}"


def test_an_action_is_searchable_by_request_id_channel_action_and_event_action(
    log_lines: list[str], service_input: dict[str, Any], container: Container
) -> None:
    documents = _documents(log_lines, service_input, container)
    (echo,) = [d for d in documents if d.get("request_id") == REQUEST_ID]
    assert echo["channel"] == CHANNEL
    assert echo["action"] == "echo"
    assert echo["event"]["action"] == "ws.echo"
    assert echo["container"] == {
        "id": container.id,
        "name": "qa_websocket",
        "image": {"name": "qa-kit-ws:local"},
    }
    rejected = [d for d in documents if d.get("event", {}).get("action") == "frame.rejected"]
    assert rejected
    assert rejected[0]["channel"] == CHANNEL


def test_a_line_that_is_not_json_keeps_its_text_and_says_why(
    service_input: dict[str, Any], container: Container
) -> None:
    raw = docker_json_file_line("Traceback (most recent call last):", time=DOCKER_TIME, stream="stderr")
    document = ship(raw, input_config=service_input, container=container)
    assert document is not None
    assert document["message"] == "Traceback (most recent call last):"
    assert "JSON" in document["error"]["message"]
    assert document["container"]["name"] == "qa_websocket"


def test_the_emulation_refuses_settings_it_does_not_play(
    service_input: dict[str, Any], container: Container
) -> None:
    raw = docker_json_file_line("{}", time=DOCKER_TIME)
    changed = {
        **service_input,
        "processors": [{"decode_json_fields": {"fields": ["message"], "target": "json"}}],
    }
    with pytest.raises(EmulationError):
        ship(raw, input_config=changed, container=container)
    with pytest.raises(EmulationError):
        ship(raw, input_config={**service_input, "parsers": [{"ndjson": {}}]}, container=container)


def test_outage_lines_reach_kibana_too(
    outage_lines: list[str], service_input: dict[str, Any], container: Container
) -> None:
    documents = _documents(outage_lines, service_input, container)
    for line, document in zip(outage_lines, documents, strict=True):
        assert "error" not in document, line
        assert isinstance(document.get("event", {}), dict), f"`event` is not an object in: {line}"
    actions = {document.get("event", {}).get("action") for document in documents}
    assert {"store.down", "kafka.down"} <= actions
