"""The invariants that hold at every step: they pass on a healthy swarm and catch tampering."""

from __future__ import annotations

import copy

from swarmsim.api.enums import UpdateState
from swarmsim.api.objects import Task, UpdateStatus
from swarmsim.swarm import Swarm
from swarmsim.testing.facts import Violation
from swarmsim.testing.safety import check_always


def _settled(command: str, workers: int = 2) -> Swarm:
    swarm = Swarm(seed=3, managers=1, workers=workers)
    assert swarm.docker(command).ok
    swarm.advance(30)
    assert check_always(swarm) == []
    return swarm


def _twin(swarm: Swarm, task: Task) -> Task:
    """A second task in ``task``'s slot, put straight into the store."""
    twin = copy.copy(task)
    twin.id = swarm.ctx.ids.new()
    twin.status = copy.copy(task.status)
    swarm.ctx.store.tasks[twin.id] = twin
    swarm.ctx.store._by_service[twin.service_id][twin.id] = twin
    swarm.ctx.store._by_node[twin.node_id][twin.id] = twin
    return twin


def _running(swarm: Swarm, name: str) -> list[Task]:
    service = swarm.ctx.store.service_by_name(name)
    assert service is not None
    return sorted(
        (t for t in swarm.ctx.store.tasks_of_service(service.id) if t.runnable),
        key=lambda t: t.slot,
    )


def test_two_tasks_of_one_version_in_a_slot_after_the_update() -> None:
    swarm = _settled("docker service create -d --name web --replicas 2 nginx")
    service = swarm.ctx.store.service_by_name("web")
    assert service is not None
    first = _running(swarm, "web")[0]
    _twin(swarm, first)
    assert check_always(swarm) == []  # no update ever ran: judged once settled
    service.update_status = UpdateStatus(UpdateState.COMPLETED, 0.0, "update completed")
    kinds = [v.invariant for v in check_always(swarm)]
    assert kinds == ["slot-duplicate", "slot-overlap"]


def test_reservations_beyond_the_node() -> None:
    swarm = _settled("docker service create -d --name db --reserve-memory 1G redis")
    task = _running(swarm, "db")[0]
    node = swarm.ctx.store.nodes[task.node_id]
    node.memory_bytes = 512 * 1024**2
    assert check_always(swarm) == [
        Violation(
            "reservations",
            f"{node.hostname}: tasks reserve 0 CPUs and {1024**3} bytes, "
            f"the node has {node.nano_cpus / 1e9:g} and {512 * 1024**2}",
        )
    ]


def test_more_active_tasks_than_the_cap() -> None:
    swarm = _settled(
        "docker service create -d --name web --replicas 2 --replicas-max-per-node 1 nginx"
    )
    task = _running(swarm, "web")[0]
    twin = _twin(swarm, task)
    twin.slot = 9
    host = swarm.ctx.store.nodes[task.node_id].hostname
    assert [str(v) for v in check_always(swarm)] == [
        f"max-replicas: web: 2 active tasks on {host} (max 1 per node)"
    ]


def test_addresses_given_twice_leaked_or_held_without_the_pool() -> None:
    swarm = Swarm(seed=3, managers=1, workers=2)
    assert swarm.docker("docker network create -d overlay --subnet 10.9.0.0/28 net0").ok
    assert swarm.docker("docker service create -d --name web --replicas 2 --network net0 nginx").ok
    swarm.advance(30)
    assert swarm.docker("docker service update -d --image nginx:2 web").ok
    swarm.advance(60)  # the old tasks died and gave their addresses back
    assert check_always(swarm) == []
    first, second = _running(swarm, "web")
    network_id, address = first.attachments[0]
    ip = address.partition("/")[0]
    left_over = second.attachments[0][1].partition("/")[0]
    second.attachments = first.attachments  # the same address twice; its own leaks
    owners = ", ".join(sorted(f"web task {t.id[:12]}" for t in (first, second)))
    assert [str(v) for v in check_always(swarm)] == [
        f"addresses: net0: {ip} held by {owners}",
        f"addresses: net0: {left_over} taken, held by none",
    ]
    pool = swarm.allocator.pool(network_id)
    assert pool is not None
    pool.release(address)
    assert [str(v) for v in check_always(swarm)][-1] == (
        f"addresses: net0: {ip} held by {owners}, not taken"
    )


def test_one_host_port_bound_twice_on_a_node() -> None:
    swarm = _settled(
        "docker service create -d --name web --replicas 2 "
        "--publish mode=host,target=80,published=8080 nginx"
    )
    first, _ = _running(swarm, "web")
    twin = _twin(swarm, first)
    host = swarm.ctx.store.nodes[first.node_id].hostname
    owners = ", ".join(sorted(f"web task {t.id[:12]}" for t in (first, twin)))
    assert f"host-ports: {host}: 8080/tcp bound by {owners}" in [
        str(v) for v in check_always(swarm)
    ]


def test_an_ingress_port_published_twice_or_not_held() -> None:
    swarm = _settled("docker service create -d --name web -p 8080:80 nginx")
    assert swarm.docker("docker service create -d --name api -p 8081:81 nginx").ok
    swarm.advance(30)
    assert check_always(swarm) == []
    web, api = (swarm.ctx.store.service_by_name(n) for n in ("web", "api"))
    assert web is not None and api is not None
    api.published_ports = web.published_ports  # 8080 twice; api's 8081 held for nobody's
    assert [str(v) for v in check_always(swarm)] == [
        "ingress-ports: 8080/tcp published by api, web",
        "ingress-ports: 8080/tcp held for web, published by api, web",
        "ingress-ports: 8081/tcp held for api, published by none",
    ]
    api.published_ports = ()
    del swarm.allocator._ports[("tcp", 8080)]  # a port the allocator let go while published
    assert [str(v) for v in check_always(swarm)] == [
        "ingress-ports: 8080/tcp published by web, not held",
        "ingress-ports: 8081/tcp held for api, published by none",
    ]
