"""``docker service update`` and ``rollback``: merging flags into the spec (update.go, 5.2, 5.7)."""

from __future__ import annotations

import pytest

from swarmsim.api import HealthConfig, PortConfig, PublishMode, UpdateState
from swarmsim.manager.controlapi.service import get_service
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    swarm = Swarm(seed=8, managers=1, workers=2)
    result = swarm.docker(
        "docker service create -d --name web --replicas 2 -e A=1 -e B=2 -l tier=front "
        "--container-label c=1 --constraint node.role==worker -p 8080:80 -p 53:53/udp "
        "--placement-pref spread=node.labels.zone nginx:1"
    )
    assert result.exit_code == 0, result.stderr
    swarm.advance(20)
    return swarm


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def test_update_prints_the_argument_and_rewrites_history(swarm: Swarm) -> None:
    web = get_service(swarm.ctx, "web")
    old = web.spec
    assert run(swarm, "docker service update -d --image nginx:2 web") == ("web\n", "", 0)
    assert (web.spec.image, web.previous_spec, web.spec_version) == ("nginx:2", old, 1)
    assert web.update_status is None
    out, _, code = run(swarm, f"docker service update {web.id[:7]}")
    assert (out.splitlines()[0], code) == (web.id[:7], 0)
    assert out.endswith(f"verify: Service {web.id[:7]} converged \n")
    assert web.previous_spec is not None and web.previous_spec.image == "nginx:2"


def test_add_and_remove_flags(swarm: Swarm) -> None:
    run(swarm, "docker network create -d overlay back")
    run(swarm, "docker network create -d overlay front")
    line = (
        "docker service update -d --env-rm A --env-add B=3 --env-add C=4 "
        "--label-rm tier --label-add owner=me --container-label-rm c --container-label-add d=2 "
        "--constraint-add node.labels.ssd==true --constraint-rm node.role==worker "
        "--constraint-add node.hostname!=worker9 --placement-pref-rm spread=node.labels.zone "
        "--placement-pref-add spread=node.labels.rack --publish-rm 80 --publish-add 9090:90 "
        "--network-add back --network-add front --replicas 3 --replicas-max-per-node 1 "
        "--limit-cpu 0.5 --reserve-memory 32M --restart-max-attempts 4 --update-delay 1s "
        "--rollback-monitor 2s --stop-grace-period 1s --init --args 'sh -c \"echo hi\"' --force web"
    )
    assert run(swarm, line) == ("web\n", "", 0)
    spec = get_service(swarm.ctx, "web").spec
    task, container = spec.task, spec.task.container
    assert container.env == ("B=3", "C=4")
    assert spec.labels == (("owner", "me"),)
    assert container.labels == (("d", "2"),)
    assert task.placement.constraints == ("node.hostname!=worker9", "node.labels.ssd==true")
    assert task.placement.preferences == ("node.labels.rack",)
    assert (spec.replicas, task.placement.max_replicas) == (3, 1)
    assert spec.endpoint.ports == (PortConfig(53, 53, "udp"), PortConfig(90, 9090))
    networks = {n.name: n.id for n in swarm.ctx.store.networks.values()}
    assert task.networks == tuple(sorted((networks["back"], networks["front"])))
    assert (task.limits.nano_cpus, task.reservations.memory_bytes) == (500_000_000, 32 << 20)
    assert (task.restart.max_attempts, spec.update.delay, spec.rollback.monitor) == (4, 1.0, 2.0)
    assert (container.stop_grace_period, container.init) == (1.0, True)
    assert container.args == ("sh", "-c", "echo hi")
    assert task.force_update == 1
    run(swarm, "docker service update -d --network-rm back --publish-rm 53/udp --force web")
    spec = get_service(swarm.ctx, "web").spec
    assert (spec.task.networks, spec.task.force_update) == ((networks["front"],), 2)
    assert spec.endpoint.ports == (PortConfig(90, 9090),)


def test_host_port_is_kept_when_removing_the_ingress_one(swarm: Swarm) -> None:
    run(swarm, "docker service update -d --publish-add published=8443,target=443,mode=host web")
    run(swarm, "docker service update -d --publish-rm 443 web")
    ports = get_service(swarm.ctx, "web").spec.endpoint.ports
    assert PortConfig(443, 8443, "tcp", PublishMode.HOST) in ports
    run(swarm, "docker service update -d --publish-rm target=443,mode=host web")
    assert all(p.target_port != 443 for p in get_service(swarm.ctx, "web").spec.endpoint.ports)


def test_health_updates(swarm: Swarm) -> None:
    run(swarm, "docker service update -d --no-healthcheck web")
    assert get_service(swarm.ctx, "web").spec.task.container.healthcheck == HealthConfig(("NONE",))
    run(swarm, "docker service update -d --health-retries 5 web")
    health = get_service(swarm.ctx, "web").spec.task.container.healthcheck
    assert health == HealthConfig((), retries=5)
    run(swarm, "docker service update -d --health-cmd 'true' --health-timeout 2s web")
    health = get_service(swarm.ctx, "web").spec.task.container.healthcheck
    assert health == HealthConfig(("CMD-SHELL", "true"), timeout=2.0, retries=5)


