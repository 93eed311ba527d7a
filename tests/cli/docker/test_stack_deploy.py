"""Fuzzing ``docker stack deploy`` with odd YAML: success or one docker error, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swarmsim.cli.docker.stack import set_stack_environment
from swarmsim.swarm import Swarm

KEYS = [
    "image", "command", "entrypoint", "environment", "ports", "networks", "deploy", "mode",
    "replicas", "update_config", "restart_policy", "placement", "constraints", "preferences",
    "resources", "limits", "cpus", "memory", "healthcheck", "test", "secrets", "configs",
    "labels", "volumes", "target", "published", "source", "aliases", "external", "name",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(
        ["", "1", "0.5", "10s", "x", "80:80", "8000-8001:80-81/udp", "global", "host",
         "on-failure", "${N}", "echo 'a", "a\\", "node.role==manager", "1g", "start-first", "[a]"]
    ),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(service=st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5))
def test_any_service_gives_success_or_one_docker_error(
    service: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    service.setdefault("image", "nginx")
    document = {"services": {"web": service}, "networks": {"front": {}}}
    (tmp_path / "f.yml").write_text(json.dumps(document))  # JSON is YAML
    swarm = Swarm(seed=1, managers=1)
    set_stack_environment(swarm, {"N": "2"})
    result = swarm.docker("docker stack deploy -d -c f.yml app")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code == 1:
        assert result.stderr.strip()
        assert not swarm.ctx.store.services
    else:
        assert swarm.ctx.store.service_by_name("app_web") is not None
