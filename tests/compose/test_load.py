"""Loading compose files: a corpus of broken files and docker's messages, merge, env files."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmsim.cli.docker.stack import set_stack_environment
from swarmsim.compose.load import check_images, load_stack
from swarmsim.compose.yamlfile import ComposeError
from swarmsim.swarm import Swarm

NOTICE = (
    "Since --detach=false was not specified, tasks will be created in the background.\n"
    "In a future release, --detach=false will become the default.\n"
)
WEB = "services:\n  web:\n    image: nginx\n"

# (file text, docker's message, networks docker has created before the error)
CORPUS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "wrong_type": (
        WEB + "    deploy:\n      replicas: two\n",
        "f.yml:5:7: services.web.deploy.replicas must be a integer",
        (),
    ),
    "wrong_type_mapping": (
        WEB + "    environment: 3\n",
        "f.yml:4:5: services.web.environment must be a mapping",
        (),
    ),
    "unknown_key": (
        WEB + "    foo: bar\n",
        "f.yml:4:5: services.web Additional property foo is not allowed",
        (),
    ),
    "unknown_top_level_key": (
        "version: '3.8'\nfoo: 1\n" + WEB,
        "f.yml:2:1: (root) Additional property foo is not allowed",
        (),
    ),
    "key_too_new_for_version": (
        "version: '3.7'\n" + WEB + "    deploy:\n      placement:\n"
        "        max_replicas_per_node: 1\n",
        "f.yml:7:9: services.web.deploy.placement Additional property max_replicas_per_node "
        "is not allowed",
        (),
    ),
    "bad_duration": (
        WEB + "    stop_grace_period: 10 seconds\n",
        "f.yml:4:5: services.web.stop_grace_period Does not match format 'duration'",
        (),
    ),
    "bad_update_delay": (
        WEB + "    deploy:\n      update_config:\n        delay: soon\n",
        "f.yml:6:9: services.web.deploy.update_config.delay Does not match format 'duration'",
        (),
    ),
    "bad_port": (
        WEB + "    ports:\n      - '80000:80'\n",
        "f.yml:5:9: services.web.ports.0 Does not match format 'ports'",
        (),
    ),
    "bad_port_protocol": (
        WEB + "    ports:\n      - '80:80/icmp'\n",
        "f.yml:5:9: services.web.ports.0 Does not match format 'ports'",
        (),
    ),
    "bad_long_port": (
        WEB + "    ports:\n      - target: eighty\n",
        "f.yml:5:9: services.web.ports.0.target must be a integer",
        (),
    ),
    "bad_enum": (
        WEB + "    deploy:\n      update_config:\n        order: random\n",
        "f.yml:6:9: services.web.deploy.update_config.order services.web.deploy.update_config."
        'order must be one of the following: "start-first", "stop-first"',
        (),
    ),
    "unsupported_version": (
        "version: '2.4'\n" + WEB,
        "f.yml:1:1: unsupported Compose file version: 2.4",
        (),
    ),
    "unquoted_version": ("version: 3.8\nservices: {}\n", "f.yml:1:1: version must be a string", ()),
    "forbidden_options": (
        WEB + "    mem_limit: 1g\n    extends: base\n",
        "f.yml:5:5: compose file contains unsupported options:\n\n"
        "extends: Support for `extends` is not implemented yet.\n\n"
        "mem_limit: Set resource limits using deploy.resources\n",
        (),
    ),
    "bad_interpolation": (
        "services:\n  web:\n    image: nginx:${TAG\n",
        'f.yml:3:5: invalid interpolation format for services.web.image: "nginx:${TAG"; '
        "you may need to escape any $ with another $",
        (),
    ),
    "required_variable": (
        "services:\n  web:\n    image: nginx:${TAG:?set TAG}\n",
        "f.yml:3:5: invalid interpolation format for services.web.image: "
        '"required variable TAG is missing a value: set TAG"; you may need to escape any $ '
        "with another $",
        (),
    ),
    "interpolated_wrong_type": (
        WEB + "    deploy:\n      replicas: ${N}\n",
        "f.yml:5:7: error while interpolating services.web.deploy.replicas: failed to cast to "
        'expected type: strconv.Atoi: parsing "x": invalid syntax',
        (),
    ),
    "no_image": (
        "services:\n  web:\n    deploy:\n      replicas: 1\n",
        "f.yml:2:3: invalid image reference for service web: no image specified",
        (),
    ),
    "bad_image": (
        "services:\n  web:\n    image: Nginx\n",
        "f.yml:3:5: invalid image reference for service web: invalid reference format: "
        "repository name (library/Nginx) must be lowercase",
        (),
    ),
    "not_a_mapping": ("- a\n- b\n", "f.yml: top-level object must be a mapping", ()),
    "missing_external_network": (
        WEB + "    networks: [proxy]\nnetworks:\n  proxy:\n    external: true\n",
        'network "proxy" is declared as external, but could not be found. You need to create '
        "a swarm-scoped network before the stack is deployed",
        (),
    ),
    # errors found while converting the services: docker has created the networks already
    "undefined_network": (
        WEB + "    networks: [front]\n",
        'f.yml:4:5: service web: undefined network "front"',
        ("app_front",),
    ),
    "undefined_secret": (
        WEB + "    secrets: [pw]\n",
        'f.yml:4:5: service web: undefined secret "pw"',
        ("app_default",),
    ),
    "missing_external_secret": (
        WEB + "    secrets: [pw]\nsecrets:\n  pw:\n    external: true\n",
        "f.yml:4:5: service web: secret not found: pw",
        ("app_default",),
    ),
    "replicas_on_global": (
        WEB + "    deploy:\n      mode: global\n      replicas: 2\n",
        "f.yml:2:3: service web: replicas can only be used with replicated or replicated-job mode",
        ("app_default",),
    ),
    "replicas_on_global_job": (
        WEB + "    deploy:\n      mode: global-job\n      replicas: 1\n",
        "f.yml:2:3: service web: replicas can only be used with replicated or replicated-job mode",
        ("app_default",),
    ),
    "unknown_mode": (
        WEB + "    deploy:\n      mode: daemonset\n",
        "f.yml:2:3: service web: Unknown mode: daemonset",
        ("app_default",),
    ),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_files_give_dockers_message_and_change_nothing_else(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, message, created = CORPUS[name]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.yml").write_text(text)
    swarm = Swarm(seed=3, managers=1, workers=1)
    set_stack_environment(swarm, {"N": "x"})
    networks_before = {n.name for n in swarm.ctx.store.networks.values()}
    result = swarm.docker("docker stack deploy -c f.yml app")
    assert result.exit_code == 1
    reached_deploy = created or name == "missing_external_network"
    assert result.stderr == (NOTICE if reached_deploy else "") + message + "\n"
    assert result.stdout == "".join(f"Creating network {n}\n" for n in created)
    networks_after = {n.name for n in swarm.ctx.store.networks.values()}
    assert networks_after - networks_before == set(created)
    assert not swarm.ctx.store.services and not swarm.ctx.store.tasks
    assert not getattr(swarm.ctx.store, "configs", {})


def test_version_mismatch_and_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yml").write_text("version: '3.8'\n" + WEB)
    (tmp_path / "b.yml").write_text("version: '3.9'\n" + WEB)
    with pytest.raises(ComposeError) as mismatch:
        load_stack(["a.yml", "b.yml"], {})
    assert str(mismatch.value) == "version mismatched between two composefiles : 3.8 and 3.9"
    with pytest.raises(ComposeError) as info:
        load_stack(["a.yml", "nope.yml"], {})
    assert str(info.value) == "open nope.yml: no such file or directory"


def test_merge_of_several_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yml").write_text(
        "services:\n"
        "  web:\n"
        "    image: nginx:1\n"
        "    command: [a, b]\n"
        "    environment: {A: '1', B: '1'}\n"
        "    ports: ['80:80', '443:443']\n"
        "    dns: [1.1.1.1]\n"
        "    deploy: {replicas: 2, labels: {x: '1'}}\n"
        "  db:\n"
        "    image: postgres\n"
    )
    (tmp_path / "prod.yml").write_text(
        "services:\n"
        "  web:\n"
        "    image: nginx:2\n"
        "    command: c\n"
        "    environment: [B=2]\n"
        "    ports: ['80:8080']\n"
        "    dns: [8.8.8.8]\n"
        "    deploy: {labels: {y: '2'}}\n"
        "  cache:\n"
        "    image: redis\n"
    )
    config = load_stack(["base.yml", "prod.yml"], {}).config
    assert list(config["services"]) == ["cache", "db", "web"]
    web = config["services"]["web"]
    assert web["image"] == "nginx:2" and web["command"] == ["c"]
    assert web["environment"] == {"A": "1", "B": "2"}
    assert [(p.published_port, p.target_port) for p in web["ports"]] == [(80, 8080), (443, 443)]
    assert web["dns"] == ["1.1.1.1", "8.8.8.8"]
    assert web["deploy"] == {"replicas": 2, "labels": {"x": "1", "y": "2"}}


def test_anchors_merge_keys_extensions_and_env_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "web.env").write_text("# comment\nFROM_FILE=1\nOVERRIDDEN=file\nEMPTY\n")
    (tmp_path / "s.yml").write_text(
        "x-base: &base\n"
        "  image: nginx\n"
        "  deploy: {replicas: 2}\n"
        "services:\n"
        "  web:\n"
        "    <<: *base\n"
        "    x-note: ignored\n"
        "    env_file: web.env\n"
        "    environment:\n"
        "      OVERRIDDEN: compose\n"
        "      FROM_CLI:\n"
        "      COST: $$5\n"
    )
    stack = load_stack(["s.yml"], {"FROM_CLI": "cli", "EMPTY": "env"})
    check_images(stack)
    web = stack.config["services"]["web"]
    assert web["image"] == "nginx" and web["deploy"] == {"replicas": 2}
    assert web["environment"] == {
        "FROM_FILE": "1",
        "OVERRIDDEN": "compose",
        "EMPTY": "env",
        "FROM_CLI": "cli",
        "COST": "$5",
    }
    assert stack.config["x-base"] == {"image": "nginx", "deploy": {"replicas": 2}}
    assert stack.warnings == []


def test_external_name_and_conflicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yml").write_text(
        WEB + "networks:\n  proxy:\n    external:\n      name: traefik\n    name: other\n"
    )
    with pytest.raises(ComposeError) as info:
        load_stack(["s.yml"], {})
    assert str(info.value) == (
        "s.yml:6:5: network proxy: network.external.name and network.name conflict; "
        "only use network.name"
    )
    (tmp_path / "s.yml").write_text(
        WEB + "networks:\n  proxy:\n    external:\n      name: traefik\n"
    )
    assert load_stack(["s.yml"], {}).config["networks"]["proxy"] == {
        "external": True,
        "name": "traefik",
    }


def test_external_volumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yml").write_text(WEB + "volumes:\n  data:\n    external:\n      name: shared\n")
    assert load_stack(["s.yml"], {}).config["volumes"]["data"] == {
        "external": True,
        "name": "shared",
    }
    (tmp_path / "s.yml").write_text(
        WEB + "volumes:\n  data:\n    external: true\n    driver: local\n"
    )
    with pytest.raises(ComposeError) as info:
        load_stack(["s.yml"], {})
    assert str(info.value) == (
        's.yml:7:5: conflicting parameters "external" and "driver" specified for volume "data"'
    )


def test_unbalanced_quotes_in_a_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yml").write_text(WEB + "    command: echo 'oops\n")
    with pytest.raises(ComposeError) as info:
        load_stack(["s.yml"], {})
    assert str(info.value) == "s.yml:4:5: EOF found when expecting closing quote"
