"""The allocator: subnets from the default pools, VIPs, task addresses and ingress ports."""

from __future__ import annotations

import pytest

from swarmsim.api import TaskState
from swarmsim.api.objects import Network, Service
from swarmsim.context import ClusterSettings
from swarmsim.manager.allocator import AddressPool, networks_overlap
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=3, managers=1, workers=2)


def ok(swarm: Swarm, line: str) -> str:
    result = swarm.docker(line)
    assert (result.stderr, result.exit_code) == ("", 0), line
    return result.stdout.strip()


def network(swarm: Swarm, name: str) -> Network:
    return next(n for n in swarm.ctx.store.networks.values() if n.name == name)


def service(swarm: Swarm, name: str) -> Service:
    found = swarm.ctx.store.service_by_name(name)
    assert found is not None
    return found


def vips(swarm: Swarm, name: str) -> list[tuple[str, str]]:
    networks = swarm.ctx.store.networks
    return [(networks[n].name, a) for n, a in service(swarm, name).virtual_ips]


def test_address_pool_is_serial_wraps_and_fills() -> None:
    pool = AddressPool("10.1.0.0/29", "10.1.0.1")  # hosts .1-.6, .1 is the gateway
    taken = [pool.take() for _ in range(5)]
    assert taken == [f"10.1.0.{i}/29" for i in range(2, 7)]
    assert pool.take() is None
    pool.release("10.1.0.3/29")
    pool.release("10.1.0.5/29")
    assert (pool.take(), pool.take(), pool.take()) == ("10.1.0.3/29", "10.1.0.5/29", None)


def test_address_pool_takes_from_the_ip_range_only() -> None:
    pool = AddressPool("10.1.0.0/24", "10.1.0.1", "10.1.0.128/30")
    assert [pool.take() for _ in range(5)] == [
        "10.1.0.128/24",
        "10.1.0.129/24",
        "10.1.0.130/24",
        "10.1.0.131/24",
        None,
    ]


def test_networks_overlap() -> None:
    assert networks_overlap("10.5.0.0/16", "10.5.1.0/24")
    assert not networks_overlap("10.5.0.0/16", "10.6.0.0/24")
    assert not networks_overlap("10.0.0.0/8", "fd00::/64")


def test_subnets_are_the_first_free_ones_of_the_pool(swarm: Swarm) -> None:
    ingress = network(swarm, "ingress")
    assert (ingress.subnet, ingress.gateway, ingress.vxlan_id) == ("10.0.0.0/24", "10.0.0.1", 4096)
    ok(swarm, "docker network create -d overlay a")
    ok(swarm, "docker network create -d overlay --subnet 10.0.2.0/23 b")
    ok(swarm, "docker network create -d overlay c")
    assert [(n.subnet, n.vxlan_id) for n in map(lambda x: network(swarm, x), "abc")] == [
        ("10.0.1.0/24", 4097),
        ("10.0.2.0/23", 4098),
        ("10.0.4.0/24", 4099),  # past the user's /23
    ]
    ok(swarm, "docker network rm a")
    ok(swarm, "docker network create -d overlay d")
    assert network(swarm, "d").subnet == "10.0.1.0/24"  # first fit: the freed subnet


def test_default_pool_and_mask_length_come_from_the_cluster_settings() -> None:
    settings = ClusterSettings(
        default_addr_pool=("10.20.0.0/16", "192.168.100.0/24"), default_addr_pool_mask_length=26
    )
    swarm = Swarm(seed=1, managers=1, workers=0, settings=settings)
    ok(swarm, "docker network create -d overlay a")
    assert [(network(swarm, n).subnet, network(swarm, n).gateway) for n in ("ingress", "a")] == [
        ("10.20.0.0/26", "10.20.0.1"),
        ("10.20.0.64/26", "10.20.0.65"),
    ]


def test_second_pool_used_when_the_first_is_full() -> None:
    settings = ClusterSettings(
        default_addr_pool=("10.20.0.0/25", "192.168.100.0/24"), default_addr_pool_mask_length=25
    )
    swarm = Swarm(seed=1, managers=1, workers=0, settings=settings)
    ok(swarm, "docker network create -d overlay a")
    assert network(swarm, "a").subnet == "192.168.100.0/25"


def test_overlapping_subnet_waits_unallocated_with_its_tasks(swarm: Swarm) -> None:
    ok(swarm, "docker network create -d overlay --subnet 10.5.0.0/16 big")
    ok(swarm, "docker network create -d overlay --subnet 10.5.1.0/24 inner")
    inner = network(swarm, "inner")
    assert not inner.allocated
    ok(swarm, "docker service create -d --name api --network inner nginx")
    swarm.advance(20)
    (task,) = swarm.ctx.store.tasks_of_service(service(swarm, "api").id)
    assert (task.state, task.attachments) == (TaskState.NEW, ())
    ok(swarm, "docker network rm big")
    assert inner.allocated and inner.subnet == "10.5.1.0/24"
    swarm.advance(5)
    assert task.state == TaskState.RUNNING
    assert task.attachments == ((inner.id, "10.5.1.3/24"),)  # .2 is the service's VIP


