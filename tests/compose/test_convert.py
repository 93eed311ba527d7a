"""Compose services turned into service specs as ``convert.Service`` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from swarmsim.api.enums import (
    FailureAction,
    PublishMode,
    RestartCondition,
    ServiceMode,
    UpdateOrder,
)
from swarmsim.api.specs import HealthConfig, Mount, PortConfig, UpdateConfig
from swarmsim.compose.convert import convert_service
from swarmsim.compose.load import load_stack
from swarmsim.compose.objects import convert_networks
from swarmsim.compose.yamlfile import ComposeError


def _load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    path = tmp_path / "s.yml"
    path.write_text(text)
    return load_stack([str(path)], env or {}).config


def _spec(tmp_path: Path, text: str, name: str = "web"):  # type: ignore[no-untyped-def]
    config = _load(tmp_path, text)
    return convert_service(
        "app", name, config, str(tmp_path), lambda n: f"id-{n}", lambda n: None, lambda n: None
    )


def test_container_fields(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        """
services:
  web:
    image: nginx
    entrypoint: /docker-entrypoint.sh --flag
    command: ["nginx", "-g", "daemon off;"]
    hostname: front
    user: "101:101"
    working_dir: /srv
    init: true
    stop_grace_period: 1m30s
    stop_signal: SIGQUIT
    read_only: true
    environment: [B=2, A=1, NOVALUE]
    labels: [com.example=web]
    extra_hosts: ["db:10.0.0.5", "v6=[::1]"]
    dns: 8.8.8.8
    dns_search: [example.com]
    volumes:
      - data:/data:ro
      - ./html:/usr/share/nginx/html
      - /tmp
volumes:
  data:
    external: true
""",
    )
    container = spec.task.container
    assert container.command == ("/docker-entrypoint.sh", "--flag")
    assert container.args == ("nginx", "-g", "daemon off;")
    assert (container.hostname, container.user, container.dir) == ("front", "101:101", "/srv")
    assert container.init and container.read_only and container.stop_signal == "SIGQUIT"
    assert container.stop_grace_period == 90.0
    assert container.env == ("A=1", "B=2", "NOVALUE")
    assert dict(container.labels) == {
        "com.docker.stack.namespace": "app",
        "com.example": "web",
    }
    assert container.hosts == ("10.0.0.5 db", "::1 v6")
    assert container.dns_nameservers == ("8.8.8.8",) and container.dns_search == ("example.com",)
    assert container.mounts == (
        Mount("/data", "data", "volume", True),
        Mount("/usr/share/nginx/html", str(tmp_path / "html"), "bind", False),
        Mount("/tmp", "", "volume", False),
    )


def test_ports_short_long_and_ranges(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        """
services:
  web:
    image: nginx
    ports:
      - 3000
      - "8000-8001:80-81/udp"
      - "127.0.0.1:9090:90"
      - target: 443
        published: 443
        protocol: tcp
        mode: host
""",
    )
    assert spec.endpoint.ports == (
        PortConfig(3000, 0, "tcp"),
        PortConfig(443, 443, "tcp", PublishMode.HOST),
        PortConfig(80, 8000, "udp"),
        PortConfig(81, 8001, "udp"),
        PortConfig(90, 9090, "tcp"),
    )


def test_deploy_options(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        """
version: "3.9"
services:
  web:
    image: nginx
    deploy:
      replicas: 0
      endpoint_mode: DNSRR
      resources:
        limits: {cpus: "0.5", memory: 512M, pids: 100}
        reservations: {cpus: "0.25", memory: 128M}
      restart_policy: {condition: none, max_attempts: 3, window: 1m}
      update_config: {parallelism: 2, failure_action: rollback, monitor: 30s,
                      max_failure_ratio: 0.25}
      rollback_config: {order: start-first}
      placement:
        constraints: [node.role == worker]
        preferences: [{spread: node.labels.zone}, {spread: node.labels.rack}]
        max_replicas_per_node: 2
    healthcheck:
      test: curl -f http://localhost
      interval: 5s
      retries: 5