def test_rollback_flag_and_command(swarm: Swarm) -> None:
    web = get_service(swarm.ctx, "web")
    first = web.spec
    run(swarm, "docker service update -d --replicas 3 web")
    second = web.spec
    assert run(swarm, "docker service update -d --rollback web") == ("web\n", "", 0)
    assert (web.spec, web.previous_spec) == (first, second)
    assert web.update_status is not None
    assert web.update_status.state == UpdateState.ROLLBACK_STARTED
    assert run(swarm, "docker service rollback -d web") == ("web\n", "", 0)
    assert web.spec == second


ERRORS = [
    ("docker service update", "docker: 'docker service update' requires 1 argument", 1),
    ("docker service update web api", "docker: 'docker service update' requires 1 argument", 1),
    ("docker service update --replica 2 web", "unknown flag: --replica", 125),
    ("docker service update nothere", "Error response from daemon: service nothere not found", 1),
    (
        "docker service update --rollback --image nginx:2 web",
        "other flags may not be combined with --rollback",
        1,
    ),
    (
        "docker service update --credential-spec file://x web",
        "swarmsim: --credential-spec is not simulated",
        1,
    ),
    (
        "docker service update --no-healthcheck --health-retries 2 web",
        "--no-healthcheck conflicts with --health-* options",
        1,
    ),
    (
        "docker service update --network-add nowhere web",
        "Error response from daemon: network nowhere not found",
        1,
    ),
    (
        "docker service update --update-failure-action explode web",
        "Error response from daemon: unrecognized update failure action explode",
        1,
    ),
    (
        "docker service update --endpoint-mode VIP web",
        'Error response from daemon: invalid resolution mode: "VIP"',
        1,
    ),
    (
        "docker service update --constraint-add node.role=worker web",
        "Error response from daemon: rpc error: code = InvalidArgument desc = "
        "constraint expected one operator from ==, !=",
        1,
    ),
    (
        "docker service update --update-delay -1s web",
        "Error response from daemon: rpc error: code = InvalidArgument desc = "
        "TaskSpec: update-delay cannot be negative",
        1,
    ),
    ("docker service rollback nothere", "Error response from daemon: service nothere not found", 1),
    ("docker service rollback", "docker: 'docker service rollback' requires 1 argument", 1),
]


@pytest.mark.parametrize(("line", "first_line", "code"), ERRORS)
def test_errors_change_nothing(swarm: Swarm, line: str, first_line: str, code: int) -> None:
    web = get_service(swarm.ctx, "web")
    before = (web.spec, web.spec_version, web.previous_spec, web.update_status, swarm.now)
    out, err, exit_code = run(swarm, line)
    assert (out, err.splitlines()[0], exit_code) == ("", first_line, code)
    assert (web.spec, web.spec_version, web.previous_spec, web.update_status, swarm.now) == before


def test_rollback_without_previous_spec(swarm: Swarm) -> None:
    web = get_service(swarm.ctx, "web")
    assert run(swarm, "docker service rollback web") == (
        "",
        "Error response from daemon: rpc error: code = FailedPrecondition desc = "
        f"service {web.id} does not have a previous spec\n",
        1,
    )


def test_global_services_have_no_replicas(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --mode global --name mon busybox")
    assert run(swarm, "docker service update --replicas 2 mon") == (
        "",
        "replicas can only be used with replicated mode\n",
        1,
    )
    assert run(swarm, "docker network create -d overlay front")[2] == 0
    run(swarm, "docker service update -d --network-add front mon")
    assert run(swarm, "docker service update --network-add front mon") == (
        "",
        "service is already attached to network front\n",
        1,
    )


def test_port_conflict_on_update(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name api nginx")
    web = get_service(swarm.ctx, "web")
    assert run(swarm, "docker service update --publish-add 8080:81 api") == (
        "",
        "Error response from daemon: rpc error: code = InvalidArgument desc = port '8080' is "
        f"already in use by service 'web' ({web.id}) as an ingress port\n",
        1,
    )


def test_negative_durations_act_like_zero() -> None:
    swarm = Swarm(seed=4, managers=1, workers=1)
    line = (
        "docker service create -d --name neg --replicas 2 --stop-grace-period -1s "
        "--rollback-delay -1s --rollback-monitor -2s nginx:1"
    )
    assert swarm.docker(line).ok
    swarm.advance(10)
    assert swarm.docker("docker service update -d --image nginx:2 neg").ok
    swarm.advance(30)
    assert swarm.docker("docker service rollback -d neg").ok
    swarm.advance(30)
    result = swarm.docker("docker service ls")
    assert "2/2        nginx:1" in result.stdout
    assert swarm.docker("docker service rm neg").ok
    swarm.advance(5)
    assert not list(swarm.ctx.store.tasks.values())