def test_vip_per_network_ingress_first_released_on_leave(swarm: Swarm) -> None:
    ok(swarm, "docker network create -d overlay backend")
    ok(swarm, "docker network create -d overlay front")
    ok(swarm, "docker service create -d --name web --network backend -p 8080:80 nginx")
    swarm.advance(1)
    assert vips(swarm, "web") == [("ingress", "10.0.0.2/24"), ("backend", "10.0.1.2/24")]
    ok(swarm, "docker service update -d --network-add front web")
    swarm.advance(1)
    assert vips(swarm, "web") == [
        ("ingress", "10.0.0.2/24"),
        ("backend", "10.0.1.2/24"),
        ("front", "10.0.2.2/24"),
    ]
    ok(swarm, "docker service update -d --network-rm backend --publish-rm 80 web")
    swarm.advance(1)
    assert vips(swarm, "web") == [("front", "10.0.2.2/24")]


def test_dnsrr_services_have_no_vip(swarm: Swarm) -> None:
    ok(swarm, "docker network create -d overlay backend")
    ok(swarm, "docker service create -d --name db --network backend nginx")
    swarm.advance(1)
    assert vips(swarm, "db") == [("backend", "10.0.1.2/24")]
    ok(swarm, "docker service update -d --endpoint-mode dnsrr db")
    swarm.advance(1)
    assert vips(swarm, "db") == []


def test_dynamic_ingress_ports_are_serial_and_kept(swarm: Swarm) -> None:
    ok(swarm, "docker service create -d --name a -p 80 nginx")
    ok(swarm, "docker service create -d --name b -p 81 -p 82 nginx")
    swarm.advance(1)
    ok(swarm, "docker service rm a")
    ok(swarm, "docker service create -d --name c -p 83 nginx")
    ok(swarm, "docker service update -d --env-add X=1 b")
    swarm.advance(1)

    def published(name: str) -> list[int]:
        return [p.published_port for p in service(swarm, name).published_ports]

    assert (published("b"), published("c")) == ([30001, 30002], [30003])


def ports_of(swarm: Swarm, name: str) -> list[tuple[int, int, str]]:
    return [
        (p.target_port, p.published_port, p.publish_mode.name.lower())
        for p in service(swarm, name).published_ports
    ]


def test_first_allocation_keeps_the_specs_order(swarm: Swarm) -> None:
    # reconcilePortConfigs hands a service never allocated its spec's ports as they are
    ok(swarm, "docker service create -d --name a -p mode=host,target=90,published=9000 -p 80 nginx")
    swarm.advance(1)
    assert ports_of(swarm, "a") == [(90, 9000, "host"), (80, 30000, "ingress")]
    shown = swarm.docker("docker service ls --format '{{.Ports}}'").stdout
    assert shown == "*:30000->80/tcp\n"


def test_a_host_port_change_puts_the_ingress_ports_first(swarm: Swarm) -> None:
    # allocated ingress ports are kept; updatePortsInHostPublishMode appends the host ones
    ok(swarm, "docker service create -d --name a -p mode=host,target=90,published=9000 -p 80 nginx")
    swarm.advance(1)
    ok(
        swarm,
        "docker service update -d --publish-rm mode=host,target=90 "
        "--publish-add mode=host,target=90,published=9001 a",
    )
    swarm.advance(1)
    assert ports_of(swarm, "a") == [(80, 30000, "ingress"), (90, 9001, "host")]


def test_a_new_port_renumbers_the_dynamic_ones(swarm: Swarm) -> None:
    # the spec has more ports than were allocated: reconcilePortConfigs starts afresh
    ok(swarm, "docker service create -d --name a -p 80 nginx")
    swarm.advance(1)
    assert ports_of(swarm, "a") == [(80, 30000, "ingress")]
    ok(swarm, "docker service update -d --env-add X=1 a")
    swarm.advance(1)
    assert ports_of(swarm, "a") == [(80, 30000, "ingress")]
    ok(swarm, "docker service update -d --publish-add 8081:81 a")
    swarm.advance(1)
    assert ports_of(swarm, "a") == [(80, 30001, "ingress"), (81, 8081, "ingress")]
    assert swarm.allocator.ingress_ports() == {("tcp", 30001): service(swarm, "a").id,
                                               ("tcp", 8081): service(swarm, "a").id}  # fmt: skip


