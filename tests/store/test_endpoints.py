"""The network read API the routing mesh and the request model lean on."""

from __future__ import annotations

from swarmsim.api import PublishMode, TaskState
from swarmsim.store.endpoints import (
    NetworkAttachment,
    PublishedPort,
    endpoint_mode,
    host_ports,
    ingress_network,
    ingress_port_owner,
    published_ports,
    service_networks,
    task_alive,
    task_attachments,
)
from swarmsim.swarm import Swarm


def test_dnsrr_service_networks_have_no_address_and_host_ports_per_task() -> None:
    swarm = Swarm(seed=2, managers=1, workers=1)
    backend = swarm.docker("docker network create -d overlay backend").stdout.strip()
    swarm.docker(
        "docker service create -d --name db --endpoint-mode dnsrr --network backend "
        "-p mode=host,published=5432,target=5432 postgres"
    )
    db = swarm.ctx.store.service_by_name("db")
    assert db is not None
    assert endpoint_mode(db) == "dnsrr"
    # the spec's ports stand in until the allocator has run
    assert published_ports(db) == (PublishedPort(PublishMode.HOST, 5432, 5432),)
    swarm.advance(10)
    assert service_networks(swarm.ctx.store, db) == (
        NetworkAttachment(backend, "backend", "", ingress=False, overlay=True),
    )
    assert ingress_port_owner(swarm.ctx.store, 5432) is None  # host mode: not the mesh
    (task,) = swarm.ctx.store.tasks_of_service(db.id)
    (attachment,) = task_attachments(swarm.ctx.store, task)
    assert (attachment.network, attachment.ip) == ("backend", "10.0.1.2")
    assert host_ports(task) == (PublishedPort(PublishMode.HOST, 5432, 5432),)
    assert task_alive(task) and task.state == TaskState.RUNNING


def test_ingress_lookups() -> None:
    swarm = Swarm(seed=2, managers=1, workers=1)
    ingress = ingress_network(swarm.ctx.store)
    assert ingress is not None and ingress.name == "ingress"
    swarm.docker("docker service create -d --name web -p 80 -p 53:53/udp nginx")
    swarm.advance(1)
    web = swarm.ctx.store.service_by_name("web")
    assert published_ports(web) == (  # type: ignore[arg-type]
        PublishedPort(PublishMode.INGRESS, 30000, 80),
        PublishedPort(PublishMode.INGRESS, 53, 53, "udp"),
    )
    assert ingress_port_owner(swarm.ctx.store, 53, "udp") is web
    assert ingress_port_owner(swarm.ctx.store, 53) is None
    (vip,) = service_networks(swarm.ctx.store, web)  # type: ignore[arg-type]
    assert (vip.network, vip.address, vip.ingress) == ("ingress", "10.0.0.2/24", True)
