"""docker-compose.yml, checked where no container engine runs: its structure against the parts
of the Compose specification it uses, and against the hub it starts (its settings, its
commands, its worker pools, the topology docs/deployment.md describes).
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.settings import Settings
from hub.cli import main as hub_command
from hub.platform.queues import WORKER_POOLS

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"

# The Compose specification's keys, as far as a file of this kind can use them.
TOP_LEVEL = {"name", "services", "volumes", "networks", "configs", "secrets"}
SERVICE_KEYS = {
    "build", "image", "command", "entrypoint", "environment", "env_file", "volumes",
    "depends_on", "ports", "expose", "deploy", "healthcheck", "restart", "user",
    "working_dir", "stop_grace_period", "stop_signal", "networks", "labels", "secrets",
}  # fmt: skip
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "start_interval"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
RESTART = {"no", "always", "on-failure", "unless-stopped"}
DURATION = re.compile(r"^(\d+(\.\d+)?(us|ms|s|m|h))+$")
PORT = re.compile(r"^(\d+(-\d+)?:)?\d+(-\d+)?(/(tcp|udp))?$")
SETTING_NAMES = {f"HUB_{field.name.upper()}" for field in dataclasses.fields(Settings)}
# The hub's processes, each scaled past one so that losing a machine loses none of them.
SCALED = {"api": 2, "worker-routing": 2, "worker-delivery": 2, "beat": 2}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


def test_the_file_uses_only_the_specifications_keys(compose: dict[str, Any]) -> None:
    assert {key for key in compose if not key.startswith("x-")} <= TOP_LEVEL
    assert services(compose)
    for name, service in services(compose).items():
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert ("image" in service) != ("build" in service), name
        assert service.get("restart", "no") in RESTART, name
        check = service.get("healthcheck")
        if check is not None:
            assert set(check) <= HEALTHCHECK_KEYS, name
            assert check["test"][0] in {"CMD", "CMD-SHELL", "NONE"}, name
            for key in ("interval", "timeout", "start_period"):
                assert key not in check or DURATION.match(str(check[key])), (name, key)
            assert int(check.get("retries", 1)) >= 1
        for port in service.get("ports", []):
            assert PORT.match(str(port)), (name, port)
        replicas = service.get("deploy", {}).get("replicas", 1)
        assert isinstance(replicas, int) and replicas >= 1, name


def test_what_a_service_depends_on_exists_and_can_be_waited_for(compose: dict[str, Any]) -> None:
    every = services(compose)
    for name, service in every.items():
        for other, rule in service.get("depends_on", {}).items():
            assert other in every and other != name, (name, other)
            assert rule["condition"] in CONDITIONS, (name, other)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in every[other], (name, other)
            if rule["condition"] == "service_completed_successfully":
                assert every[other].get("restart") == "no", (name, other)


def test_named_volumes_are_declared(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    for name, service in services(compose).items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":", 1)[0]
            if not source.startswith(("/", ".")):
                assert source in declared, (name, source)


def test_every_hub_variable_is_a_setting_the_hub_reads(compose: dict[str, Any]) -> None:
    for name, service in services(compose).items():
        for variable in service.get("environment", {}):
            if variable.startswith("HUB_"):
                assert variable in SETTING_NAMES, (name, variable)


def test_the_topology_has_every_process_type_scaled_past_one(compose: dict[str, Any]) -> None:
    every = services(compose)
    for name, least in SCALED.items():
        assert every[name]["deploy"]["replicas"] >= least, name
    assert "config.gunicorn" in every["api"]["command"]
    assert "/livez" in " ".join(every["api"]["healthcheck"]["test"])
    assert {"postgres", "redis", "migrate"} <= set(every)
    assert "--appendonly yes" in every["redis"]["command"]
    assert "noeviction" in every["redis"]["command"]
    # A replica of the API must not share another's metrics directory: gunicorn empties it.
    assert every["api"]["environment"]["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")


def test_the_hub_commands_exist_and_name_real_worker_pools(compose: dict[str, Any]) -> None:
    pools = set()
    for name, service in services(compose).items():
        words = shlex.split(service["command"]) if isinstance(service.get("command"), str) else []
        if words[:1] != ["hub"]:
            continue
        assert words[1] in hub_command.commands, (name, words)
        if words[1] == "worker":
            pool = words[words.index("--pool") + 1]
            assert pool in WORKER_POOLS, (name, pool)
            pools.add(pool)
            ping = " ".join(service["healthcheck"]["test"])
            assert f"hub-{pool}-1@" in ping, name  # the name `hub worker` gives as PID 1
    assert pools == {"routing", "delivery"}