def test_a_rollback_to_a_port_taken_meanwhile_waits_for_it(swarm: Swarm) -> None:
    # docker service rollback checks the current spec's ports, not the previous one's;
    # the allocator then finds 8080 taken (portallocator.go allocate) and the service waits
    ok(swarm, "docker service create -d --name a -p 8080:80 nginx")
    swarm.advance(30)
    ok(swarm, "docker service update -d --publish-rm 80 --publish-add 8081:81 a")
    swarm.advance(60)
    ok(swarm, "docker service create -d --name b -p 8080:80 nginx")
    swarm.advance(30)
    ok(swarm, "docker service rollback -d a")
    swarm.advance(60)
    a, b = service(swarm, "a"), service(swarm, "b")
    assert ports_of(swarm, "a") == [(81, 8081, "ingress")]
    assert swarm.allocator.ingress_ports() == {("tcp", 8081): a.id, ("tcp", 8080): b.id}
    assert swarm.allocator.allocation_failed(a.id)
    (new,) = [t for t in swarm.ctx.store.tasks_of_service(a.id) if t.state == TaskState.NEW]
    lines = swarm.docker("docker service ls --format '{{.Name}} {{.Ports}}'").stdout
    assert lines == "a *:8081->81/tcp\nb *:8080->80/tcp\n"
    ok(swarm, "docker service rm b")
    swarm.advance(30)
    assert ports_of(swarm, "a") == [(80, 8080, "ingress")]
    assert not swarm.allocator.allocation_failed(a.id)
    assert new.state == TaskState.RUNNING
    assert swarm.allocator.ingress_ports() == {("tcp", 8080): a.id}


def test_task_addresses_released_once_the_task_is_dead(swarm: Swarm) -> None:
    ok(swarm, "docker network create -d overlay backend")
    ok(swarm, "docker service create -d --name api --network backend -p 80:80 nginx")
    swarm.advance(10)
    (task,) = swarm.ctx.store.tasks_of_service(service(swarm, "api").id)
    ingress, backend = network(swarm, "ingress"), network(swarm, "backend")
    assert task.attachments == ((ingress.id, "10.0.0.3/24"), (backend.id, "10.0.1.3/24"))
    ok(swarm, "docker service scale -d api=0")
    swarm.advance(15)
    assert task.state > TaskState.RUNNING and task.attachments == ()


def test_a_service_waits_for_a_free_dynamic_port(
    swarm: Swarm, monkeypatch: pytest.MonkeyPatch
) -> None:
    import swarmsim.manager.allocator as allocator

    monkeypatch.setattr(allocator, "DYNAMIC_PORT_END", allocator.DYNAMIC_PORT_START + 1)
    for name in ("a", "b", "c"):
        ok(swarm, f"docker service create -d --name {name} -p 80 nginx")
    swarm.advance(10)
    (task,) = swarm.ctx.store.tasks_of_service(service(swarm, "c").id)
    assert (service(swarm, "c").published_ports, task.state) == ((), TaskState.NEW)
    ok(swarm, "docker service rm a")
    swarm.advance(10)
    assert [p.published_port for p in service(swarm, "c").published_ports] == [30000]
    assert task.state == TaskState.RUNNING


def _states(swarm: Swarm, name: str) -> list[str]:
    tasks = swarm.ctx.store.tasks_of_service(service(swarm, name).id)
    return sorted(t.state.api_name for t in tasks if t.desired_state == TaskState.RUNNING)


def test_tasks_beyond_a_networks_addresses_stay_new_until_one_is_released(swarm: Swarm) -> None:
    # a /29 has five addresses after the gateway: the VIP and four tasks
    ok(swarm, "docker network create -d overlay --subnet 10.5.0.0/29 tiny")
    ok(swarm, "docker service create -d --name a --replicas 6 --network tiny nginx")
    swarm.advance(30)
    assert _states(swarm, "a") == ["new", "new", "running", "running", "running", "running"]
    waiting = [t for t in swarm.ctx.store.tasks_of_service(service(swarm, "a").id) if not t.node_id]
    assert [t.attachments for t in waiting] == [(), ()]  # nothing half-taken
    addresses = {a for t in swarm.ctx.store.tasks.values() for _, a in t.attachments}
    assert len(addresses) == 4 and "" not in addresses
    running = next(t for t in swarm.ctx.store.tasks.values() if t.state == TaskState.RUNNING)
    swarm.kill_task(running.id, 1)
    swarm.advance(10)  # its address goes to a waiting task; its replacement waits
    assert _states(swarm, "a") == ["new", "new", "running", "running", "running", "running"]
    assert any(t.state == TaskState.RUNNING for t in waiting)


def test_a_service_whose_vip_finds_no_address_waits_with_its_tasks(swarm: Swarm) -> None:
    ok(swarm, "docker network create -d overlay --subnet 10.5.0.0/29 tiny")
    ok(swarm, "docker service create -d --name a --replicas 4 --network tiny nginx")
    swarm.advance(30)  # the VIP and four tasks: .2 to .6, the subnet is full
    ok(swarm, "docker service create -d --name b --network tiny nginx")
    swarm.advance(30)
    assert [a for _, a in vips(swarm, "a")] == ["10.5.0.2/29"]
    assert (vips(swarm, "b"), _states(swarm, "b")) == ([], ["new"])
    ok(swarm, "docker service scale -d a=3")
    swarm.advance(30)  # one address: b's VIP, not yet its task
    assert (len(vips(swarm, "b")), _states(swarm, "b")) == (1, ["new"])
    ok(swarm, "docker service rm a")
    swarm.advance(30)
    assert _states(swarm, "b") == ["running"]