""",
    )
    assert spec.replicas == 0 and spec.endpoint.mode == "dnsrr"
    assert (spec.task.limits.nano_cpus, spec.task.limits.memory_bytes) == (500_000_000, 512 << 20)
    assert spec.task.reservations.nano_cpus == 250_000_000
    restart = spec.task.restart
    assert (restart.condition, restart.max_attempts, restart.window) == (
        RestartCondition.NONE,
        3,
        60.0,
    )
    assert restart.delay == 5.0
    assert spec.update == UpdateConfig(2, 0.0, FailureAction.ROLLBACK, 30.0, 0.25)
    assert spec.rollback == UpdateConfig(order=UpdateOrder.START_FIRST)
    assert spec.task.placement.preferences == ("node.labels.zone", "node.labels.rack")
    assert spec.task.placement.max_replicas == 2
    assert spec.task.container.healthcheck == HealthConfig(
        ("CMD-SHELL", "curl -f http://localhost"), 5.0, 0.0, 5, 0.0
    )
    assert spec.task.networks == ("id-app_default",)


@pytest.mark.parametrize(
    ("deploy", "mode", "replicas", "max_concurrent"),
    [
        ("{}", ServiceMode.REPLICATED, 1, 0),
        ("{mode: ''}", ServiceMode.REPLICATED, 1, 0),
        ("{mode: replicated, replicas: 3}", ServiceMode.REPLICATED, 3, 0),
        ("{mode: global}", ServiceMode.GLOBAL, 1, 0),
        # convertDeployMode: replicas are both TotalCompletions and MaxConcurrent,
        # and the daemon makes them 1 when unset
        ("{mode: replicated-job, replicas: 4}", ServiceMode.REPLICATED_JOB, 4, 4),
        ("{mode: replicated-job}", ServiceMode.REPLICATED_JOB, 1, 1),
        ("{mode: replicated-job, replicas: 0}", ServiceMode.REPLICATED_JOB, 0, 0),
        ("{mode: global-job}", ServiceMode.GLOBAL_JOB, 1, 0),
    ],
)
def test_deploy_modes(
    tmp_path: Path, deploy: str, mode: ServiceMode, replicas: int, max_concurrent: int
) -> None:
    spec = _spec(tmp_path, f"services:\n  web:\n    image: nginx\n    deploy: {deploy}\n")
    assert (spec.mode, spec.replicas, spec.max_concurrent) == (mode, replicas, max_concurrent)


@pytest.mark.parametrize(
    ("deploy", "error"),
    [
        (
            "{mode: global-job, replicas: 1}",
            "replicas can only be used with replicated or replicated-job mode",
        ),
        (
            "{mode: global, replicas: 0}",
            "replicas can only be used with replicated or replicated-job mode",
        ),
        ("{mode: job}", "Unknown mode: job"),
        ("{mode: Global}", "Unknown mode: Global"),
    ],
)
def test_deploy_mode_errors(tmp_path: Path, deploy: str, error: str) -> None:
    with pytest.raises(ComposeError) as info:
        _spec(tmp_path, f"services:\n  web:\n    image: nginx\n    deploy: {deploy}\n")
    assert info.value.message == f"service web: {error}"


@pytest.mark.parametrize(
    ("restart", "condition", "attempts"),
    [("always", RestartCondition.ANY, 0), ("on-failure:4", RestartCondition.ON_FAILURE, 4),
     ("no", RestartCondition.ANY, 0)],
)  # fmt: skip
def test_legacy_restart_string(
    tmp_path: Path, restart: str, condition: RestartCondition, attempts: int
) -> None:
    spec = _spec(tmp_path, f"services:\n  web:\n    image: nginx\n    restart: '{restart}'\n")
    assert (spec.task.restart.condition, spec.task.restart.max_attempts) == (condition, attempts)


def test_disabled_healthcheck_and_conflict(tmp_path: Path) -> None:
    base = "services:\n  web:\n    image: nginx\n    healthcheck:\n      disable: true\n"
    assert _spec(tmp_path, base).task.container.healthcheck == HealthConfig(("NONE",))
    with pytest.raises(ComposeError) as info:
        _spec(tmp_path, base + '      test: [CMD, "true"]\n')
    assert info.value.message == "service web: test and disable can't be set at the same time"


def test_networks_plan_names_external_and_ipam(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        """
services:
  a: {image: nginx, networks: [front, proxy]}
  b: {image: nginx}
networks:
  front:
    name: custom-front
    attachable: true
    labels: [team=web]
    ipam:
      config: [{subnet: 10.20.0.0/24}]
  proxy:
    external: true
    name: traefik-public
  unused: {}
""",
    )
    plans, external = convert_networks("app", config)
    assert external == ["traefik-public"]
    assert [(p.name, p.attachable, p.subnet) for p in plans] == [
        ("app_default", False, None),
        ("custom-front", True, "10.20.0.0/24"),
    ]
    assert plans[1].labels == {"team": "web", "com.docker.stack.namespace": "app"}
    spec = convert_service(
        "app", "a", config, str(tmp_path), lambda n: n, lambda n: None, lambda n: None
    )
    assert spec.task.networks == ("custom-front", "traefik-public")
