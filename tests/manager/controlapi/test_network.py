"""Network requests of the control API (swarmkit ``controlapi/network.go``).

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from engine_helpers import create, spec, tasks, update

from swarmsim.api import EndpointSpec, PortConfig, TaskState
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi.network import (
    check_network_name,
    create_network,
    get_network,
    list_networks,
    remove_network,
)
from swarmsim.swarm import Swarm

IN_USE = "rpc error: code = FailedPrecondition desc = network {} is in use by {} {}"


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=5, managers=1, workers=2)


def test_ingress_exists_and_overlays_get_the_next_subnet(swarm: Swarm) -> None:
    (ingress,) = list_networks(swarm.ctx)
    assert (ingress.name, ingress.ingress, ingress.subnet) == ("ingress", True, "10.0.0.0/24")
    net = create_network(swarm.ctx, swarm.allocator, "traefik-public", attachable=True)
    assert len(net.id) == 25
    assert (net.driver, net.subnet, net.gateway, net.attachable) == (
        "overlay",
        "10.0.1.0/24",
        "10.0.1.1",
        True,
    )
    assert get_network(swarm.ctx, "traefik-public") is net
    assert get_network(swarm.ctx, net.id[:7]) is net


def test_custom_subnet(swarm: Swarm) -> None:
    net = create_network(swarm.ctx, swarm.allocator, "backend", subnet="10.10.0.0/16")
    assert (net.subnet, net.gateway) == ("10.10.0.0/16", "10.10.0.1")


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("ingress", {}, "network with name ingress already exists"),
        ("bridge", {}, "operation is not permitted on predefined bridge network "),
        ("docker_gwbridge", {}, "network with name docker_gwbridge already exists"),
        (
            "x",
            {"driver": "null"},
            "rpc error: code = InvalidArgument desc = error during lookup of plugin null",
        ),
        (
            "x",
            {"ingress": True, "attachable": True},
            "rpc error: code = InvalidArgument desc = ingress network cannot be attachable",
        ),
        (
            "x",
            {"ingress": True, "driver": "bridge"},
            "rpc error: code = Unimplemented desc = only overlay driver is currently supported "
            "for ingress network",
        ),
        (
            "my.net",
            {},
            "rpc error: code = InvalidArgument desc = name must be valid as a DNS name component",
        ),
        (
            "x",
            {"labels": {"com.docker.swarm.predefined": "true"}},
            "rpc error: code = PermissionDenied desc = label com.docker.swarm.predefined is for "
            "internally created predefined networks and cannot be applied by users",
        ),
        (
            "x",
            {"subnet": "10.9.0.0/24", "gateway": "10.8.0.1"},
            "rpc error: code = InvalidArgument desc = ipam configuration: subnet 10.9.0.0/24 "
            "does not contain gateway 10.8.0.1",
        ),
        (
            "x",
            {"subnet": "10.9.0.0/24", "ip_range": "10.8.0.0/28"},
            "rpc error: code = InvalidArgument desc = ipam configuration: subnet 10.9.0.0/24 "
            "does not contain range 10.8.0.0/28",
        ),
        (
            "x",
            {"subnet": "10.0.0/33"},
            "rpc error: code = InvalidArgument desc = ipam configuration: invalid subnet 10.0.0/33",
        ),
    ],
)
def test_create_refused(swarm: Swarm, name: str, kwargs: dict[str, Any], message: str) -> None:
    local = ["docker_gwbridge"]
    with pytest.raises(DaemonError) as raised:
        create_network(swarm.ctx, swarm.allocator, name, local_names=local, **kwargs)
    assert str(raised.value) == message
    assert [n.name for n in list_networks(swarm.ctx)] == ["ingress"]


def test_check_name_accepts_a_free_name(swarm: Swarm) -> None:
    check_network_name(swarm.ctx, "free", ["bridge", "host"])


def test_unknown_network(swarm: Swarm) -> None:
    with pytest.raises(DaemonError) as raised:
        remove_network(swarm.ctx, "nope")
    assert str(raised.value) == "network nope not found"


def test_remove_refused_while_a_service_uses_it(swarm: Swarm) -> None:
    net = create_network(swarm.ctx, swarm.allocator, "backend")
    base = spec("api", replicas=1)
    service = create(swarm, replace(base, task=replace(base.task, networks=(net.id,))))
    with pytest.raises(DaemonError) as raised:
        remove_network(swarm.ctx, "backend")
    assert str(raised.value) == IN_USE.format(net.id, "service", service.id)
    assert net.id in swarm.ctx.store.networks


def test_remove_refused_while_a_task_still_runs(swarm: Swarm) -> None:
    net = create_network(swarm.ctx, swarm.allocator, "backend")
    base = spec("api", replicas=1)
    service = create(swarm, replace(base, task=replace(base.task, networks=(net.id,))))
    swarm.advance(10)
    (task,) = tasks(swarm, service)
    assert task.state == TaskState.RUNNING
    update(swarm, service, task=replace(base.task, networks=()))  # old task still running
    assert task.desired_state == TaskState.RUNNING
    with pytest.raises(DaemonError) as raised:
        remove_network(swarm.ctx, net.id)
    assert str(raised.value) == IN_USE.format(net.id, "task", task.id)


def test_remove_unused_network(swarm: Swarm) -> None:
    net = create_network(swarm.ctx, swarm.allocator, "backend")
    assert remove_network(swarm.ctx, "backend") is net
    assert [n.name for n in list_networks(swarm.ctx)] == ["ingress"]


def test_ingress_cannot_go_while_ports_are_published(swarm: Swarm) -> None:
    base = spec("web", replicas=1)
    published = replace(base, endpoint=EndpointSpec(ports=(PortConfig(80, 8080),)))
    service = create(swarm, published)
    with pytest.raises(DaemonError) as raised:
        remove_network(swarm.ctx, "ingress")
    assert str(raised.value) == (
        "rpc error: code = FailedPrecondition desc = ingress network cannot be removed because "
        f"service {service.id} depends on it"
    )
