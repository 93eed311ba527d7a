"""``docker service create``: flags to spec, docker's errors, nothing written on failure."""

from __future__ import annotations

import pytest

from swarmsim.api import (
    FailureAction,
    HealthConfig,
    PortConfig,
    PublishMode,
    RestartCondition,
    ServiceMode,
    UpdateOrder,
)
from swarmsim.manager.controlapi.service import get_service
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=7, managers=1, workers=2)


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def snapshot(swarm: Swarm) -> object:
    store = swarm.ctx.store
    return (
        swarm.now,
        len(store.tasks),
        sorted((s.id, repr(s.spec), s.spec_version) for s in store.services.values()),
    )


def test_defaults(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker service create -d nginx")
    service = next(iter(swarm.ctx.store.services.values()))
    assert (out, err, code) == (f"{service.id}\n", "", 0)
    spec = service.spec
    assert (spec.mode, spec.replicas, spec.labels, spec.endpoint.mode) == (
        ServiceMode.REPLICATED,
        1,
        (),
        "vip",
    )
    assert spec.name.count("_") == 1  # a random adjective_surname name
    container = spec.task.container
    assert (container.image, container.args, container.env, container.init) == (
        "nginx",
        (),
        (),
        False,
    )
    assert (container.healthcheck, container.stop_grace_period) == (None, 10.0)


def test_every_modelled_flag(swarm: Swarm) -> None:
    run(swarm, "docker network create -d overlay front")
    network = next(n for n in swarm.ctx.store.networks.values() if n.name == "front")
    line = (
        "docker service create -d --name web --replicas 4 --replicas-max-per-node 2 "
        "-l tier=front --label owner -e A=1 --env B=2 -e A=3 --container-label c=d "
        "--constraint node.role==worker --constraint 'node.labels.zone != east' "
        "--placement-pref spread=node.labels.zone --reserve-cpu 0.25 --reserve-memory 64M "
        "--limit-cpu 1 --limit-memory 1G --restart-condition on-failure --restart-delay 2s "
        "--restart-max-attempts 3 --restart-window 1m -p 8080:80 -p 53:53/udp "
        "--publish published=9000,target=90,mode=host --network front "
        "--update-parallelism 2 --update-delay 10s --update-failure-action rollback "
        "--update-monitor 20s --update-max-failure-ratio 0.25 --update-order start-first "
        "--rollback-parallelism 0 --rollback-failure-action continue --rollback-order start-first "
        "--health-cmd 'curl -f localhost' --health-interval 5s --health-retries 2 "
        "--stop-grace-period 30s --init nginx:1.25 nginx -g 'daemon off;'"
    )
    _, err, code = run(swarm, line)
    assert (err, code) == ("", 0)
    spec = get_service(swarm.ctx, "web").spec
    task, container = spec.task, spec.task.container
    assert (spec.replicas, spec.labels) == (4, (("owner", ""), ("tier", "front")))
    assert container.env == ("B=2", "A=3")
    assert container.labels == (("c", "d"),)
    assert container.args == ("nginx", "-g", "daemon off;")
    assert (container.init, container.stop_grace_period) == (True, 30.0)
    assert container.healthcheck == HealthConfig(("CMD-SHELL", "curl -f localhost"), 5.0, 0.0, 2)
    assert task.placement.constraints == ("node.role==worker", "node.labels.zone != east")
    assert (task.placement.preferences, task.placement.max_replicas) == (("node.labels.zone",), 2)
    assert (task.reservations.nano_cpus, task.reservations.memory_bytes) == (250_000_000, 64 << 20)
    assert (task.limits.nano_cpus, task.limits.memory_bytes) == (1_000_000_000, 1 << 30)
    assert (task.restart.condition, task.restart.delay) == (RestartCondition.ON_FAILURE, 2.0)
    assert (task.restart.max_attempts, task.restart.window) == (3, 60.0)
    assert task.networks == (network.id,)
    assert spec.endpoint.ports == (
        PortConfig(80, 8080),
        PortConfig(53, 53, "udp"),
        PortConfig(90, 9000, "tcp", PublishMode.HOST),
    )
    update, rollback = spec.update, spec.rollback
    assert (update.parallelism, update.delay, update.monitor) == (2, 10.0, 20.0)
    assert (update.failure_action, update.max_failure_ratio, update.order) == (
        FailureAction.ROLLBACK,
        0.25,
        UpdateOrder.START_FIRST,
    )
    assert (rollback.parallelism, rollback.failure_action, rollback.order) == (
        0,
        FailureAction.CONTINUE,
        UpdateOrder.START_FIRST,
    )


def test_arguments_after_the_image_go_to_the_container(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name web busybox sh -c 'sleep 1' --replicas 5")
    spec = get_service(swarm.ctx, "web").spec
    assert spec.task.container.args == ("sh", "-c", "sleep 1", "--replicas", "5")
    assert spec.replicas == 1
    run(swarm, "docker service create -d --name api -- busybox --version")
    assert get_service(swarm.ctx, "api").spec.task.container.args == ("--version",)


def test_no_healthcheck_and_global_mode(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name mon --mode global --no-healthcheck busybox")
    spec = get_service(swarm.ctx, "mon").spec
    assert (spec.mode, spec.task.container.healthcheck) == (
        ServiceMode.GLOBAL,
        HealthConfig(test=("NONE",)),
    )


FLAG_ERRORS = [
    ("--replica 3 nginx", "unknown flag: --replica"),
    ("-z nginx", "unknown shorthand flag: 'z' in -z"),
    (
        "--replicas -1 nginx",
        'invalid argument "-1" for "--replicas" flag: strconv.ParseUint: parsing "-1": '
        "invalid syntax",
    ),
    (
        "--replicas x nginx",
        'invalid argument "x" for "--replicas" flag: strconv.ParseUint: parsing "x": '
        "invalid syntax",
    ),
    (
        "--update-delay 10x nginx",
        'invalid argument "10x" for "--update-delay" flag: time: unknown unit "x" in '
        'duration "10x"',
    ),
    ("--name", "flag needs an argument: --name"),
    (
        "-p 80:80/ftp nginx",
        'invalid argument "80:80/ftp" for "-p, --publish" flag: invalid proto: ftp',
    ),
    (
        "-e =x nginx",
        'invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x',
    ),
    (
        "--placement-pref pack=x nginx",
        'invalid argument "pack=x" for "--placement-pref" flag: unsupported placement '
        "preference pack (only spread is supported)",
    ),
    (
        "--health-interval -1s nginx",
        'invalid argument "-1s" for "--health-interval" flag: duration cannot be negative',
    ),
]


@pytest.mark.parametrize(("args", "first_line"), FLAG_ERRORS)
def test_flag_errors(swarm: Swarm, args: str, first_line: str) -> None:
    before = snapshot(swarm)
    out, err, code = run(swarm, f"docker service create {args}")
    assert (out, err.splitlines()[0], code) == ("", first_line, 125)
    assert snapshot(swarm) == before


CLI_ERRORS = [
    ("", "docker: 'docker service create' requires at least 1 argument"),
    (
        "--mode global --replicas 2 nginx",
        "replicas can only be used with replicated or replicated-job mode",
    ),
    (
        "--mode global --replicas-max-per-node 2 nginx",
        "replicas-max-per-node can only be used with replicated or replicated-job mode",
    ),
    ("--mode everywhere nginx", "Unknown mode: everywhere, only replicated and global supported"),
    (
        "--no-healthcheck --health-cmd true nginx",
        "--no-healthcheck conflicts with --health-* options",
    ),
    ("--credential-spec file://spec.json nginx", "swarmsim: --credential-spec is not simulated"),
    ("--network nowhere nginx", "Error response from daemon: network nowhere not found"),
    (
        "--update-failure-action explode nginx",
        "Error response from daemon: unrecognized update failure action explode",
    ),
    ("--update-order random nginx", "Error response from daemon: unrecognized update order random"),
    (
        "--restart-condition sometimes nginx",
        'Error response from daemon: invalid RestartCondition: "sometimes"',
    ),
    ("--endpoint-mode round nginx", 'Error response from daemon: invalid resolution mode: "round"'),
    (
        "--name Web_1! nginx",
        "Error response from daemon: rpc error: code = InvalidArgument desc = "
        "name must be valid as a DNS name component",
    ),
    (
        "--update-max-failure-ratio 2 nginx",
        "Error response from daemon: rpc error: code = InvalidArgument desc = "
        "TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1",
    ),
    (
        "--endpoint-mode dnsrr -p 80:80 nginx",
        "Error response from daemon: rpc error: code = InvalidArgument desc = "
        "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
    ),
    (
        "--constraint node.role=manager nginx",
        "Error response from daemon: rpc error: code = InvalidArgument desc = "
        "constraint expected one operator from ==, !=",
    ),
    (
        "--limit-memory 1M nginx",
        "Error response from daemon: rpc error: code = InvalidArgument desc = "
        "invalid memory value 1048576: Must be at least 4MiB",
    ),
]


@pytest.mark.parametrize(("args", "first_line"), CLI_ERRORS)
def test_errors_change_nothing(swarm: Swarm, args: str, first_line: str) -> None:
    before = snapshot(swarm)
    out, err, code = run(swarm, f"docker service create {args}")
    assert (out, err.splitlines()[0], code) == ("", first_line, 1)
    assert snapshot(swarm) == before


def test_conflicts_with_existing_services(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name web -p 8080:80 nginx")
    web = get_service(swarm.ctx, "web")
    before = snapshot(swarm)
    assert run(swarm, "docker service create -d --name WEB nginx") == (
        "",
        "Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts "
        "with an existing object: service WEB already exists\n",
        1,
    )
    assert run(swarm, "docker service create -d --name api -p 8080:90 nginx") == (
        "",
        "Error response from daemon: rpc error: code = InvalidArgument desc = port '8080' is "
        f"already in use by service 'web' ({web.id}) as an ingress port\n",
        1,
    )
    assert snapshot(swarm) == before


def test_no_leader(swarm: Swarm) -> None:
    swarm.ctx.leadership.set(False)
    out, err, code = run(swarm, "docker service create -d nginx")
    assert (out, code) == ("", 1)
    assert err.startswith(
        "Error response from daemon: rpc error: code = Unknown desc = "
        "The swarm does not have a leader."
    )
    assert not swarm.ctx.store.services


def test_help(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker service create --help")
    assert (err, code) == ("", 0)
    assert out.startswith(
        "\nUsage:  docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
        "Create a new service\n"
    )
    assert "  -p, --publish list " in out
